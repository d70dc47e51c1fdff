import Fluent
import Foundation

/// A roster user's local password (for users without an identity provider), with the counters
/// of the lockout after repeated failures.
final class Credential: Model, @unchecked Sendable {
    static let schema = "credentials"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "user_sourced_id") var userSourcedID: String
    /// bcrypt, cost ``Accounts/bcryptCost``.
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "failed_attempts") var failedAttempts: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
