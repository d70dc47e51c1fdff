import Fluent

struct CreateCredentials: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Credential.schema)
            .id()
            .field("tenant_id", .uuid, .required)
            .field("user_sourced_id", .string, .required)
            .field("password_hash", .string, .required)
            .field("failed_attempts", .int64, .required)
            .field("locked_until", .datetime)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "user_sourced_id")
            .create()
        try await database.schema(Operator.schema)
            .id()
            .field("username", .string, .required)
            .field("password_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "username")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Operator.schema).delete()
        try await database.schema(Credential.schema).delete()
    }
}
