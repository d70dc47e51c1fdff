import Fluent
import Foundation

/// A tenant's OpenID Connect identity provider (the municipality's Google Workspace, Microsoft
/// Entra ID, …) and the rule that maps its people to roster users.
final class IdentityProvider: Model, @unchecked Sendable {
    static let schema = "identity_providers"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    /// Exactly as the provider's discovery document and ID tokens spell it.
    @Field(key: "issuer") var issuer: String
    @Field(key: "client_id") var clientID: String
    @Field(key: "client_secret_sealed") var clientSecretSealed: String
    /// ``ClaimMapping`` in its text form: `email`, `username` or `userIds:TYPE`.
    @Field(key: "match_rule") var matchRule: String
    /// The ID token claim the rule reads.
    @Field(key: "claim") var claim: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
