/// The LTI part of the platform's OpenID configuration (LTI Dynamic Registration 1.0 §3.4.1),
/// under `https://purl.imsglobal.org/spec/lti-platform-configuration`.
public struct LTIPlatformConfiguration: Codable, Sendable, Equatable {
    public static let key = "https://purl.imsglobal.org/spec/lti-platform-configuration"

    /// Our product's family code, also sent as `tool_platform.product_family_code` in launches.
    public var productFamilyCode: String
    public var version: String
    public var messagesSupported: [SupportedMessage]
    /// The custom parameter substitution variables we expand (`$User.id`, …).
    public var variables: [String]?

    /// A message type we can send, with the placements where it appears.
    public struct SupportedMessage: Codable, Sendable, Equatable {
        public var type: String
        public var placements: [String]?

        public init(type: String, placements: [String]? = nil) {
            self.type = type
            self.placements = placements
        }
    }

    public init(
        productFamilyCode: String, version: String, messagesSupported: [SupportedMessage],
        variables: [String]? = nil
    ) {
        self.productFamilyCode = productFamilyCode
        self.version = version
        self.messagesSupported = messagesSupported
        self.variables = variables
    }

    enum CodingKeys: String, CodingKey {
        case productFamilyCode = "product_family_code"
        case version
        case messagesSupported = "messages_supported"
        case variables
    }
}
