import Fluent
import Foundation

/// A person's TOTP second factor (RFC 6238) and their recovery codes.
final class SecondFactor: Model, @unchecked Sendable {
    static let schema = "second_factors"

    @ID(key: .id) var id: UUID?
    /// `user:<tenant id>/<sourcedId>` or `operator:<name>`: one factor per person.
    @Field(key: "owner") var owner: String
    @OptionalField(key: "tenant_id") var tenantID: UUID?
    /// The shared secret, sealed with the server's key (``SecretBox``).
    @Field(key: "secret_sealed") var secretSealed: String
    /// Nil while the person is still setting it up.
    @OptionalField(key: "enabled_at") var enabledAt: Date?
    /// The last time step accepted: a code is never accepted twice.
    @Field(key: "last_step") var lastStep: Int64
    /// SHA-256 of each unused recovery code, JSON array.
    @Field(key: "recovery_codes") var recoveryCodes: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
