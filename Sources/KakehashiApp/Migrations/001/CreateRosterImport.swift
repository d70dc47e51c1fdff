import Fluent

struct CreateRosterImport: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RosterImportRecord.schema)
            .id()
            .field("tenant_id", .uuid)
            .field("tenant_code", .string, .required)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime, .required)
            .field("actor", .string, .required)
            .field("package_name", .string, .required)
            .field("package_sha256", .string, .required)
            .field("profile", .string, .required)
            .field("result", .string, .required)
            .field("counts", .string, .required)
            .field("error_count", .int, .required)
            .field("message", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RosterImportRecord.schema).delete()
    }
}
