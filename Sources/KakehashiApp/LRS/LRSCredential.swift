import Fluent
import Foundation

/// A stand-alone LRS credential (HTTP Basic key and secret) of one tenant. Only the SHA-256 of
/// the secret is stored: the secret is 256 random bits, shown once when it is made.
final class LRSCredential: Model, @unchecked Sendable {
    static let schema = "lrs_credentials"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    /// The public half, the Basic user name.
    @Field(key: "key") var key: String
    /// Lowercase hex SHA-256 of the secret.
    @Field(key: "secret_hash") var secretHash: String
    /// What it is for (shown in the authority's name).
    @Field(key: "label") var label: String
    /// The xAPI scopes granted, separated by spaces (``XAPIScopes``; migration 016).
    @Field(key: "scopes") var scopes: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
}
