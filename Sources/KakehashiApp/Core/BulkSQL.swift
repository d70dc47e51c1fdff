import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit

/// Runs the statements of bulk paths (roster import, export) with positional binds, without a
/// Fluent model per row. On SQLite the values go straight to sqlite-nio as text (no `Encodable`
/// round trip per value, which dominated a million-row import); on PostgreSQL through SQLKit.
struct BulkSQL: Sendable {
    enum Value: Sendable {
        case text(String)
        case uuid(UUID)
        case int(Int64)
        case blob([UInt8])
        case null
    }

    private enum Backend: Sendable {
        case fluent(any Database)
        /// The statement writer's connection outside Fluent's pool (``SQLiteWriterConnection``).
        case writer(SQLiteHandle)
    }

    private let backend: Backend
    let kind: SQLDialectKind

    init(_ database: any Database) {
        self.backend = .fluent(database)
        self.kind = SQLDialectKind(database.sql)
    }

    init(writer handle: SQLiteHandle) {
        self.backend = .writer(handle)
        self.kind = .sqlite
    }

    /// The most binds one statement may carry on both engines (SQLite ≥ 3.32: 32,766;
    /// PostgreSQL: 65,535).
    static let maxBinds = 30_000

    /// Runs `sql`, whose placeholders are written `?`, and returns the rows as text columns.
    /// Select text only: cast numbers (`CAST(COUNT(*) AS TEXT)`), because PostgreSQL's binary
    /// integers do not decode as text.
    @discardableResult
    func run(_ sql: String, _ binds: [Value], columns: [String] = []) async throws -> [[String?]] {
        if case .writer(let handle) = backend { return try handle.query(sql, binds, columns: columns) }
        switch kind {
        case .sqlite:
            let (sqlite, data) = try sqlite(binds)
            let rows = try await sqlite.query(sql, data)
            return rows.map { row in columns.map { row.column($0)?.string } }
        case .postgres:
            var query = SQLQueryString("")
            var bindIndex = 0
            for part in sql.split(separator: "?", omittingEmptySubsequences: false).enumerated() {
                if part.offset > 0 {
                    switch binds[bindIndex] {
                    case .text(let text): query.appendInterpolation(bind: text)
                    case .uuid(let uuid): query.appendInterpolation(bind: uuid)
                    case .int(let number): query.appendInterpolation(bind: number)
                    case .blob(let bytes): query.appendInterpolation(bind: Data(bytes))
                    case .null: query.appendInterpolation(bind: String?.none)
                    }
                    bindIndex += 1
                }
                query.appendLiteral(String(part.element))
            }
            guard case .fluent(let database) = backend else { throw NotSQLite() }
            let rows = try await database.sql.raw(query).all()
            return try rows.map { row in try columns.map { try row.decodeNil(column: $0) ? nil : row.decode(column: $0, as: String.self) } }
        }
    }

    /// Inserts rows made ahead of time (on another task than the one that runs them); only the
    /// statement writer's connection takes them.
    func insert(_ rows: SQLiteRows) async throws {
        guard case .writer(let handle) = backend else { throw NotSQLite() }
        try handle.insert(rows)
    }

    /// Runs a query and hands each row to `body` as it arrives, without holding all rows.
    func forEach(_ sql: String, _ binds: [Value], columns: [String], _ body: @escaping @Sendable ([String?]) -> Void) async throws {
        if case .writer(let handle) = backend {
            for row in try handle.query(sql, binds, columns: columns) { body(row) }
            return
        }
        switch kind {
        case .sqlite:
            let (sqlite, data) = try sqlite(binds)
            try await sqlite.query(sql, data) { row in body(columns.map { row.column($0)?.string }) }
        case .postgres:
            for row in try await run(sql, binds, columns: columns) { body(row) }
        }
    }

    /// The SQLite connection and the binds as sqlite-nio takes them (UUIDs as text, as Fluent
    /// stores them on SQLite).
    private func sqlite(_ binds: [Value]) throws -> (any SQLiteDatabase, [SQLiteData]) {
        guard case .fluent(let database) = backend, let sqlite = database as? any SQLiteDatabase else { throw NotSQLite() }
        return (sqlite, Self.sqliteData(binds))
    }

    private static func sqliteData(_ binds: [Value]) -> [SQLiteData] {
        binds.map {
            switch $0 {
            case .text(let text): .text(text)
            case .uuid(let uuid): .text(uuid.fastUUIDString)
            case .int(let number): .integer(Int(number))
            case .blob(let bytes): .blob(ByteBuffer(bytes: bytes))
            case .null: .null
            }
        }
    }

    private struct NotSQLite: Error {}

    /// A `LIKE … ESCAPE '!'` pattern matching `text` anywhere, its own `%`, `_` and `!` taken
    /// literally.
    static func containsPattern(_ text: String) -> String {
        "%" + text.replacingOccurrences(of: "!", with: "!!").replacingOccurrences(of: "%", with: "!%").replacingOccurrences(of: "_", with: "!_") + "%"
    }

    /// `"name"`: a quoted identifier, valid on both engines.
    static func quote(_ identifier: String) -> String { "\"" + identifier + "\"" }
}

extension SQLQueryString {
    /// Appends `values` as a comma-separated list of binds (the inside of `IN (…)`).
    mutating func appendBinds(_ values: some Sequence<String>) {
        for (index, value) in values.enumerated() {
            if index > 0 { appendLiteral(", ") }
            appendInterpolation(bind: value)
        }
    }
}
