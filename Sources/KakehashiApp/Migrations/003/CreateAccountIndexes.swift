import Fluent
import SQLKit

/// Sign-in looks users up by username, and accounts read roles and enrollments by user. The
/// indexes leave out `tenant_id` (queries still filter by it): shorter keys keep imports faster,
/// and a username or sourcedId is shared by few tenants at most.
struct CreateAccountIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.create(index: "roster_users_username").on("roster_users").column("username").run()
        try await sql.create(index: "roster_roles_user").on("roster_roles").column("user_sourced_id").run()
        try await sql.create(index: "roster_enrollments_user").on("roster_enrollments").column("user_sourced_id").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for name in ["roster_users_username", "roster_roles_user", "roster_enrollments_user"] {
            try await sql.drop(index: name).run()
        }
    }
}
