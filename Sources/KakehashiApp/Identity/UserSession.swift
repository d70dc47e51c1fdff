import Fluent
import Foundation

/// A signed-in browser. The cookie holds a random token; the database holds only its SHA-256, so
/// a copy of the database does not let anyone sign in. Kept in the database so any number of
/// server instances share sessions.
final class UserSession: Model, @unchecked Sendable {
    static let schema = "sessions"

    /// Whose session: a roster user of a tenant, or an operator (no tenant).
    enum Kind: String, Sendable {
        case user
        case `operator`
    }

    /// Where the second factor stands.
    enum MFAState: String, Sendable {
        /// Signed in completely (second factor given, or none needed).
        case satisfied
        /// Enrolled: the TOTP or a recovery code is still to be entered.
        case verify
        /// Staff without a second factor yet: must enroll before anything else.
        case enroll
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "kind") var kind: String
    @OptionalField(key: "tenant_id") var tenantID: UUID?
    /// Empty for operators.
    @Field(key: "tenant_code") var tenantCode: String
    /// The roster user's sourcedId, or the operator's name.
    @Field(key: "user_sourced_id") var userSourcedID: String
    /// The OneRoster role the session started with (`operator` for operators).
    @Field(key: "role") var role: String
    /// `password` or `oidc`.
    @Field(key: "method") var method: String
    @Field(key: "mfa") var mfa: String
    /// Sent back in every form; a post without it is refused (CSRF).
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "source") var source: String

    init() {}

    var sessionKind: Kind { Kind(rawValue: kind) ?? .user }
    var mfaState: MFAState { MFAState(rawValue: mfa) ?? .enroll }

    /// How the audit log names the person: `user:TENANT/sourcedId` or `operator:name`.
    var actor: String { sessionKind == .operator ? "operator:\(userSourcedID)" : "user:\(tenantCode)/\(userSourcedID)" }
}
