import Fluent
import Foundation
import Testing
import VaporTesting
import XAPI

@testable import KakehashiApp

/// Requests stored together in one transaction (group commit) are judged one after another: a
/// request's conflict or voiding error refuses it alone, and what an earlier request of the
/// group stored counts for the later ones exactly as if it had been committed before.
@Suite struct StatementGroupCommitTests {
    static func job(_ app: Application, _ statements: [String], tenantID: UUID, forSQLiteWriter: Bool = false) throws -> StatementStore.Job {
        let validator = StatementValidator(version: .v1_0_3)
        let authority = try JSONParser.parse(Array(#"{"objectType":"Agent","account":{"homePage":"https://kakehashi.test","name":"lrs-key:test"}}"#.utf8))
        let body = "[" + statements.joined(separator: ",") + "]"
        let validated = try validator.validateBatch(Array(body.utf8), assignment: LRSAssignment(stored: Date(), authority: authority))
        let client = LRSClient(tenantID: tenantID, credential: "key:test", toolID: nil, authority: authority)
        // Each statement as sent, as the statements resource gives it: what a repeat is compared by.
        let sent = try statements.map { try JSONParser.parse(Array($0.utf8)) }
        return StatementStore.Job(
            statements: validated, payloads: [:], client: client, people: validated.map { _ in nil }, received: { sent[$0] }, forSQLiteWriter: forSQLiteWriter)
    }

    static func voiding(_ target: UUID, id: UUID = UUID()) -> String {
        #"{"id":"\#(id.uuidString.lowercased())","actor":{"mbox":"mailto:admin@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided","display":{"en-US":"voided"}},"object":{"objectType":"StatementRef","id":"\#(target.uuidString.lowercased())"}}"#
    }

    func stored(_ app: Application, _ id: UUID, tenantID: UUID) async throws -> (exists: Bool, voided: Bool) {
        let rows = try await BulkSQL(app.db).run(
            "SELECT CAST(\"voided\" AS TEXT) AS voided FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND \"statement_id\" = ?",
            [.uuid(tenantID), .text(id.uuidString.lowercased())], columns: ["voided"])
        return (!rows.isEmpty, rows.first?[0] == "1")
    }

    @Test(arguments: TestDatabase.available)
    func eachRequestOfAGroupIsJudgedAfterTheOnesBefore(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (code, _) = try await LRSTests.tenant(app, "group")
            let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == code).first()?.id)
            let a = UUID(), b = UUID(), c = UUID(), v = UUID()
            let jobs = [
                try Self.job(app, [LRSTests.statement(id: a)], tenantID: tenantID),
                // The same id again with another actor: a conflict with the first request only.
                try Self.job(app, [LRSTests.statement(id: b), LRSTests.statement(id: a, mbox: "mailto:other@example.org")], tenantID: tenantID),
                // Voids the first request's statement, and stores c.
                try Self.job(app, [Self.voiding(a, id: v), LRSTests.statement(id: c)], tenantID: tenantID),
                // Voids the voiding statement of the request before: refused.
                try Self.job(app, [Self.voiding(v)], tenantID: tenantID),
            ]
            let results = try await app.db.writeTransaction { tx in try await StatementStore(database: tx, tenantID: tenantID).storeGroup(jobs) }
            #expect((try? results[0].get()) == [a])
            guard case .failure(let conflict) = results[1] else { Issue.record("the second request was stored"); return }
            #expect(conflict.status == 409 && conflict.path == "$[1].id")
            #expect((try? results[2].get()) == [v, c])
            guard case .failure(let voidingVoiding) = results[3] else { Issue.record("a voiding statement was voided"); return }
            #expect(voidingVoiding.code == "voiding.target-is-voiding")

            // Nothing of the refused requests is stored; the first is voided by the third.
            #expect(try await stored(app, a, tenantID: tenantID) == (true, true))
            #expect(try await stored(app, b, tenantID: tenantID).exists == false)
            #expect(try await stored(app, c, tenantID: tenantID) == (true, false))
            #expect(try await stored(app, v, tenantID: tenantID) == (true, false))
        }
    }

    /// On SQLite's writer connection a request whose statements are all new brings its rows ready
    /// (a large one inserted by statements of its own, a small one concatenated with the group's
    /// others); one that repeats a stored statement has its new statements emitted by the writer.
    /// All store each new statement once, with its staged filter rows once.
    @Test func theSQLiteWriterStoresReadyAndRepeatingRequestsAlike() async throws {
        try await withApp(.sqlite) { app, settings in
            let (code, _) = try await LRSTests.tenant(app, "group-writer")
            let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == code).first()?.id)
            let a = UUID(), d = UUID(), e = UUID()
            // With its own timestamp: the jobs here carry no statement as received, so one the LRS
            // set (each job's own instant) would count in the comparison.
            let same = #"{"timestamp":"2026-04-01T09:00:00.000Z","# + LRSTests.statement(id: a, mbox: "mailto:hanako@example.org").dropFirst()
            // Requests large enough to bring their inserts ready: each padded with new statements.
            let padding = StatementStore.Job.readyInsertsFrom
            var fresh: [UUID] = []
            func padded(_ statements: [String]) -> [String] {
                let more = (0..<padding).map { _ in UUID() }
                fresh += more
                return statements + more.map { LRSTests.statement(id: $0) }
            }
            let jobs = [
                try Self.job(app, padded([same]), tenantID: tenantID, forSQLiteWriter: true),
                try Self.job(app, padded([same, LRSTests.statement(id: d)]), tenantID: tenantID, forSQLiteWriter: true),
                try Self.job(app, padded([LRSTests.statement(id: e)]), tenantID: tenantID, forSQLiteWriter: true),
                try Self.job(app, [LRSTests.statement(id: UUID())], tenantID: tenantID, forSQLiteWriter: true),
            ]
            #expect(jobs.allSatisfy { if case .staged = $0.prepared { true } else { false } })
            #expect(jobs.prefix(3).allSatisfy { $0.rows.count >= StatementStore.Job.readyInsertsFrom } && jobs[3].rows.count < StatementStore.Job.readyInsertsFrom)
            let writer = SQLiteWriterConnection(path: settings.sqliteFile.path)
            let results = try await writer.transaction { bulk in try await StatementStore(database: app.db, tenantID: tenantID, writer: bulk).storeGroup(jobs) }
            await writer.close()
            #expect(results.prefix(3).map { try? $0.get() } == [jobs[0].ids, jobs[1].ids, jobs[2].ids])
            #expect(jobs[1].ids.prefix(2) == [a, d] && results.allSatisfy { (try? $0.get()) != nil }, "\(results.compactMap { if case .failure(let e) = $0 { e.message } else { nil } })")
            for id in [a, d, e] + fresh + jobs[3].ids { #expect(try await stored(app, id, tenantID: tenantID) == (true, false)) }
            let everyNew = [a, d, e] + fresh + jobs[3].ids
            let staged = try await BulkSQL(app.db).run(
                """
                SELECT "statement_id", CAST(COUNT(*) AS TEXT) AS "n" FROM "lrs_filter_staging" WHERE "kind" = 0
                  AND "statement_id" IN (\(StatementStore.placeholders(everyNew.count))) GROUP BY "statement_id"
                """, everyNew.map { .text($0.uuidString.lowercased()) }, columns: ["statement_id", "n"])
            var rows = StatementStore.ValueRows(tenantID: tenantID)
            jobs[0].emit(0, into: &rows)
            let agentRows = String(rows.agents.count)
            let expected = Dictionary(uniqueKeysWithValues: everyNew.map { ($0.uuidString.lowercased(), agentRows) })
            #expect(agentRows != "0")
            #expect(Dictionary(uniqueKeysWithValues: staged.map { ($0[0] ?? "", $0[1] ?? "") }) == expected)
        }
    }

    @Test func concurrentRequestsAreAllStoredOnceEach() async throws {
        try await withApp(.sqlite) { app, _ in
            let (_, issued) = try await LRSTests.tenant(app, "burst")
            let ids = (0..<40).map { _ in UUID() }
            let bodies = ids.map { LRSTests.statement(id: $0) }
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for body in bodies {
                    group.addTask { try await LRSTests.xapi(app, .POST, "statements", authorization: LRSTests.basic(issued), body: body).status }
                }
                // One repeated request with the same content: accepted, stored once.
                group.addTask { try await LRSTests.xapi(app, .POST, "statements", authorization: LRSTests.basic(issued), body: bodies[0]).status }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 != .ok }.isEmpty, "\(statuses.filter { $0 != .ok })")
            let count = try await BulkSQL(app.db).run(
                "SELECT CAST(COUNT(*) AS TEXT) AS n FROM \"lrs_statements\" WHERE \"statement_id\" IN (\(ids.map { _ in "?" }.joined(separator: ", ")))",
                ids.map { .text($0.uuidString.lowercased()) }, columns: ["n"])
            #expect(count.first?[0] == "40")
        }
    }

    /// The SQLite writer stores a group without reading the stored statements first; a stored id
    /// in it (a retried request) fails that attempt on the primary key, and the group is stored
    /// again judged in full: the repeat is accepted unchanged, a changed repeat refused alone, the
    /// rest of the group stored once.
    @Test func aGroupWithAStoredIdIsJudgedInFullOnTheSQLiteWriter() async throws {
        try await withApp(.sqlite) { app, _ in
            let (code, _) = try await LRSTests.tenant(app, "retry")
            let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == code).first()?.id)
            let queue = app.statementIngestQueue
            let stored = UUID(), fresh = UUID(), other = UUID()
            let first = LRSTests.statement(id: stored, mbox: "mailto:hanako@example.org")
            _ = try await queue.submit(try Self.job(app, [first], tenantID: tenantID, forSQLiteWriter: true), tenantID: tenantID, database: app.db)

            // Submitted together, so that one transaction usually holds all three (the answers are the same either way).
            async let repeated = queue.submit(
                try Self.job(app, [first, LRSTests.statement(id: fresh)], tenantID: tenantID, forSQLiteWriter: true), tenantID: tenantID, database: app.db)
            async let changed = queue.submit(
                try Self.job(app, [LRSTests.statement(id: stored, mbox: "mailto:taro@example.org")], tenantID: tenantID, forSQLiteWriter: true),
                tenantID: tenantID, database: app.db)
            async let unrelated = queue.submit(
                try Self.job(app, [LRSTests.statement(id: other)], tenantID: tenantID, forSQLiteWriter: true), tenantID: tenantID, database: app.db)
            #expect(try await repeated == [stored, fresh])
            do {
                _ = try await changed
                Issue.record("a changed statement was stored under a stored id")
            } catch let error as XAPIError {
                #expect(error.status == 409)
            }
            #expect(try await unrelated == [other])

            for id in [stored, fresh, other] { #expect(try await self.stored(app, id, tenantID: tenantID) == (true, false)) }
            let actor = try await BulkSQL(app.db).run(
                "SELECT \"statement\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND \"statement_id\" = ?",
                [.uuid(tenantID), .text(stored.uuidString.lowercased())], columns: ["statement"])
            #expect(actor.count == 1 && actor.first?[0]?.contains("hanako@example.org") == true)
            // Its filter rows once, as many as a statement of the same shape stored once has.
            func staged(_ id: UUID) async throws -> String? {
                try await BulkSQL(app.db).run(
                    "SELECT CAST(COUNT(*) AS TEXT) AS n FROM \"lrs_filter_staging\" WHERE \"statement_id\" = ?", [.text(id.uuidString.lowercased())],
                    columns: ["n"]
                ).first?[0] ?? nil
            }
            #expect(try await staged(stored) == staged(other))
            #expect(try await staged(other) != "0")
        }
    }
}
