/// The names of the claims of LTI 1.3 messages (LTI Core 1.3 §5, Deep Linking 2.0 §4.4, AGS 2.0
/// §3.1, NRPS 2.0 §3.6). One home for the URIs, so no other file spells one.
public enum LTIClaimName {
    static let lti = "https://purl.imsglobal.org/spec/lti/claim/"

    public static let messageType = lti + "message_type"
    public static let version = lti + "version"
    public static let deploymentID = lti + "deployment_id"
    public static let targetLinkURI = lti + "target_link_uri"
    public static let resourceLink = lti + "resource_link"
    public static let roles = lti + "roles"
    public static let context = lti + "context"
    public static let toolPlatform = lti + "tool_platform"
    public static let launchPresentation = lti + "launch_presentation"
    public static let custom = lti + "custom"
    public static let lis = lti + "lis"
    public static let roleScopeMentor = lti + "role_scope_mentor"

    public static let deepLinkingSettings = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
    public static let contentItems = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
    public static let deepLinkingData = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
    public static let agsEndpoint = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
    public static let namesRoleService = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

    /// `https://purl.imsglobal.org/spec/lti/claim/version`: tools compare it exactly.
    public static let versionValue = "1.3.0"
}

/// The message types Kakehashi sends.
public enum LTIMessageType: String, Sendable, Codable {
    case resourceLink = "LtiResourceLinkRequest"
    case deepLinking = "LtiDeepLinkingRequest"
}
