import Fluent
import SQLKit

struct CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UserSession.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("tenant_id", .uuid, .required)
            .field("tenant_code", .string, .required)
            .field("user_sourced_id", .string, .required)
            .field("role", .string, .required)
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("source", .string, .required)
            .unique(on: "token_hash")
            .create()
        try await database.sql.create(index: "sessions_user").on(UserSession.schema).column("tenant_id").column("user_sourced_id").run()
        // The teacher's home lists the members of each class.
        try await database.sql.create(index: "roster_enrollments_class").on("roster_enrollments").column("class_sourced_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "roster_enrollments_class").run()
        try await database.schema(UserSession.schema).delete()
    }
}
