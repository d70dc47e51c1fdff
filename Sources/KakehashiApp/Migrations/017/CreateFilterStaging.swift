import Fluent
import SQLKit

/// Filter rows not yet in the filter tables (``StatementStore`` on SQLite): appended with their
/// statements, in the same transaction, and moved into `lrs_statement_agents` /
/// `lrs_statement_activities` in large runs sorted by key. No index: rows only ever go to the
/// end, and queries read the few thousand here by scanning. `kind` 0 is an agent row
/// (`agent_key`, `verb_id`), 1 an activity row (`activity_id`). PostgreSQL writes the filter
/// tables directly and leaves this empty.
struct CreateFilterStaging: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await Self.createTable(database.sql)
    }

    /// The staging table as this migration made it (also migration 020's revert, which brings it back).
    static func createTable(_ sql: any SQLDatabase) async throws {
        let integer = SQLDialectKind(sql) == .sqlite ? "INTEGER" : "BIGINT"
        try await sql.raw(
            """
            CREATE TABLE \(ident: LRSSchema.filterStaging) ("kind" \(unsafeRaw: integer) NOT NULL, "tenant_id" UUID NOT NULL,
              "agent_key" TEXT, "verb_id" TEXT, "activity_id" TEXT, "stored_us" \(unsafeRaw: integer) NOT NULL,
              "statement_id" TEXT NOT NULL, "direct" \(unsafeRaw: integer) NOT NULL)
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LRSSchema.filterStaging).delete()
    }
}
