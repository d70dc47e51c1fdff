import Fluent
import SQLKit

/// Launches in flight are pruned by expiry: without this index every prune read the whole table.
struct CreateLaunchExpiryIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.create(index: "lti_launches_expires").on(LTILaunch.schema).column("expires_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "lti_launches_expires").run()
    }
}
