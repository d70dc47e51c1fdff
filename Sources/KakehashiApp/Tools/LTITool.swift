import Fluent
import Foundation

/// A registered LTI 1.3 tool (a learning resource, MEXCBT, …) of one tenant.
final class LTITool: Model, @unchecked Sendable {
    static let schema = "lti_tools"

    enum Status: String, Sendable {
        /// Registered dynamically, waiting for an administrator's approval.
        case pending
        case active
        case disabled
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "client_id") var clientID: String
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "name") var name: String
    @Field(key: "description") var toolDescription: String
    @Field(key: "initiate_login_uri") var initiateLoginURI: String
    /// JSON array; a redirect URI must match one exactly.
    @Field(key: "redirect_uris") var redirectURIs: String
    @Field(key: "jwks_uri") var jwksURI: String
    @Field(key: "target_link_uri") var targetLinkURI: String
    /// JSON object of custom parameters (values may be substitution variables).
    @Field(key: "custom") var custom: String
    /// Space-separated service scopes granted (AGS, NRPS).
    @Field(key: "scopes") var scopes: String
    /// JSON array of message types the tool accepts.
    @Field(key: "messages") var messages: String
    /// JSON of ``ToolPrivacy``.
    @Field(key: "privacy") var privacy: String
    /// Random, per tool: the pseudonymous `sub` is derived with it, so two tools cannot link a
    /// child by comparing identifiers.
    @Field(key: "subject_salt") var subjectSalt: String
    @Field(key: "status") var status: String
    /// `cli`, `admin` or `dynamic`.
    @Field(key: "source") var source: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var redirectURIList: [String] { (try? JSONDecoder().decode([String].self, from: Data(redirectURIs.utf8))) ?? [] }
    var customParameters: [String: String] { (try? JSONDecoder().decode([String: String].self, from: Data(custom.utf8))) ?? [:] }
    var messageTypes: [String] { (try? JSONDecoder().decode([String].self, from: Data(messages.utf8))) ?? [] }
    var privacySettings: ToolPrivacy { (try? JSONDecoder().decode(ToolPrivacy.self, from: Data(privacy.utf8))) ?? ToolPrivacy() }
    var scopeList: [String] { scopes.split(separator: " ").map(String.init) }
}
