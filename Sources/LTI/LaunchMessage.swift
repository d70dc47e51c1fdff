import Foundation

/// An LTI 1.3 launch message from the platform: the claims of the id_token for an
/// `LtiResourceLinkRequest` (LTI Core 1.3 §5.3–5.4) or an `LtiDeepLinkingRequest` (Deep Linking
/// 2.0 §4.4). The platform fills it; ``claims()`` checks the required claims and gives the
/// JSON that ``LTIMessageSigner`` signs.
public struct LaunchMessage: Sendable {
    public struct ResourceLink: Sendable, Equatable {
        /// Stable per placement, at most 255 characters.
        public var id: String
        public var title: String?
        public var description: String?
        public init(id: String, title: String? = nil, description: String? = nil) {
            self.id = id
            self.title = title
            self.description = description
        }
    }

    public struct Context: Sendable, Equatable {
        public static let courseSection = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseSection"
        public var id: String
        public var label: String?
        public var title: String?
        public var type: [String]
        public init(id: String, label: String? = nil, title: String? = nil, type: [String] = [Context.courseSection]) {
            self.id = id
            self.label = label
            self.title = title
            self.type = type
        }
    }

    public struct ToolPlatform: Sendable, Equatable {
        public var guid: String
        public var name: String
        public var version: String
        public var productFamilyCode: String
        public init(guid: String, name: String, version: String, productFamilyCode: String) {
            self.guid = guid
            self.name = name
            self.version = version
            self.productFamilyCode = productFamilyCode
        }
    }

    /// What the tool may learn about the person, already filtered by the tool's privacy settings.
    public struct Person: Sendable, Equatable {
        public var name: String?
        public var givenName: String?
        public var familyName: String?
        public var email: String?
        public init(name: String? = nil, givenName: String? = nil, familyName: String? = nil, email: String? = nil) {
            self.name = name
            self.givenName = givenName
            self.familyName = familyName
            self.email = email
        }
    }

    public var issuer: String
    public var clientID: String
    public var deploymentID: String
    public var subject: String
    public var nonce: String
    public var messageType: LTIMessageType
    public var targetLinkURI: String
    public var roles: [String]
    public var resourceLink: ResourceLink?
    public var context: Context?
    public var toolPlatform: ToolPlatform?
    /// `ja-JP` or `en`.
    public var locale: String
    public var documentTarget = "window"
    public var returnURL: String?
    public var custom: [String: String] = [:]
    public var personSourcedID: String?
    public var courseSectionSourcedID: String?
    public var person = Person()
    /// Service and Deep Linking claims (AGS endpoint, NRPS, deep_linking_settings) by claim name.
    public var serviceClaims: [String: LTIJSON] = [:]
    public var issuedAt: Date
    /// Lifetime of the id_token: short, it is used at once.
    public var lifetime: TimeInterval = 5 * 60
    /// How far `iat` is set back, for tools whose clock runs a little behind (some libraries
    /// allow no leeway at all).
    public var backdate: TimeInterval = 5

    public init(
        issuer: String, clientID: String, deploymentID: String, subject: String, nonce: String, messageType: LTIMessageType, targetLinkURI: String,
        roles: [String], locale: String, issuedAt: Date = Date()
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.deploymentID = deploymentID
        self.subject = subject
        self.nonce = nonce
        self.messageType = messageType
        self.targetLinkURI = targetLinkURI
        self.roles = roles
        self.locale = locale
        self.issuedAt = issuedAt
    }

    /// A message that cannot be sent, with the claim at fault.
    public struct Incomplete: Error, Equatable, CustomStringConvertible {
        public var claim: String
        public var reason: String
        public var description: String { "\(claim): \(reason)" }
    }

    /// The id_token's claims. Throws when a required claim is missing or malformed, so a broken
    /// launch never leaves the platform.
    public func claims() throws -> [String: LTIJSON] {
        for (name, value) in [("iss", issuer), ("aud", clientID), ("sub", subject), ("nonce", nonce), (LTIClaimName.deploymentID, deploymentID)]
        where value.isEmpty {
            throw Incomplete(claim: name, reason: "required, and empty")
        }
        guard deploymentID.count <= 255 else { throw Incomplete(claim: LTIClaimName.deploymentID, reason: "longer than 255 characters") }
        var claims: [String: LTIJSON] = [
            "iss": .string(issuer),
            "aud": .string(clientID),
            "azp": .string(clientID),
            "sub": .string(subject),
            "nonce": .string(nonce),
            "iat": .number(issuedAt.addingTimeInterval(-backdate).timeIntervalSince1970.rounded(.down)),
            "exp": .number(issuedAt.addingTimeInterval(lifetime).timeIntervalSince1970.rounded(.down)),
            "locale": .string(locale),
            LTIClaimName.messageType: .string(messageType.rawValue),
            LTIClaimName.version: .string(LTIClaimName.versionValue),
            LTIClaimName.deploymentID: .string(deploymentID),
            LTIClaimName.targetLinkURI: .string(targetLinkURI),
            LTIClaimName.roles: .array(roles.map(LTIJSON.string)),
        ]
        switch messageType {
        case .resourceLink:
            guard let resourceLink, !resourceLink.id.isEmpty else { throw Incomplete(claim: LTIClaimName.resourceLink, reason: "required for a resource link launch") }
            guard resourceLink.id.count <= 255 else { throw Incomplete(claim: LTIClaimName.resourceLink, reason: "id longer than 255 characters") }
            claims[LTIClaimName.resourceLink] = .object(Self.compact(["id": resourceLink.id, "title": resourceLink.title, "description": resourceLink.description]))
        case .deepLinking:
            guard serviceClaims[LTIClaimName.deepLinkingSettings] != nil else {
                throw Incomplete(claim: LTIClaimName.deepLinkingSettings, reason: "required for a deep linking request")
            }
        }
        if let context {
            var object = Self.compact(["id": context.id, "label": context.label, "title": context.title])
            object["type"] = .array(context.type.map(LTIJSON.string))
            claims[LTIClaimName.context] = .object(object)
        }
        if let toolPlatform {
            claims[LTIClaimName.toolPlatform] = .object(Self.compact([
                "guid": toolPlatform.guid, "name": toolPlatform.name, "version": toolPlatform.version, "product_family_code": toolPlatform.productFamilyCode,
            ]))
        }
        claims[LTIClaimName.launchPresentation] = .object(Self.compact(["document_target": documentTarget, "return_url": returnURL, "locale": locale]))
        if !custom.isEmpty { claims[LTIClaimName.custom] = .object(custom.mapValues(LTIJSON.string)) }
        let lis = Self.compact(["person_sourcedid": personSourcedID, "course_section_sourcedid": courseSectionSourcedID])
        if !lis.isEmpty { claims[LTIClaimName.lis] = .object(lis) }
        for (name, value) in [("name", person.name), ("given_name", person.givenName), ("family_name", person.familyName), ("email", person.email)] {
            if let value, !value.isEmpty { claims[name] = .string(value) }
        }
        for (name, value) in serviceClaims { claims[name] = value }
        return claims
    }

    private static func compact(_ values: [String: String?]) -> [String: LTIJSON] {
        values.compactMapValues { value in value.flatMap { $0.isEmpty ? nil : LTIJSON.string($0) } }
    }
}
