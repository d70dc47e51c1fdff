import FluentSQLiteDriver
import Foundation
import Vapor

/// A SQLite connection of its own, on a thread of its own, for the one writer that holds long
/// transactions: statement ingestion (``StatementIngestQueue``).
///
/// The driver keeps one connection per event loop and lends it for a whole transaction. While
/// the statement writer's transaction held a loop's connection, every other request of that loop
/// that needed the database (the credential check of the next batch, its actor lookup) waited
/// for it, so the requests and the writer took turns on two cores instead of overlapping. With a
/// connection of its own the writer never holds one of the loops' connections; readers go on
/// reading beside it (WAL), and writers still queue at ``SQLiteWriteGate``.
///
/// The transaction's Swift code runs on a thread of its own (``ThreadExecutor``), and calls
/// SQLite there directly (``SQLiteHandle``): on the event loops, each step between two calls
/// waited for the loop to finish whatever it was doing (parsing the next 1,000-statement batch
/// takes about 20 ms), and the writer, the one thing every request waits for, stood still
/// meanwhile.
final class SQLiteWriterConnection: Sendable {
    private let path: String
    private let pool = NIOThreadPool(numberOfThreads: 1)
    private let executor: ThreadExecutor
    private let connection = LockedBox<SQLiteHandle?>(nil)

    init(path: String) {
        self.path = path
        executor = ThreadExecutor(pool)
        pool.start()
    }

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE` … `COMMIT`, rolled back when it
    /// throws), after this process's other writers.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (BulkSQL) async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(executor) { try await self.run(body) }
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (BulkSQL) async throws -> T) async throws -> T {
        let connection = try open()
        return try await SQLiteWriteGate.run {
            try connection.query("BEGIN IMMEDIATE")
            do {
                let result = try await body(BulkSQL(writer: connection))
                try connection.query("COMMIT")
                return result
            } catch {
                _ = try? connection.query("ROLLBACK")  // fails harmlessly where the error ended the transaction
                throw error
            }
        }
    }

    /// Opens the connection on first use (with the settings of every server connection). The
    /// queue's drain is its one caller, one transaction at a time.
    private func open() throws -> SQLiteHandle {
        if let open = connection.current { return open }
        let opened = try SQLiteHandle(path: path)
        do {
            let pageSize = try opened.query("PRAGMA page_size", columns: ["page_size"]).first?.first.flatMap { $0.flatMap { Int($0) } } ?? 4096
            for pragma in SQLiteConnectionSettings.pragmas(pageSize: pageSize) { try opened.query(pragma) }
        } catch {
            opened.close()
            throw error
        }
        connection.mutate { $0 = opened }
        return opened
    }

    func close() async {
        connection.mutate { current in
            current?.close()
            current = nil
        }
        try? await pool.shutdownGracefully()
    }
}

/// Runs tasks' jobs on the single thread of a thread pool, the one its SQLite connection uses:
/// a call and the code after it follow each other on one thread.
final class ThreadExecutor: TaskExecutor {
    private let pool: NIOThreadPool

    init(_ pool: NIOThreadPool) {
        self.pool = pool
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pool.submit { _ in job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
