import Fluent
import Foundation
import SQLKit
import XAPI

/// The filter tables keyed by ``FilterKeys`` (8-byte integers) in place of the tenant's id and
/// texts: `lrs_filter_agents` (key, verb, stored, statement, direct), `lrs_filter_activities`
/// (key, stored, statement, direct) and `lrs_filter_keys` (key, stored, statement; registrations
/// and course-of-study codes, the kind being part of the key), each its own primary key; the
/// staging table's rows take the same form. Rows a third as long make the merges of staged rows
/// (``StatementStore/mergeStagedFilters(_:limit:)``) and the store's file smaller.
///
/// Every existing row, staged or merged, is re-keyed into the new tables in one transaction
/// (a stopped migration leaves the old tables as they were). A key cannot be turned back into
/// its text, so the revert rebuilds the old tables from the stored statements themselves (a
/// statement that no longer validates gets no agent or activity rows there).
struct HashFilterKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await Self.withTemporaryFiles(database) { connection in try await Self.prepareInTransaction(connection) }
    }

    private static func prepareInTransaction(_ database: any Database) async throws {
        try await database.transaction { transaction in
            let sql = BulkSQL(transaction)
            try await Self.createTables(transaction.sql)
            var keys: [UUID: FilterKeys] = [:]
            func key(_ tenant: String?, _ kind: FilterKeys.Kind, _ text: String?) throws -> BulkSQL.Value {
                guard let tenant = tenant.flatMap(UUID.init(uuidString:)), let text else { throw Unreadable() }
                // Registrations are one per attempt: remembered, they would grow with the store.
                if kind == .registration { return .int(FilterKeys.key(tenant, kind, text)) }
                return .int(keys[tenant, default: FilterKeys(tenantID: tenant)].key(kind, text))
            }
            func int(_ text: String?) throws -> BulkSQL.Value {
                guard let number = text.flatMap({ Int64($0) }) else { throw Unreadable() }
                return .int(number)
            }
            func id(_ text: String?) throws -> BulkSQL.Value {
                guard let text else { throw Unreadable() }
                return .text(text)
            }
            // Every row re-keyed goes first to a table without an index, and from there into its
            // table in key order: inserted in the old tables' order the keys land at random places
            // (the writer's merges do the same, ``StatementStore/mergeStagedFilters(_:limit:)``).
            try await Self.createStaging(transaction.sql, named: Self.rekeyed)
            func stage(_ rows: [[BulkSQL.Value]]) async throws {
                try await Self.insert(sql, Self.rekeyed, StatementStore.stagingColumns, rows)
            }
            let agent = BulkSQL.Value.int(Int64(FilterKeys.Kind.agent.rawValue)), activity = BulkSQL.Value.int(Int64(FilterKeys.Kind.activity.rawValue))
            // Rows other than agent rows have no verb; 0 rather than NULL, which PostgreSQL would take for a text here.
            let noVerb = BulkSQL.Value.int(0)
            try await Self.walk(sql, LRSSchema.TextKeyed.agents, ["tenant_id", "agent_key", "verb_id", "stored_us", "statement_id", "direct"], key: 5) { rows in
                try await stage(try rows.map { try [agent, key($0[0], .agent, $0[1]), key($0[0], .verb, $0[2]), int($0[3]), id($0[4]), int($0[5])] })
            }
            try await Self.walk(sql, LRSSchema.TextKeyed.activities, ["tenant_id", "activity_id", "stored_us", "statement_id", "direct"], key: 4) { rows in
                try await stage(try rows.map { try [activity, key($0[0], .activity, $0[1]), noVerb, int($0[2]), id($0[3]), int($0[4])] })
            }
            try await Self.walk(sql, LRSSchema.TextKeyed.keys, ["tenant_id", "kind", "key", "stored_us", "statement_id"], key: 5) { rows in
                try await stage(
                    try rows.map { row -> [BulkSQL.Value] in
                        guard let kind = row[1].flatMap({ Int($0) }).flatMap(FilterKeys.Kind.init(rawValue:)) else { throw Unreadable() }
                        return try [.int(Int64(kind.rawValue)), key(row[0], kind, row[2]), noVerb, int(row[3]), id(row[4]), .int(1)]
                    })
            }
            // Staged rows (only SQLite stages).
            if sql.kind == .sqlite {
                var last: Int64 = 0
                while true {
                    let rows = try await sql.run(
                        """
                        SELECT CAST(rowid AS TEXT) AS "row", CAST("kind" AS TEXT) AS "kind", CAST("tenant_id" AS TEXT) AS "tenant_id", "agent_key", "verb_id",
                          "activity_id", "key", CAST("stored_us" AS TEXT) AS "stored_us", "statement_id", CAST("direct" AS TEXT) AS "direct"
                          FROM "\(LRSSchema.filterStaging)" WHERE rowid > ? ORDER BY rowid LIMIT \(Self.chunk)
                        """, [.int(last)],
                        columns: ["row", "kind", "tenant_id", "agent_key", "verb_id", "activity_id", "key", "stored_us", "statement_id", "direct"])
                    guard let end = rows.last?[0].flatMap({ Int64($0) }) else { break }
                    last = end
                    try await stage(
                        try rows.map { row -> [BulkSQL.Value] in
                            switch row[1].flatMap({ Int($0) }).flatMap(FilterKeys.Kind.init(rawValue:)) {
                            case .agent: return try [agent, key(row[2], .agent, row[3]), key(row[2], .verb, row[4]), int(row[7]), id(row[8]), int(row[9])]
                            case .activity: return try [activity, key(row[2], .activity, row[5]), noVerb, int(row[7]), id(row[8]), int(row[9])]
                            case .some(let kind) where kind != .verb: return try [.int(Int64(kind.rawValue)), key(row[2], kind, row[6]), noVerb, int(row[7]), id(row[8]), .int(1)]
                            default: throw Unreadable()
                            }
                        })
                }
            }
            for table in [LRSSchema.TextKeyed.agents, LRSSchema.TextKeyed.activities, LRSSchema.TextKeyed.keys, LRSSchema.filterStaging] {
                try await transaction.schema(table).delete()
            }
            for (table, columns, kinds) in [
                (LRSSchema.filterAgents, StatementStore.agentColumns, "\"kind\" = 0"), (LRSSchema.filterActivities, StatementStore.activityColumns, "\"kind\" = 1"),
                (LRSSchema.filterKeys, StatementStore.keyColumns, "\"kind\" >= 2"),
            ] {
                let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
                try await sql.run(
                    "INSERT INTO \"\(table)\" (\(list)) SELECT \(list) FROM \"\(Self.rekeyed)\" WHERE \(kinds) ORDER BY \(list) ON CONFLICT DO NOTHING", [])
            }
            try await transaction.schema(Self.rekeyed).delete()
            try await Self.createStaging(transaction.sql)
        }
    }

    func revert(on database: any Database) async throws {
        try await Self.withTemporaryFiles(database) { connection in try await Self.revertInTransaction(connection) }
    }

    private static func revertInTransaction(_ database: any Database) async throws {
        try await database.transaction { transaction in
            // As migrations 013 and 018 made them.
            try await CreateLRS.createFilterTables(transaction.sql)
            try await CreateStatementKeys.createTable(transaction.sql)
            let bulk = BulkSQL(transaction)
            try await Self.walk(bulk, LRSSchema.statements, ["tenant_id", "statement_id", "stored_us", "statement"], key: 2) { statements in
                var rows = TextRows()
                for row in statements {
                    guard let tenant = row[0].flatMap(UUID.init(uuidString:)), let id = row[1], let stored = row[2].flatMap({ Int64($0) }),
                        let json = row[3], let statement = LearnerRecords.revalidate(json)
                    else { continue }
                    rows.tenantID = tenant
                    rows.storedUS = stored
                    StatementStore.emit(statement, id: id, tenantID: tenant, credential: "", person: nil, into: &rows)
                }
                try await Self.insert(bulk, LRSSchema.TextKeyed.agents, ["tenant_id", "agent_key", "verb_id", "stored_us", "statement_id", "direct"], rows.agents)
                try await Self.insert(bulk, LRSSchema.TextKeyed.activities, ["tenant_id", "activity_id", "stored_us", "statement_id", "direct"], rows.activities)
                try await Self.insert(bulk, LRSSchema.TextKeyed.keys, ["tenant_id", "kind", "key", "stored_us", "statement_id"], rows.keys)
            }
            for table in [LRSSchema.filterAgents, LRSSchema.filterActivities, LRSSchema.filterKeys, LRSSchema.filterStaging] {
                try await transaction.schema(table).delete()
            }
            // As migrations 017 and 018 made it.
            try await CreateFilterStaging.createTable(transaction.sql)
            try await transaction.sql.raw("ALTER TABLE \(ident: LRSSchema.filterStaging) ADD COLUMN \"key\" TEXT").run()
        }
    }

    /// Runs `body` on one connection that keeps SQLite's temporary data in files. Dropping a
    /// table inside a transaction keeps a statement journal as large as the table, and the
    /// server's connections keep temporary data in memory (`temp_store=MEMORY`): over 400,000
    /// statements the migration's peak memory was 540 MB, and it grows with the store. The
    /// setting must be made outside a transaction; the connection gets its own back afterwards.
    private static func withTemporaryFiles(_ database: any Database, _ body: @escaping @Sendable (any Database) async throws -> Void) async throws {
        guard SQLDialectKind(database.sql) == .sqlite else { return try await body(database) }
        try await database.withConnection { connection in
            try await connection.sql.raw("PRAGMA temp_store=FILE").run()
            do {
                try await body(connection)
            } catch {
                try? await connection.sql.raw("PRAGMA temp_store=MEMORY").run()
                throw error
            }
            try await connection.sql.raw("PRAGMA temp_store=MEMORY").run()
        }
    }

    /// Rows read and written per step.
    static let chunk = 5_000

    private struct Unreadable: Error, CustomStringConvertible {
        var description: String { "migration 020: a filter row with a missing or malformed value" }
    }

    static func createTables(_ sql: any SQLDatabase) async throws {
        let sqlite = SQLDialectKind(sql) == .sqlite
        let integer = sqlite ? "INTEGER" : "BIGINT"
        let clustered = sqlite ? " WITHOUT ROWID" : ""
        try await sql.raw(
            """
            CREATE TABLE \(ident: LRSSchema.filterAgents) ("key" \(unsafeRaw: integer) NOT NULL, "verb" \(unsafeRaw: integer) NOT NULL,
              "stored_us" \(unsafeRaw: integer) NOT NULL, "statement_id" TEXT NOT NULL, "direct" \(unsafeRaw: integer) NOT NULL,
              PRIMARY KEY ("key", "verb", "stored_us", "statement_id"))\(unsafeRaw: clustered)
            """
        ).run()
        try await sql.raw(
            """
            CREATE TABLE \(ident: LRSSchema.filterActivities) ("key" \(unsafeRaw: integer) NOT NULL, "stored_us" \(unsafeRaw: integer) NOT NULL,
              "statement_id" TEXT NOT NULL, "direct" \(unsafeRaw: integer) NOT NULL, PRIMARY KEY ("key", "stored_us", "statement_id"))\(unsafeRaw: clustered)
            """
        ).run()
        try await sql.raw(
            """
            CREATE TABLE \(ident: LRSSchema.filterKeys) ("key" \(unsafeRaw: integer) NOT NULL, "stored_us" \(unsafeRaw: integer) NOT NULL,
              "statement_id" TEXT NOT NULL, PRIMARY KEY ("key", "stored_us", "statement_id"))\(unsafeRaw: clustered)
            """
        ).run()
    }

    /// The re-keyed rows on their way into the new tables, in the staging table's form.
    private static let rekeyed = "lrs_filter_rekeyed"

    /// No index: rows only go to the end, and leave a kind at a time (``StatementStore/stagingColumns``).
    static func createStaging(_ sql: any SQLDatabase, named table: String = LRSSchema.filterStaging) async throws {
        let integer = SQLDialectKind(sql) == .sqlite ? "INTEGER" : "BIGINT"
        try await sql.raw(
            """
            CREATE TABLE \(ident: table) ("kind" \(unsafeRaw: integer) NOT NULL, "key" \(unsafeRaw: integer) NOT NULL,
              "verb" \(unsafeRaw: integer), "stored_us" \(unsafeRaw: integer) NOT NULL, "statement_id" TEXT NOT NULL, "direct" \(unsafeRaw: integer) NOT NULL)
            """
        ).run()
    }

    /// Reads `table` in the order of its first `key` columns (its primary key), `chunk` rows at a
    /// time, and hands each chunk to `body`.
    private static func walk(_ sql: BulkSQL, _ table: String, _ columns: [String], key: Int, _ body: ([[String?]]) async throws -> Void) async throws {
        // Every column named through the table's alias: a bare name in ORDER BY means the result
        // column of that name first, and `CAST(… AS TEXT) AS "tenant_id"` is not in the primary
        // key's order, so SQLite (3.54) sorted the rest of the table for every chunk.
        let list = columns.map { "w.\"\($0)\"" }
        let keyList = list.prefix(key).joined(separator: ", ")
        // Integers and the tenant's id as text (the id is a UUID column on PostgreSQL).
        let select = columns.map { ["tenant_id", "stored_us", "direct", "kind"].contains($0) ? "CAST(w.\"\($0)\" AS TEXT) AS \"\($0)\"" : "w.\"\($0)\"" }
        var after: [BulkSQL.Value]?
        while true {
            let condition = after == nil ? "" : " WHERE (\(keyList)) > (\(StatementStore.placeholders(key)))"
            let rows = try await sql.run(
                "SELECT \(select.joined(separator: ", ")) FROM \"\(table)\" w\(condition) ORDER BY \(keyList) LIMIT \(chunk)", after ?? [], columns: columns)
            guard let last = rows.last else { break }
            try await body(rows)
            after = try (0..<key).map { index -> BulkSQL.Value in
                guard let value = last[index] else { throw Unreadable() }
                switch columns[index] {
                case "tenant_id" where sql.kind != .sqlite:
                    guard let tenant = UUID(uuidString: value) else { throw Unreadable() }
                    return .uuid(tenant)
                case "stored_us", "direct", "kind":
                    guard let number = Int64(value) else { throw Unreadable() }
                    return .int(number)
                default: return .text(value)
                }
            }
            if rows.count < chunk { break }
        }
    }

    private static func insert(_ sql: BulkSQL, _ table: String, _ columns: [String], _ rows: [[BulkSQL.Value]]) async throws {
        for insert in StatementStore.inserts(table, columns: columns, rows: rows, suffix: " ON CONFLICT DO NOTHING") { try await sql.run(insert.sql, insert.binds) }
    }

    /// Filter rows in the text form of migrations 013 and 018, for the revert.
    private struct TextRows: StatementStore.RowSink {
        var tenantID = UUID()
        var storedUS: Int64 = 0
        var agents: [[BulkSQL.Value]] = []
        var activities: [[BulkSQL.Value]] = []
        var keys: [[BulkSQL.Value]] = []

        mutating func statement(_ values: [BulkSQL.Value], json: [UInt8]) {}

        mutating func filter(_ kind: FilterKeys.Kind, _ key: String, verb: String?, storedUS _: Int64, statementID: String, direct: Bool) {
            switch kind {
            case .agent: agents.append([.uuid(tenantID), .text(key), .text(verb ?? ""), .int(storedUS), .text(statementID), .int(direct ? 1 : 0)])
            case .activity: activities.append([.uuid(tenantID), .text(key), .int(storedUS), .text(statementID), .int(direct ? 1 : 0)])
            case .registration, .courseOfStudy: keys.append([.uuid(tenantID), .int(Int64(kind.rawValue)), .text(key), .int(storedUS), .text(statementID)])
            case .verb: preconditionFailure("a verb is part of an agent row, not a row of its own")
            }
        }
    }
}
