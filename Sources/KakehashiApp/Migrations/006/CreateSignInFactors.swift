import Fluent
import SQLKit

/// Second factors, identity providers, OpenID Connect requests, roster uploads awaiting
/// confirmation, and sessions that can belong to an operator and wait for a second factor.
///
/// The sessions table is replaced rather than altered: sessions are short-lived, so everyone
/// simply signs in again after this migration, and both engines get the same plain schema.
struct CreateSignInFactors: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.drop(index: "sessions_user").run()
        try await database.schema(UserSession.schema).delete()
        try await database.schema(UserSession.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("kind", .string, .required)
            .field("tenant_id", .uuid)
            .field("tenant_code", .string, .required)
            .field("user_sourced_id", .string, .required)
            .field("role", .string, .required)
            .field("method", .string, .required)
            .field("mfa", .string, .required)
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("source", .string, .required)
            .unique(on: "token_hash")
            .create()
        try await database.sql.create(index: "sessions_user").on(UserSession.schema).column("tenant_id").column("user_sourced_id").run()

        try await database.schema(SecondFactor.schema)
            .id()
            .field("owner", .string, .required)
            .field("tenant_id", .uuid)
            .field("secret_sealed", .string, .required)
            .field("enabled_at", .datetime)
            .field("last_step", .int64, .required)
            .field("recovery_codes", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "owner")
            .create()

        try await database.schema(IdentityProvider.schema)
            .id()
            .field("tenant_id", .uuid, .required)
            .field("issuer", .string, .required)
            .field("client_id", .string, .required)
            .field("client_secret_sealed", .string, .required)
            .field("match_rule", .string, .required)
            .field("claim", .string, .required)
            .field("display_name", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "tenant_id")
            .create()

        try await database.schema(OIDCRequest.schema)
            .id()
            .field("state_hash", .string, .required)
            .field("tenant_id", .uuid, .required)
            .field("nonce", .string, .required)
            .field("code_verifier", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "state_hash")
            .create()

        try await database.schema(RosterUpload.schema)
            .id()
            .field("tenant_id", .uuid, .required)
            .field("uploaded_by", .string, .required)
            .field("uploaded_at", .datetime, .required)
            .field("filename", .string, .required)
            .field("sha256", .string, .required)
            .field("size", .int64, .required)
            .field("package", .data, .required)
            .field("valid", .bool, .required)
            .field("report", .string, .required)
            .field("status", .string, .required)
            .field("decided_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RosterUpload.schema).delete()
        try await database.schema(OIDCRequest.schema).delete()
        try await database.schema(IdentityProvider.schema).delete()
        try await database.schema(SecondFactor.schema).delete()
    }
}
