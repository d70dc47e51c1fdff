/// The LTI part of a tool's registration request (LTI Dynamic Registration 1.0 §3.5.2), under
/// `https://purl.imsglobal.org/spec/lti-tool-configuration`. In the response the platform adds
/// `deployment_id`.
public struct ToolConfiguration: Codable, Sendable, Equatable {
    public static let key = "https://purl.imsglobal.org/spec/lti-tool-configuration"

    /// The tool's primary domain (host, optionally with port).
    public var domain: String?
    public var secondaryDomains: [String]?
    /// Set by the platform in the registration response.
    public var deploymentID: String?
    /// The default launch URL.
    public var targetLinkURI: String?
    public var customParameters: [String: String]?
    public var description: String?
    /// The messages the tool supports, with where they should appear.
    public var messages: [Message]?
    /// The optional claims (`sub`, `name`, `email`, …) the tool asks for.
    public var claims: [String]?

    /// A message a tool offers (`LtiResourceLinkRequest`, `LtiDeepLinkingRequest`, …).
    public struct Message: Codable, Sendable, Equatable {
        public var type: String
        public var targetLinkURI: String?
        public var label: String?
        public var iconURI: String?
        public var placements: [String]?
        public var roles: [String]?
        public var customParameters: [String: String]?

        public init(
            type: String, targetLinkURI: String? = nil, label: String? = nil, iconURI: String? = nil,
            placements: [String]? = nil, roles: [String]? = nil, customParameters: [String: String]? = nil
        ) {
            self.type = type
            self.targetLinkURI = targetLinkURI
            self.label = label
            self.iconURI = iconURI
            self.placements = placements
            self.roles = roles
            self.customParameters = customParameters
        }

        enum CodingKeys: String, CodingKey {
            case type, label, placements, roles
            case targetLinkURI = "target_link_uri"
            case iconURI = "icon_uri"
            case customParameters = "custom_parameters"
        }
    }

    public init(
        domain: String?, secondaryDomains: [String]? = nil, deploymentID: String? = nil, targetLinkURI: String?,
        customParameters: [String: String]? = nil, description: String? = nil, messages: [Message]? = nil,
        claims: [String]? = nil
    ) {
        self.domain = domain
        self.secondaryDomains = secondaryDomains
        self.deploymentID = deploymentID
        self.targetLinkURI = targetLinkURI
        self.customParameters = customParameters
        self.description = description
        self.messages = messages
        self.claims = claims
    }

    enum CodingKeys: String, CodingKey {
        case domain, description, messages, claims
        case secondaryDomains = "secondary_domains"
        case deploymentID = "deployment_id"
        case targetLinkURI = "target_link_uri"
        case customParameters = "custom_parameters"
    }
}
