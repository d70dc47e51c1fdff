import Fluent

/// Per-tenant sign-in choices (password sign-in on or off, guardians allowed or not).
struct CreateTenantPolicies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TenantPolicy.schema)
            .id()
            .field("tenant_id", .uuid, .required)
            .field("password_sign_in", .bool, .required)
            .field("guardian_sign_in", .bool, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TenantPolicy.schema).delete()
    }
}
