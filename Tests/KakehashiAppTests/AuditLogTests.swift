import Fluent
import Foundation
import OneRoster
import Testing

@testable import KakehashiApp

/// The audit log is append-only and hash-chained: changing, inserting or removing an entry is
/// detected by `verify` (and `kakehashi audit verify`).
@Suite struct AuditLogTests {
    func entry(_ n: Int) -> AuditLog.Entry {
        AuditLog.Entry(actor: "test", action: "person.view", subject: "user-\(n)", details: ["n": String(n)], source: "127.0.0.1")
    }

    @Test(arguments: TestDatabase.available)
    func entriesFormAChainThatVerifies(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("audit")
            let log = AuditLog(database: app.db)
            for n in 1...3 { try await log.append(entry(n), tenant: tenant) }
            let events = try await log.events(tenant: tenant)
            #expect(events.map(\.position) == [1, 2, 3])
            #expect(events[0].previousHash == AuditLog.genesis)
            #expect(events[1].previousHash == events[0].hash)
            #expect(events[2].subject == "user-3")
            let result = try await log.verify(tenant: tenant)
            #expect(result.checked == 3 && result.breaks.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aChangedEntryIsDetected(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("tamper")
            let log = AuditLog(database: app.db)
            for n in 1...4 { try await log.append(entry(n), tenant: tenant) }
            let sql = BulkSQL(app.db)
            try await sql.run("UPDATE \"audit_events\" SET \"subject\" = 'someone-else' WHERE \"chain\" = ? AND \"position\" = 2", [.text(tenant)])
            let result = try await log.verify(tenant: tenant)
            #expect(result.breaks == [AuditLog.Break(chain: tenant, position: 2, reason: "the entry's content does not match its hash (it was changed)")])

            // Recomputing the changed entry's own hash does not help: the next link breaks.
            let changed = try #require(try await AuditEvent.query(on: app.db).filter(\.$chain == tenant).filter(\.$position == 2).first())
            changed.hash = AuditLog.hash(of: changed)
            try await changed.update(on: app.db)
            #expect(try await log.verify(tenant: tenant).breaks.map(\.position) == [3])
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRemovedEntryIsDetected(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("removed")
            let log = AuditLog(database: app.db)
            for n in 1...4 { try await log.append(entry(n), tenant: tenant) }
            try await BulkSQL(app.db).run("DELETE FROM \"audit_events\" WHERE \"chain\" = ? AND \"position\" = 3", [.text(tenant)])
            let breaks = try await log.verify(tenant: tenant).breaks
            #expect(breaks.count == 1)
            #expect(breaks.first?.position == 4)
            #expect(breaks.first?.reason.contains("removed") == true)
        }
    }

    @Test(arguments: TestDatabase.available)
    func concurrentWritersKeepOneChain(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("busy")
            let log = AuditLog(database: app.db)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 1...12 { group.addTask { try await log.append(self.entry(n), tenant: tenant) } }
                try await group.waitForAll()
            }
            let events = try await log.events(tenant: tenant)
            #expect(events.map(\.position) == Array(1...12))
            #expect(Set(events.map(\.subject)).count == 12)
            #expect(try await log.verify(tenant: tenant).breaks.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anEntryRolledBackWithItsTransactionLeavesTheChainWhole(database: TestDatabase) async throws {
        struct Abandon: Error {}
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("rollback")
            let log = AuditLog(database: app.db)
            try await log.append(entry(1), tenant: tenant)
            // The writer remembers entry 2 as the head; the rollback takes it away again.
            await #expect(throws: Abandon.self) {
                try await app.db.writeTransaction { tx in
                    try await AuditLog(database: tx).append(self.entry(2), tenant: tenant)
                    throw Abandon()
                }
            }
            try await log.append(entry(3), tenant: tenant)
            let events = try await log.events(tenant: tenant)
            #expect(events.map(\.position) == [1, 2])
            #expect(events.map(\.subject) == ["user-1", "user-3"])
            #expect(try await log.verify(tenant: tenant).breaks.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anEntryWrittenByAnotherProcessIsFollowed(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("other")
            let log = AuditLog(database: app.db)
            try await log.append(entry(1), tenant: tenant)
            // Another process (`kakehashi` beside the server) appends entry 2 behind this one's back.
            let first = try #require(try await log.events(tenant: tenant).first)
            let other = AuditLog.event(entry(2), chain: tenant, position: 2, previousHash: first.hash, occurredAt: RosterDate.timestamp(Date()))
            try await AuditLog.insert(other, sql: app.db.sql)
            try await BulkSQL(app.db).run(
                "UPDATE \"audit_chain_heads\" SET \"position\" = 2, \"hash\" = ? WHERE \"chain\" = ?", [.text(other.hash), .text(tenant)])
            try await log.append(entry(3), tenant: tenant)
            let events = try await log.events(tenant: tenant)
            #expect(events.map(\.subject) == ["user-1", "user-2", "user-3"])
            #expect(try await log.verify(tenant: tenant).breaks.isEmpty)
        }
    }

    @Test func onSQLiteAnEntryThatDoesNotFollowTheHeadIsRefused() async throws {
        try await withApp(.sqlite) { app, _ in
            let tenant = uniqueTenant("fork")
            let log = AuditLog(database: app.db)
            for n in 1...2 { try await log.append(entry(n), tenant: tenant) }
            let first = try #require(try await log.events(tenant: tenant).first)
            // A second entry 2 (a fork of the chain after entry 1) and an entry that skips one.
            let fork = AuditLog.event(entry(9), chain: tenant, position: 2, previousHash: first.hash, occurredAt: RosterDate.timestamp(Date()))
            await #expect(throws: (any Error).self) { try await AuditLog.insert(fork, sql: app.db.sql) }
            let skip = AuditLog.event(entry(9), chain: tenant, position: 4, previousHash: first.hash, occurredAt: RosterDate.timestamp(Date()))
            await #expect(throws: (any Error).self) { try await AuditLog.insert(skip, sql: app.db.sql) }
            #expect(try await log.events(tenant: tenant).map(\.subject) == ["user-1", "user-2"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func rosterImportsAreAudited(database: TestDatabase) async throws {
        let package = try demoPackage(schools: 1, students: 30)
        let broken = try PackageEditor(folder: package).copy()
        try broken.edit("users.csv") { header, rows in rows[0][header.index(of: "enabledUser")] = "maybe" }
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("imports")
            let summary = try await importPackage(package, tenant: tenant, app: app)
            _ = try? await importPackage(broken.folder, tenant: tenant, app: app)
            let events = try await AuditLog(database: app.db).events(tenant: tenant)
            #expect(events.map(\.action) == ["roster.import", "roster.import"])
            #expect(events[0].actor == "test")
            #expect(events[0].details.contains("\"result\":\"applied\""))
            #expect(events[0].details.contains(summary.packageSHA256))
            #expect(events[1].details.contains("\"result\":\"rejected-invalid\""))
            #expect(try await AuditLog(database: app.db).verify(tenant: tenant).breaks.isEmpty)
        }
    }

    @Test func theCommandLineVerifiesAndExports() async throws {
        let data = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: data) }
        let environment = ["KAKEHASHI_DATA_DIR": data.path]
        let package = try demoPackage(schools: 1, students: 30)
        #expect(try CommandLineTool.run(["roster", "import", package.path, "--tenant", "town"], environment: environment).status == 0)
        #expect(try CommandLineTool.run(["roster", "import", package.path, "--tenant", "town"], environment: environment).status == 0)
        let intact = try CommandLineTool.run(["audit", "verify"], environment: environment)
        #expect(intact.status == 0)
        #expect(intact.stdout.contains("2 entries verified"))

        let csv = data.appendingPathComponent("audit.csv")
        #expect(try CommandLineTool.run(["audit", "export", "--tenant", "town", "--out", csv.path], environment: environment).status == 0)
        let rows = try PackageEditor(folder: data).rows("audit.csv")
        #expect(rows.count == 3)
        #expect(rows[0] == ["position", "occurredAt", "actor", "action", "subject", "details", "source", "previousHash", "hash"])
        #expect(rows[2][3] == "roster.import" && rows[2][7] == rows[1][8])

        try await withApp(.sqlite, dataDirectory: data) { app, _ in
            try await BulkSQL(app.db).run("UPDATE \"audit_events\" SET \"actor\" = 'nobody' WHERE \"position\" = 1", [])
        }
        let tampered = try CommandLineTool.run(["audit", "verify", "--tenant", "town"], environment: environment)
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("BROKEN town #1"))
    }
}
