import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Vapor

extension Application {
    /// Connects Fluent to PostgreSQL when a URL is configured, otherwise to the SQLite file in
    /// the data folder (created on first run, WAL journal so readers never wait for a writer).
    func useDatabase(_ settings: Settings) throws {
        if let url = settings.databaseURL {
            var configuration = try SQLPostgresConfiguration(url: url)
            if !url.contains("sslmode") {
                configuration.coreConfiguration.tls = .disable
            }
            databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: 4), as: .psql)
        } else {
            try FileManager.default.createDirectory(at: settings.dataDirectory, withIntermediateDirectories: true)
            databases.use(
                .sqlite(.file(settings.sqliteFile.path), connectionPoolTimeout: .seconds(120), sqlLogLevel: .trace),
                as: .sqlite)
        }
    }

    /// Per-database settings applied at start-up: on SQLite the WAL journal (kept in the file),
    /// and ``SQLiteConnectionSettings`` on every connection. These are per connection in SQLite,
    /// and the driver keeps one connection per event loop, so each loop's connection gets them;
    /// before, only the connection that happened to run them did, and the other synced every
    /// commit and read through a 2 MiB cache.
    func prepareDatabase(_ settings: Settings) async throws {
        guard SQLDialectKind(db.sql) == .sqlite else { return }
        // 16 KiB pages for a new database (an existing one keeps its size): learning records are
        // rows of 2–3 KB, which left a third of each 4 KiB page empty; with 16 KiB pages the
        // statements table is about a third smaller and plain inserts about twice as fast
        // (measured with Benchmarks/lrs-bench/floor.py). Only takes effect before the first table.
        // One connection for the three: `db` may hand each statement to another connection.
        let pageSize = try await db.withConnection { connection in
            try await connection.sql.raw("PRAGMA page_size=16384").run()
            try await connection.sql.raw("PRAGMA journal_mode=WAL").run()
            return try await connection.sql.raw("PRAGMA page_size").first()?.decode(column: "page_size", as: Int.self) ?? 4096
        }
        for eventLoop in eventLoopGroup.makeIterator() {
            guard let database = databases.database(logger: logger, on: eventLoop) else { continue }
            try await database.withConnection { connection in
                for pragma in SQLiteConnectionSettings.pragmas(pageSize: pageSize) { try await connection.sql.raw(SQLQueryString(pragma)).run() }
            }
        }
        lifecycle.use(SQLiteCheckpointer(path: settings.sqliteFile.path))
    }
}

/// The settings each SQLite connection of the server gets (they are per connection in SQLite):
/// a busy timeout (a second process, an import beside a running server, waits instead of
/// failing), `synchronous=NORMAL` (a commit appends to the WAL without an fsync; checkpoints
/// sync), 64 MiB of page cache (the default is 2 MiB; a million-row import touches large
/// indexes), temporary tables in memory, and the automatic checkpoint as a net only.
enum SQLiteConnectionSettings {
    static func pragmas(pageSize: Int) -> [String] {
        [
            "PRAGMA busy_timeout=30000",
            "PRAGMA synchronous=NORMAL",
            "PRAGMA cache_size=-65536",
            "PRAGMA temp_store=MEMORY",
            // Checkpoints run in the background (``SQLiteCheckpointer``); the automatic one
            // only bounds the log if that stalls. Seldom checkpoints also help by themselves:
            // ingestion rewrites the same index pages batch after batch, and a checkpoint
            // copies a page once however often it changed (every 1,000 pages → every 64 MiB:
            // 5,200 → 8,400 statements/s).
            "PRAGMA wal_autocheckpoint=\(SQLiteCheckpointer.safetyLimitBytes / max(pageSize, 512))",
        ]
    }
}
