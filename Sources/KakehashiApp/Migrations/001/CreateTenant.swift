import Fluent

struct CreateTenant: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Tenant.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Tenant.schema).delete()
    }
}
