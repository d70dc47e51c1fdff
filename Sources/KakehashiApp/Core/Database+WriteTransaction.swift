import Fluent
import Foundation
import SQLKit

extension Database {
    /// A transaction that takes the write lock at its start.
    ///
    /// SQLite starts a transaction deferred: the first read pins a snapshot, and if another
    /// connection (another server instance, or `kakehashi` beside a running server) commits a
    /// write before this one's first write, that write fails at once with SQLITE_BUSY_SNAPSHOT —
    /// the busy timeout cannot help. Writing first (a statement that changes no row still takes
    /// the lock) makes such a transaction wait for the other writer instead, like `BEGIN
    /// IMMEDIATE`. On SQLite, writers of this process also queue in ``SQLiteWriteGate`` first.
    /// PostgreSQL needs nothing: row locks and MVCC handle it.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard SQLDialectKind(sql) == .sqlite, !inTransaction else { return try await transaction(body) }
        return try await SQLiteWriteGate.run {
            try await transaction { tx in
                try await tx.sql.raw("UPDATE \"tenants\" SET \"code\" = \"code\" WHERE 1 = 0").run()
                return try await body(tx)
            }
        }
    }

    /// Writes (one statement, or a transaction whose first statement writes) queued behind this
    /// process's other SQLite writers (``SQLiteWriteGate``). Inside a transaction, and on
    /// PostgreSQL, `body` runs at once: the transaction's writer holds the gate already (every
    /// transaction on SQLite starts here or in ``writeTransaction(_:)``).
    func gatedWrite<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        guard SQLDialectKind(sql) == .sqlite, !inTransaction else { return try await body() }
        return try await SQLiteWriteGate.run(body)
    }
}

extension Database {
    /// Sets `column` of row `id` in `table` to now if it is still null, in one statement; true when
    /// this call did it. Two requests racing for a single-use row: one wins, on both engines.
    func claimOnce(_ table: String, id: UUID, column: String) async throws -> Bool {
        let sql = sql
        let rows = try await gatedWrite {
            try await sql.raw(
                "UPDATE \(ident: table) SET \(ident: column) = \(bind: Date()) WHERE \(ident: "id") = \(bind: id) AND \(ident: column) IS NULL RETURNING \(ident: "id")"
            ).all()
        }
        return !rows.isEmpty
    }
}
