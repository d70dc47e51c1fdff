import Fluent
import Foundation

/// A signed-in browser. The cookie holds a random token; the database holds only its SHA-256, so
/// a copy of the database does not let anyone sign in. Kept in the database so any number of
/// server instances share sessions.
final class UserSession: Model, @unchecked Sendable {
    static let schema = "sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "tenant_code") var tenantCode: String
    @Field(key: "user_sourced_id") var userSourcedID: String
    @Field(key: "role") var role: String
    /// Sent back in every form; a post without it is refused (CSRF).
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "source") var source: String

    init() {}
}
