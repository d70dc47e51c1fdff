import FluentSQLiteDriver
import Foundation
import Logging
import NIOPosix
import Testing

@testable import KakehashiApp

/// A transaction that reads and then writes, while another connection (a second instance, or the
/// command line beside the server) writes and commits: on SQLite it must wait for that writer and
/// then succeed, not fail with "database is locked" (SQLITE_BUSY_SNAPSHOT).
@Suite struct SQLiteWriteLockTests {
    @Test func aReadThenWriteTransactionWaitsForAnotherWriter() async throws {
        try await withApp(.sqlite) { app, settings in
            _ = try await importPackage(try demoPackage(schools: 1, students: 30), tenant: "locks", app: app)
            let pool = NIOThreadPool(numberOfThreads: 1)
            pool.start()
            let other = try await SQLiteConnection.open(
                storage: .file(path: settings.sqliteFile.path), threadPool: pool, logger: Logger(label: "other"), on: app.eventLoopGroup.any())
            try await other.query("PRAGMA busy_timeout = 30000", []) { _ in }
            try await other.query("BEGIN IMMEDIATE", []) { _ in }
            try await other.query("UPDATE \"tenants\" SET \"name\" = \"name\" || ''", []) { _ in }

            // Reads the tenant's policy, then saves it: the other writer holds the lock meanwhile.
            let update = Task { try await TenantPolicy.update(tenantCode: "locks", passwordSignIn: nil, guardianSignIn: true, actor: "test", on: app.db) }
            try await Task.sleep(for: .milliseconds(400))
            try await other.query("COMMIT", []) { _ in }
            try await other.close()
            try await pool.shutdownGracefully()

            let policy = try await update.value
            #expect(policy.guardianSignIn)
            #expect(try await TenantPolicy.of(try #require(try await Tenant.query(on: app.db).filter(\.$code == "locks").first()?.id), on: app.db).guardianSignIn)
        }
    }
}

/// Writers of one process take turns at the gate, in order, and a gated writer may call another
/// gated write without waiting for itself.
@Suite struct SQLiteWriteGateTests {
    actor Occupancy {
        var now = 0
        var most = 0
        var order: [Int] = []
        func enter(_ n: Int) { now += 1; most = max(most, now); order.append(n) }
        func leave() { now -= 1 }
    }

    @Test func oneWriterAtATime() async throws {
        let occupancy = Occupancy()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<20 {
                group.addTask {
                    try await SQLiteWriteGate.run {
                        await occupancy.enter(n)
                        try await Task.sleep(for: .milliseconds(2))
                        await occupancy.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await occupancy.most == 1)
        #expect(await occupancy.order.count == 20)
    }

    @Test func aGatedWriterMayNestAnother() async throws {
        let value = try await SQLiteWriteGate.run { try await SQLiteWriteGate.run { 42 } }
        #expect(value == 42)
    }

    @Test func aFailingWriterPassesTheGateOn() async throws {
        struct Failure: Error {}
        await #expect(throws: Failure.self) { try await SQLiteWriteGate.run { throw Failure() } }
        #expect(try await SQLiteWriteGate.run { "next" } == "next")
    }
}

/// SQLite's per-connection settings reach every connection the server uses (one per event
/// loop), not only the one that ran them at start-up.
@Suite struct SQLiteConnectionSettingsTests {
    @Test func everyConnectionSyncsNormallyAndWaitsForOtherProcesses() async throws {
        try await withApp(.sqlite) { app, _ in
            var seen = 0
            for eventLoop in app.eventLoopGroup.makeIterator() {
                let database = try #require(app.databases.database(logger: app.logger, on: eventLoop))
                try await database.withConnection { connection in
                    let synchronous = try await connection.sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
                    let timeout = try await connection.sql.raw("PRAGMA busy_timeout").first()?.decode(column: "timeout", as: Int.self)
                    #expect(synchronous == 1, "synchronous=NORMAL is 1")
                    #expect(timeout == 30_000)
                    let pages = try await connection.sql.raw("PRAGMA wal_autocheckpoint").first()?.decode(column: "wal_autocheckpoint", as: Int.self)
                    let pageSize = try await connection.sql.raw("PRAGMA page_size").first()?.decode(column: "page_size", as: Int.self)
                    #expect(pageSize == 16_384, "a new database gets 16 KiB pages")
                    #expect(pages == 65_536, "1 GiB of WAL: only a net, the checkpointer copies it every quarter second")
                }
                seen += 1
            }
            #expect(seen == ProcessInfo.processInfo.activeProcessorCount, "one event loop per core, one connection each")
        }
    }
}

/// The WAL is copied into the database in the background once the application has booted: the
/// automatic checkpoint is set far above what these writes fill, so the database file only
/// grows when ``SQLiteCheckpointer`` runs.
@Suite struct SQLiteCheckpointerTests {
    @Test func theLogReachesTheDatabaseWithoutAWriterCheckpointing() async throws {
        try await withApp(.sqlite) { app, settings in
            try await app.asyncBoot()
            let file = settings.sqliteFile.path
            func size() throws -> Int { (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0 }
            let before = try size()
            let sql = app.db.sql
            try await sql.raw("CREATE TABLE checkpoint_probe (n INTEGER PRIMARY KEY, filler TEXT NOT NULL)").run()
            for n in 0..<40 {
                try await sql.raw("INSERT INTO checkpoint_probe (n, filler) VALUES (\(bind: n), \(bind: String(repeating: "x", count: 100_000)))").run()
            }
            // 4 MB went to the WAL; the database file grows when the background checkpoint copies it.
            var grown = false
            for _ in 0..<100 where !grown {
                try await Task.sleep(for: .milliseconds(100))
                grown = try size() >= before + 4_000_000
            }
            let after = try size()
            #expect(grown, "the database file grew from \(before) bytes to \(after): no checkpoint ran")
            try await sql.raw("DROP TABLE checkpoint_probe").run()
        }
    }
}

/// Statement ingestion writes through a SQLite connection of its own: while its transaction is
/// open, every event loop's connection still answers (none is lent to the writer), and a
/// transaction that throws leaves nothing behind.
@Suite struct SQLiteWriterConnectionTests {
    struct Refused: Error {}

    @Test func readersGoOnWhileTheWriterHoldsItsTransaction() async throws {
        try await withApp(.sqlite) { app, settings in
            try await app.db.sql.raw("CREATE TABLE writer_probe (n INTEGER PRIMARY KEY)").run()
            let writer = SQLiteWriterConnection(path: settings.sqliteFile.path)
            let databases = app.eventLoopGroup.makeIterator().compactMap { app.databases.database(logger: app.logger, on: $0) }
            let seen = try await writer.transaction { bulk in
                try await bulk.run("INSERT INTO writer_probe (n) VALUES (?)", [.int(1)])
                var counts: [Int] = []
                for database in databases {
                    // Not yet committed: each loop's connection reads the state before the transaction.
                    counts.append(try await database.sql.raw("SELECT count(*) AS n FROM writer_probe").first()?.decode(column: "n", as: Int.self) ?? -1)
                }
                return counts
            }
            #expect(seen == Array(repeating: 0, count: databases.count))
            await #expect(throws: Refused.self) {
                try await writer.transaction { bulk in
                    try await bulk.run("INSERT INTO writer_probe (n) VALUES (?)", [.int(2)])
                    throw Refused()
                }
            }
            let rows = try await app.db.sql.raw("SELECT n FROM writer_probe ORDER BY n").all().map { try $0.decode(column: "n", as: Int.self) }
            #expect(rows == [1], "the first transaction committed, the second rolled back")
            await writer.close()
        }
    }

    /// Rows go in by statements of 128 and of the remainder's binary digits: every count lands
    /// each row once, with its values as given (an empty text is not NULL, texts are UTF-8), also
    /// when they were made in two buffers and joined.
    @Test(arguments: [1, 2, 127, 128, 129, 255, 1_000])
    func rowsOfAnyCountLandOnceWithTheirValues(count: Int) async throws {
        try await withApp(.sqlite) { app, settings in
            try await app.db.sql.raw("CREATE TABLE rows_probe (n INTEGER PRIMARY KEY, t TEXT, b BLOB, z TEXT)").run()
            let writer = SQLiteWriterConnection(path: settings.sqliteFile.path)
            // Made in two halves and joined, as the writer joins small requests' rows.
            var rows = SQLiteRows("INSERT OR FAIL", into: "rows_probe", columns: ["n", "t", "b", "z"])
            var second = rows
            for n in 0..<count {
                let values: [BulkSQL.Value] = [.int(Int64(n)), .text(n % 3 == 0 ? "" : "学習\(n)"), .blob(n % 2 == 0 ? [] : [UInt8(n % 256), 0, 7]), .null]
                if n < count / 2 { rows.append(contentsOf: values) } else { second.append(contentsOf: values) }
            }
            rows.append(contentsOf: second)
            let ready = rows
            try await writer.transaction { bulk in try await bulk.insert(ready) }
            let stored = try await app.db.sql.raw("SELECT n, t, hex(b) AS b, z IS NULL AS z, typeof(t) AS type FROM rows_probe ORDER BY n").all()
            #expect(stored.count == count)
            for (n, row) in stored.enumerated() {
                #expect(try row.decode(column: "n", as: Int.self) == n)
                #expect(try row.decode(column: "t", as: String.self) == (n % 3 == 0 ? "" : "学習\(n)"))
                #expect(try row.decode(column: "type", as: String.self) == "text")
                let blob = n % 2 == 0 ? "" : String(format: "%02X0007", n % 256)
                #expect(try row.decode(column: "b", as: String.self) == blob)
                #expect(try row.decode(column: "z", as: Int.self) == 1)
            }
            await writer.close()
        }
    }

    /// A failing insert fails the transaction, names SQLite's reason, and leaves no row of it;
    /// the connection goes on (its kept statements too) once the cause is gone.
    @Test func aFailingInsertRollsBackAndTheConnectionGoesOn() async throws {
        try await withApp(.sqlite) { app, settings in
            try await app.db.sql.raw("CREATE TABLE fail_probe (n INTEGER PRIMARY KEY, t TEXT NOT NULL)").run()
            let writer = SQLiteWriterConnection(path: settings.sqliteFile.path)
            @Sendable func rows(_ values: [BulkSQL.Value]) -> SQLiteRows {
                var rows = SQLiteRows("INSERT OR FAIL", into: "fail_probe", columns: ["n", "t"])
                for (n, value) in values.enumerated() { rows.append(contentsOf: [.int(Int64(n)), value]) }
                return rows
            }
            do {
                try await writer.transaction { bulk in
                    try await bulk.run("INSERT INTO fail_probe (n, t) VALUES (?, ?)", [.int(500), .text("before")])
                    try await bulk.insert(rows([.text("a"), .null, .text("c")]))
                }
                Issue.record("a NULL in a NOT NULL column was stored")
            } catch let failure as SQLiteFailure {
                #expect(failure.message.contains("NOT NULL"), "\(failure)")
            }
            #expect(try await app.db.sql.raw("SELECT count(*) AS n FROM fail_probe").first()?.decode(column: "n", as: Int.self) == 0)
            try await app.db.sql.raw("DROP TABLE fail_probe").run()
            try await app.db.sql.raw("CREATE TABLE fail_probe (n INTEGER PRIMARY KEY, t TEXT)").run()
            try await writer.transaction { bulk in try await bulk.insert(rows([.text("a"), .null, .text("c")])) }
            let read = try await writer.transaction { bulk in try await bulk.run("SELECT n, t FROM fail_probe ORDER BY n", [], columns: ["t", "n"]) }
            #expect(read == [["a", "0"], [nil, "1"], ["c", "2"]])
            await writer.close()
        }
    }

    /// Statements beyond those kept prepared (one-off texts) still run, each finalized after.
    @Test func statementsBeyondTheKeptOnesStillRun() async throws {
        try await withApp(.sqlite) { app, settings in
            let writer = SQLiteWriterConnection(path: settings.sqliteFile.path)
            let sums = try await writer.transaction { bulk in
                var sums: [String?] = []
                for n in 1...(SQLiteHandle.keptStatements + 20) {
                    let binds = (1...n).map { BulkSQL.Value.int(Int64($0)) }
                    let row = try await bulk.run("SELECT CAST(\((1...n).map { _ in "?" }.joined(separator: " + ")) AS TEXT) AS s", binds, columns: ["s"])
                    sums.append(row.first?.first ?? nil)
                }
                return sums
            }
            let expected: [String?] = (1...(SQLiteHandle.keptStatements + 20)).map { (n: Int) -> String? in String(n * (n + 1) / 2) }
            #expect(sums == expected)
            await writer.close()
        }
    }
}
