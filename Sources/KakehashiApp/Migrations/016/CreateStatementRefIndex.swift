import Fluent
import SQLKit

/// Statements whose object is a StatementRef, in stored order: a filtered query also returns
/// those whose target matches (Communication §2.1.3 "Filter Conditions for StatementRefs"), and
/// walks them by this index instead of every statement of the tenant. Partial, so the ordinary
/// statement written by a tool costs nothing here.
struct CreateStatementRefIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.raw(
            "CREATE INDEX \"lrs_statements_targeting\" ON \"lrs_statements\" (\"tenant_id\", \"stored_us\", \"statement_id\") WHERE \"statement_ref\" IS NOT NULL"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "lrs_statements_targeting").run()
    }
}
