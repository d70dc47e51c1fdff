import Foundation

/// A Deep Linking response from a tool (DL 2.0 §4.2), validated.
///
/// The tool POSTs form field `JWT` to the `deep_link_return_url`. Verify its signature first
/// with ``ToolJWTVerifier``, then read it here:
///
/// ```swift
/// let jwt = try await verifier.verify(form["JWT"], jwksURL: tool.jwksURL)
/// let response = try DeepLinkingResponse(
///     validating: jwt.claims, clientID: tool.clientID, platformIssuer: issuer,
///     deploymentID: deployment.id, settings: sentSettings)
/// ```
///
/// Checks: `iss` is the tool's client_id; `aud` contains our issuer (a string or an array);
/// `exp`/`iat` within `leeway`; `nonce` present; `deployment_id` is the expected deployment;
/// `message_type` is `LtiDeepLinkingResponse` and `version` `1.3.0`; `data` is echoed when
/// it was sent; every item is of a type offered in `accept_types`; no more than one item unless
/// `accept_multiple` was true.
public struct DeepLinkingResponse: Sendable, Equatable {
    public static let messageType = "LtiDeepLinkingResponse"
    public static let version = LTIClaimName.versionValue

    /// The claim names of the response message: the shared ones from ``LTIClaimName``, and the
    /// four message and log claims only a response carries.
    public enum Claim {
        public static let messageType = LTIClaimName.messageType
        public static let version = LTIClaimName.version
        public static let deploymentID = LTIClaimName.deploymentID
        public static let contentItems = LTIClaimName.contentItems
        public static let data = LTIClaimName.deepLinkingData
        public static let message = "https://purl.imsglobal.org/spec/lti-dl/claim/msg"
        public static let log = "https://purl.imsglobal.org/spec/lti-dl/claim/log"
        public static let errorMessage = "https://purl.imsglobal.org/spec/lti-dl/claim/errormsg"
        public static let errorLog = "https://purl.imsglobal.org/spec/lti-dl/claim/errorlog"
    }

    public var clientID: String
    public var deploymentID: String
    public var nonce: String
    public var data: String?
    /// The items chosen in the tool; may be empty (the user cancelled).
    public var contentItems: [ContentItem]
    /// `msg`: show to the user on success.
    public var message: String?
    /// `errormsg`: show to the user on failure.
    public var errorMessage: String?
    /// `log`: write to the log.
    public var log: String?
    /// `errorlog`: write to the log as an error.
    public var errorLog: String?

    // MARK: - Validation

    /// Validates a response against the settings of the request it answers.
    public init(
        validating claims: JWTClaims, clientID: String, platformIssuer: String, deploymentID: String,
        settings: DeepLinkingSettings, now: Date = Date(), leeway: TimeInterval = 60
    ) throws {
        try self.init(
            validating: claims, clientID: clientID, platformIssuer: platformIssuer, deploymentID: deploymentID,
            acceptTypes: settings.acceptTypes, acceptMultiple: settings.acceptMultiple ?? false,
            sentData: settings.data, now: now, leeway: leeway)
    }

    /// Validates a response given what the request offered.
    /// - Parameters:
    ///   - acceptTypes: the `accept_types` offered (``ContentItem/Kind`` raw values).
    ///   - sentData: the `data` sent in the request, nil when none was.
    public init(
        validating claims: JWTClaims, clientID: String, platformIssuer: String, deploymentID: String,
        acceptTypes: [String], acceptMultiple: Bool, sentData: String?, now: Date = Date(),
        leeway: TimeInterval = 60
    ) throws {
        guard let iss = claims.string("iss") else { throw LTIError.jwtMissingClaim("iss", code: "dl.missing-claim") }
        guard iss == clientID else {
            throw LTIError.dlClaim(
                "iss-mismatch", claim: "iss",
                ja: "iss「\(iss)」がツールの client_id と一致しません。",
                en: "iss \"\(iss)\" is not the tool's client_id \(clientID).")
        }
        guard let aud = claims["aud"]?.stringOrStrings, aud.contains(platformIssuer) else {
            throw LTIError.dlClaim(
                "aud-mismatch", claim: "aud",
                ja: "aud にプラットフォームの issuer が含まれていません。",
                en: "aud does not contain the platform issuer \(platformIssuer).")
        }
        try TimeClaims.check(claims, now: now, leeway: leeway)
        guard let nonce = claims.string("nonce"), !nonce.isEmpty else {
            throw LTIError.dlClaim(
                "nonce-missing", claim: "nonce", ja: "nonce がありません。", en: "The nonce claim is missing.")
        }
        let deployment = claims.string(Claim.deploymentID)
        guard deployment == deploymentID else {
            throw LTIError.dlClaim(
                "deployment-mismatch", claim: Claim.deploymentID,
                ja: "deployment_id「\(deployment ?? "")」が要求時のものと一致しません。",
                en: "deployment_id \"\(deployment ?? "(none)")\" is not the deployment \(deploymentID).")
        }
        let type = claims.string(Claim.messageType)
        guard type == Self.messageType else {
            throw LTIError.dlClaim(
                "message-type", claim: Claim.messageType,
                ja: "message_type は LtiDeepLinkingResponse でなければなりません。",
                en: "message_type must be LtiDeepLinkingResponse, not \(type ?? "(none)").")
        }
        let version = claims.string(Claim.version)
        guard version == Self.version else {
            throw LTIError.dlClaim(
                "version", claim: Claim.version,
                ja: "version は 1.3.0 でなければなりません。", en: "version must be 1.3.0, not \(version ?? "(none)").")
        }
        let data = claims.string(Claim.data)
        if let sentData, data != sentData {
            throw LTIError.dlClaim(
                "data-mismatch", claim: Claim.data,
                ja: "data が要求時の値と一致しません（改変または欠落）。",
                en: "data is not the value sent in the request (changed or missing).")
        }

        let items = try Self.contentItems(in: claims, acceptTypes: acceptTypes, acceptMultiple: acceptMultiple)
        self.init(
            clientID: iss, deploymentID: deploymentID, nonce: nonce, data: data, contentItems: items,
            message: claims.string(Claim.message), errorMessage: claims.string(Claim.errorMessage),
            log: claims.string(Claim.log), errorLog: claims.string(Claim.errorLog))
    }

    public init(
        clientID: String, deploymentID: String, nonce: String, data: String? = nil, contentItems: [ContentItem],
        message: String? = nil, errorMessage: String? = nil, log: String? = nil, errorLog: String? = nil
    ) {
        self.clientID = clientID
        self.deploymentID = deploymentID
        self.nonce = nonce
        self.data = data
        self.contentItems = contentItems
        self.message = message
        self.errorMessage = errorMessage
        self.log = log
        self.errorLog = errorLog
    }

    private static func contentItems(
        in claims: JWTClaims, acceptTypes: [String], acceptMultiple: Bool
    ) throws -> [ContentItem] {
        let base = JSONPath.member(Claim.contentItems)
        guard let value = claims[Claim.contentItems], !value.isNull else { return [] }
        guard let values = value.array else {
            throw LTIError.dlClaim(
                "content-items", claim: Claim.contentItems,
                ja: "content_items は配列でなければなりません。", en: "content_items must be an array.")
        }
        if values.count > 1 && !acceptMultiple {
            throw LTIError.dlMultipleNotAccepted(count: values.count, path: base)
        }
        return try values.enumerated().map { index, value in
            let path = JSONPath.index(index, of: base)
            guard let type = value["type"]?.string else {
                throw LTIError.missingField(JSONPath.member("type", of: path), code: "dl.content-item-invalid")
            }
            guard ContentItem.Kind(rawValue: type) != nil else {
                throw LTIError.dlUnknownContentType(type, path: JSONPath.member("type", of: path))
            }
            guard acceptTypes.contains(type) else {
                throw LTIError.dlTypeNotOffered(type, path: JSONPath.member("type", of: path))
            }
            do {
                return try value.decode(as: ContentItem.self)
            } catch let error as DecodingError {
                throw LTIError.decoding(error, code: "dl.content-item-invalid", base: path)
            }
        }
    }
}
