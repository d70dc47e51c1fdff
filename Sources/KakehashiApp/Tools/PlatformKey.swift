import Fluent
import Foundation

/// One of the platform's RS256 signing keys. Three are published at a time: `previous` (still
/// verifies what it signed), `current` (signs), `next` (published ahead, so tools that cache the
/// JWKS for a day already know it when it starts signing).
final class PlatformKey: Model, @unchecked Sendable {
    static let schema = "lti_platform_keys"

    enum State: String, Sendable {
        case next, current, previous, retired
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "kid") var kid: String
    /// PEM, sealed with ``SecretBox``.
    @Field(key: "private_key_sealed") var privateKeySealed: String
    /// The public JWK as published.
    @Field(key: "public_jwk") var publicJWK: String
    @Field(key: "state") var state: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "activated_at") var activatedAt: Date?
    @OptionalField(key: "retired_at") var retiredAt: Date?

    init() {}
}
