import Fluent
import Foundation

/// A sign-in sent to an identity provider and not yet come back: its state (hashed), nonce and
/// PKCE verifier. Used once: the callback deletes it, so a replayed callback finds nothing.
final class OIDCRequest: Model, @unchecked Sendable {
    static let schema = "oidc_requests"

    @ID(key: .id) var id: UUID?
    @Field(key: "state_hash") var stateHash: String
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "nonce") var nonce: String
    @Field(key: "code_verifier") var codeVerifier: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}
