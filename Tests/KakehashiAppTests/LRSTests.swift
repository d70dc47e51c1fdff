import Fluent
import Foundation
import LTI
import Testing
import VaporTesting
import XAPI

@testable import KakehashiApp

/// The Learning Record Store from a client's side (the independent conformance suite is
/// Tests/Interop/xapi): storage round trip, tenant isolation, credentials, actor resolution and
/// AGS scores recorded as statements.
@Suite struct LRSTests {
    struct Answer {
        var status: HTTPStatus
        var body: String
        var headers: HTTPHeaders
    }

    /// Merges every staged filter row (one kind per call, so three calls), as the statement
    /// writer does over three transactions.
    static func mergeEveryStagedRow(_ app: Application) async throws {
        try await app.db.writeTransaction { tx in
            for _ in 0..<3 { try await StatementStore.mergeStagedFilters(BulkSQL(tx), limit: 1) }
        }
    }

    static func basic(_ issued: LRSCredentials.Issued) -> String {
        "Basic " + Data("\(issued.key):\(issued.secret)".utf8).base64EncodedString()
    }

    static func xapi(
        _ app: Application, _ method: HTTPMethod, _ path: String, authorization: String?, version: String? = "1.0.3", body: String? = nil,
        contentType: String = "application/json"
    ) async throws -> Answer {
        var answer = Answer(status: .ok, body: "", headers: [:])
        try await app.testing().test(method, "xapi/" + path, beforeRequest: { request in
            if let authorization { request.headers.replaceOrAdd(name: .authorization, value: authorization) }
            if let version { request.headers.replaceOrAdd(name: "X-Experience-API-Version", value: version) }
            if let body {
                request.headers.replaceOrAdd(name: .contentType, value: contentType)
                request.body = ByteBuffer(string: body)
            }
        }) { response async in answer = Answer(status: response.status, body: response.body.string, headers: response.headers) }
        return answer
    }

    static func tenant(_ app: Application, _ prefix: String) async throws -> (code: String, issued: LRSCredentials.Issued) {
        let code = uniqueTenant(prefix)
        _ = try await importPackage(try demoPackage(schools: 1, students: 5), tenant: code, app: app)
        return (code, try await LRSCredentials.create(tenantCode: code, label: "test client", actor: "test", database: app.db))
    }

    static func statement(
        id: UUID = UUID(), mbox: String = "mailto:\(UUID().uuidString.lowercased())@example.org", actor: String? = nil, registration: UUID? = nil
    ) -> String {
        let actorJSON = actor ?? #"{"objectType":"Agent","name":"山田 花子","mbox":"\#(mbox)"}"#
        let context = registration.map { #","context":{"registration":"\#($0.uuidString.lowercased())"}"# } ?? ""
        return #"{"id":"\#(id.uuidString.lowercased())","actor":\#(actorJSON),"verb":{"id":"http://adlnet.gov/expapi/verbs/answered","display":{"ja-JP":"回答した"}},"object":{"id":"https://kakehashi.test/activities/kanji-1","definition":{"name":{"ja-JP":"漢字ドリル"},"extensions":{"https://w3id.org/japan-xapi/extensions/course-of-study-code":["8260213211200000"],"https://w3id.org/japan-xapi/extensions/grade":["3"]}}}\#(context)}"#
    }

    /// On SQLite a statement's filter rows wait in a staging table until many have gathered, and
    /// are then merged into the filter tables in key order. Queries find a statement the moment
    /// it is stored, and find the same after the merge; a merge below its limit does nothing.
    @Test(arguments: TestDatabase.available)
    func queriesAnswerTheSameBeforeAndAfterStagedFiltersAreMerged(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (code, issued) = try await Self.tenant(app, "lrs-staged")
            let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == code).first()?.id)
            let mbox = "mailto:\(UUID().uuidString.lowercased())@example.org"
            let mine = [UUID(), UUID(), UUID()]
            let attempt = UUID()
            let batch = "[" + (mine.map { Self.statement(id: $0, mbox: mbox, registration: attempt) } + [Self.statement()]).joined(separator: ",") + "]"
            #expect(try await Self.xapi(app, .POST, "statements", authorization: Self.basic(issued), body: batch).status == .ok)
            let agent = #"{"mbox":"\#(mbox)"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let activity = "https://kakehashi.test/activities/kanji-1".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let queries = ["statements?agent=\(agent)", "statements?agent=\(agent)&verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Fanswered",
                           "statements?activity=\(activity)&agent=\(agent)", "statements?agent=\(agent)&related_agents=true",
                           "statements?registration=\(attempt.uuidString.lowercased())", "statements?agent=\(agent)&registration=\(attempt.uuidString.lowercased())",
                           "statements?activity=\(activity)&registration=\(attempt.uuidString.lowercased())"]
            func ids() async throws -> [[String]] {
                var out: [[String]] = []
                for query in queries {
                    let answer = try await Self.xapi(app, .GET, query, authorization: Self.basic(issued))
                    #expect(answer.status == .ok, "\(query)")
                    out.append(mine.map { $0.uuidString.lowercased() }.filter { answer.body.contains($0) })
                }
                return out
            }
            func staged() async throws -> Int {
                Int(try await BulkSQL(app.db).run("SELECT CAST(COUNT(*) AS TEXT) AS \"n\" FROM \"lrs_filter_staging\"", [], columns: ["n"]).first?[0] ?? "0") ?? 0
            }
            let everyOne = Array(repeating: mine.map { $0.uuidString.lowercased() }, count: queries.count)
            #expect(try await ids() == everyOne)
            let waiting = try await staged()
            #expect(database == .sqlite ? waiting > 0 : waiting == 0, "SQLite stages the filter rows; PostgreSQL writes the tables")
            try await app.db.writeTransaction { tx in try await StatementStore.mergeStagedFilters(BulkSQL(tx), limit: waiting + 1) }
            #expect(try await staged() == waiting, "below the limit nothing moves")
            // One kind per transaction: agent rows, activity rows, key rows; each leaves fewer.
            var left = waiting
            for _ in 0..<3 {
                try await app.db.writeTransaction { tx in try await StatementStore.mergeStagedFilters(BulkSQL(tx), limit: 1) }
                let now = try await staged()
                #expect(database == .postgres || now < left, "a merge moved nothing")
                left = now
            }
            #expect(try await staged() == 0)
            #expect(try await ids() == everyOne)
            // Each statement's course-of-study code is a row of its own, merged too.
            let coded = try await BulkSQL(app.db).run(
                "SELECT \"statement_id\" FROM \"\(LRSSchema.filterKeys)\" WHERE \"key\" = ?",
                [.int(FilterKeys.key(tenantID, .courseOfStudy, "8260213211200000"))], columns: ["statement_id"]).compactMap { $0[0] }
            #expect(Set(mine.map { $0.uuidString.lowercased() }).isSubset(of: Set(coded)))
        }
    }

    /// `KAKEHASHI_LRS_STAGING_ROWS` decides when SQLite's statement writer merges the staged
    /// rows: in the transaction that brings their number to it, not before; one kind of rows (the
    /// oldest row's) per transaction, so the next two transactions merge the other two kinds.
    @Test func theStatementWriterMergesAtTheStagingRowsSetting() async throws {
        #expect(Settings(environment: [:]).lrsStagingRows == StatementStore.stagingLimit)
        #expect(Settings(environment: ["KAKEHASHI_LRS_STAGING_ROWS": "5000"]).lrsStagingRows == 5000)
        #expect(Settings(environment: ["KAKEHASHI_LRS_STAGING_ROWS": "0"]).lrsStagingRows == StatementStore.stagingLimit)
        try await withApp(.sqlite, environment: ["KAKEHASHI_LRS_STAGING_ROWS": "10"]) { app, _ in
            let (_, issued) = try await Self.tenant(app, "lrs-staging-rows")
            func staged() async throws -> [Int] {
                // Staged rows by kind: agent (0), activity (1), key rows (2 and 3).
                let rows = try await BulkSQL(app.db).run(
                    "SELECT CAST(min(\"kind\", 2) AS TEXT) AS \"k\", CAST(COUNT(*) AS TEXT) AS \"n\" FROM \"lrs_filter_staging\" GROUP BY min(\"kind\", 2)", [],
                    columns: ["k", "n"])
                var out = [0, 0, 0]
                for row in rows { if let k = row[0].flatMap({ Int($0) }), let n = row[1].flatMap({ Int($0) }) { out[k] = n } }
                return out
            }
            // Each of these statements stages four rows: its actor and its authority (agent
            // rows), its activity, and its course-of-study code (a key row).
            let ids = [UUID(), UUID(), UUID(), UUID(), UUID()]
            let mbox = "mailto:\(UUID().uuidString.lowercased())@example.org"
            func post(_ ids: ArraySlice<UUID>) async throws {
                let body = "[" + ids.map { Self.statement(id: $0, mbox: mbox) }.joined(separator: ",") + "]"
                #expect(try await Self.xapi(app, .POST, "statements", authorization: Self.basic(issued), body: body).status == .ok)
            }
            try await post(ids[0..<1])
            #expect(try await staged() == [2, 1, 1], "4 rows, below the setting's 10")
            try await post(ids[1..<3])
            #expect(try await staged() == [0, 3, 3], "12 rows reach 10: the oldest row's kind, agent rows, merged")
            try await post(ids[3..<4])
            #expect(try await staged() == [2, 0, 4], "the oldest staged row is an activity row now: those merged")
            try await post(ids[4..<5])
            #expect(try await staged() == [4, 1, 0], "then the key rows; the rows left are newer than the first merge")
            let agent = #"{"mbox":"\#(mbox)"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let found = try await Self.xapi(app, .GET, "statements?agent=\(agent)", authorization: Self.basic(issued))
            #expect(found.status == .ok)
            #expect(ids.allSatisfy { found.body.contains($0.uuidString.lowercased()) }, "merged and staged rows find every statement: \(found.body)")
        }
    }

    /// A filtered page reads its statements by their primary key, whatever else it checks on
    /// them: with the verb next to the ids SQLite had read every statement of the verb through
    /// `lrs_statements_verb` (17 s over 10,000,000 statements instead of 16 ms).
    @Test func aFilteredPageReadsItsStatementsByPrimaryKey() async throws {
        try await withApp(.sqlite) { app, _ in
            let conditions = ["s.\"voided\" = 0", "s.\"credential\" = ?", "s.\"verb_id\" = ?", "s.\"object_activity_id\" = ?", "s.\"registration\" = ?"]
            let text = StatementStore.statementsByID(3, conditions: conditions, dialect: .sqlite)
            let binds: [BulkSQL.Value] = [.uuid(UUID()), .text("a"), .text("b"), .text("c"), .text("k"), .text("v"), .text("x"), .text("r")]
            let plan = try await BulkSQL(app.db).run("EXPLAIN QUERY PLAN " + text, binds, columns: ["detail"]).compactMap { $0[0] }
            #expect(plan.count == 1 && plan.allSatisfy { $0.contains("sqlite_autoindex_lrs_statements_1") }, "\(plan)")
        }
    }

    /// Migration 018 moves the registration and course-of-study indexes into key rows: on a store
    /// that has statements already, it makes a row for each registration and for each code of a
    /// list, and reverting it brings the indexes back. (Migration 020 keys those rows since; it
    /// is reverted first and prepared again last.)
    @Test(arguments: TestDatabase.available)
    func theStatementKeysMigrationKeepsWhatIsStored(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (code, issued) = try await Self.tenant(app, "lrs-keys")
            let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == code).first()?.id)
            let attempt = UUID(), id = UUID()
            let registration = #""registration":"\#(attempt.uuidString.lowercased())""#
            let codes = #","extensions":{"https://w3id.org/japan-xapi/extensions/course-of-study-code":["8260213211300000","8260213211400000"]}"#
            let body = Self.statement(id: id, registration: attempt).replacingOccurrences(of: registration, with: registration + codes)
            let posted = try await Self.xapi(app, .POST, "statements", authorization: Self.basic(issued), body: body)
            #expect(posted.status == .ok, "\(posted.body)")
            let keys: [(FilterKeys.Kind, String)] = [
                (.registration, attempt.uuidString.lowercased()), (.courseOfStudy, "8260213211200000"), (.courseOfStudy, "8260213211300000"),
                (.courseOfStudy, "8260213211400000"),
            ]
            func rows() async throws -> Set<Int64> {
                Set(try await BulkSQL(app.db).run(
                    "SELECT CAST(\"key\" AS TEXT) AS \"key\" FROM \(StatementStore.keyFilters(BulkSQL(app.db).kind)) f WHERE \"statement_id\" = ?",
                    [.text(id.uuidString.lowercased())], columns: ["key"]
                ).compactMap { $0[0].flatMap { Int64($0) } })
            }
            let expected = Set(keys.map { FilterKeys.key(tenantID, $0.0, $0.1) })
            #expect(try await rows() == expected)
            try await HashFilterKeys().revert(on: app.db)
            let textRows = try await BulkSQL(app.db).run(
                "SELECT CAST(\"kind\" AS TEXT) AS \"kind\", \"key\" FROM \"\(LRSSchema.TextKeyed.keys)\" WHERE \"statement_id\" = ?",
                [.text(id.uuidString.lowercased())], columns: ["kind", "key"])
            #expect(Set(textRows.map { "\($0[0] ?? "") \($0[1] ?? "")" }) == Set(keys.map { "\($0.0.rawValue) \($0.1)" }))
            try await CreateStatementKeys().revert(on: app.db)
            let restored = try await BulkSQL(app.db).run(
                "SELECT \"statement_id\" FROM \"lrs_statements\" WHERE \"registration\" = ?", [.text(attempt.uuidString.lowercased())], columns: ["statement_id"])
            #expect(restored.count == 1)
            try await CreateStatementKeys().prepare(on: app.db)
            try await HashFilterKeys().prepare(on: app.db)
            #expect(try await rows() == expected)
            let query = try await Self.xapi(app, .GET, "statements?registration=\(attempt.uuidString.lowercased())", authorization: Self.basic(issued))
            #expect(query.status == .ok && query.body.contains(id.uuidString.lowercased()))
        }
    }

    /// Migration 020 keys the filter rows by ``FilterKeys``: every row, merged or still staged,
    /// is re-keyed (the same rows as statements stored afterwards get), and every query answers
    /// as before; its revert rebuilds the text-keyed tables from the statements, row for row.
    @Test(arguments: TestDatabase.available)
    func theHashedKeysMigrationKeepsEveryFilterRow(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (_, issued) = try await Self.tenant(app, "lrs-hash")
            let mbox = "mailto:\(UUID().uuidString.lowercased())@example.org"
            let attempt = UUID()
            let merged = (0..<3).map { _ in UUID() }, staged = (0..<2).map { _ in UUID() }
            func post(_ ids: [UUID]) async throws {
                let body = "[" + ids.map { Self.statement(id: $0, mbox: mbox, registration: attempt) }.joined(separator: ",") + "]"
                #expect(try await Self.xapi(app, .POST, "statements", authorization: Self.basic(issued), body: body).status == .ok)
            }
            try await post(merged)
            try await Self.mergeEveryStagedRow(app)
            try await post(staged)
            let agent = #"{"mbox":"\#(mbox)"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let activity = "https://kakehashi.test/activities/kanji-1".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let queries = ["statements?agent=\(agent)&verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Fanswered", "statements?agent=\(agent)&related_agents=true",
                           "statements?activity=\(activity)&agent=\(agent)", "statements?registration=\(attempt.uuidString.lowercased())",
                           "statements?agent=\(agent)&registration=\(attempt.uuidString.lowercased())"]
            let mine = (merged + staged).map { $0.uuidString.lowercased() }
            func answers() async throws -> [[String]] {
                var out: [[String]] = []
                for query in queries {
                    let answer = try await Self.xapi(app, .GET, query, authorization: Self.basic(issued))
                    out.append(mine.filter { answer.body.contains($0) })
                }
                return out
            }
            // Every row of the five statements, keyed, whether merged or staged.
            func keyed() async throws -> [String] {
                let kind = BulkSQL(app.db).kind
                var out: [String] = []
                for (name, from, columns) in [
                    ("agent", StatementStore.agentFilters(kind), "CAST(\"key\" AS TEXT) || ' ' || CAST(\"verb\" AS TEXT) || ' ' || CAST(\"direct\" AS TEXT)"),
                    ("activity", StatementStore.activityFilters(kind), "CAST(\"key\" AS TEXT) || ' ' || CAST(\"direct\" AS TEXT)"),
                    ("key", StatementStore.keyFilters(kind), "CAST(\"key\" AS TEXT)"),
                ] {
                    for row in try await BulkSQL(app.db).run(
                        "SELECT \(columns) || ' ' || CAST(\"stored_us\" AS TEXT) || ' ' || \"statement_id\" AS \"row\" FROM \(from) f WHERE \"statement_id\" IN (\(StatementStore.placeholders(mine.count)))",
                        mine.map { .text($0) }, columns: ["row"]) {
                        out.append(name + " " + (row[0] ?? ""))
                    }
                }
                return out.sorted()
            }
            let before = try await keyed()
            #expect(before.count == 5 * 5, "each statement: actor and authority, activity, registration, code")
            let answered = try await answers()
            #expect(answered == Array(repeating: mine, count: queries.count))

            try await HashFilterKeys().revert(on: app.db)
            let textRows = try await BulkSQL(app.db).run(
                "SELECT \"agent_key\" FROM \"\(LRSSchema.TextKeyed.agents)\" WHERE \"statement_id\" IN (\(StatementStore.placeholders(mine.count)))",
                mine.map { .text($0) }, columns: ["agent_key"]).compactMap { $0[0] }
            #expect(textRows.count == 10 && textRows.filter { $0.contains(mbox) }.count == 5, "\(textRows)")
            try await HashFilterKeys().prepare(on: app.db)
            #expect(try await keyed() == before)
            #expect(try await answers() == answered)
            // A statement stored now finds the rows the migration made.
            try await post([UUID()])
            #expect(try await answers() == Array(repeating: mine, count: queries.count))
        }
    }

    /// Migration 019 records who wrote each document. A document stored before it has no writer:
    /// a credential with only the `state` scope does not reach it, one with `all` does; the
    /// writer's own documents stay its own, and reverting and preparing the migration keeps the
    /// documents.
    @Test(arguments: TestDatabase.available)
    func documentsStoredBeforeTheirWriterWasRecordedStayWithEveryDocumentsCredentials(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (code, issued) = try await Self.tenant(app, "lrs-doc-writers")
            let narrow = try await LRSCredentials.create(tenantCode: code, label: "vendor", scopes: XAPIScopes([.state]), actor: "test", database: app.db)
            let agent = #"{"mbox":"mailto:s@example.org"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            func path(_ stateID: String) -> String {
                "activities/state?activityId=https%3A%2F%2Fkakehashi.test%2Fa&agent=\(agent)&stateId=\(stateID)"
            }
            #expect(try await Self.xapi(app, .PUT, path("before"), authorization: Self.basic(issued), body: #"{"n":1}"#).status == .noContent)
            // On one connection: SQLite checks an ALTER TABLE against the schema its connection has
            // cached, and another connection's cache may not have seen the DROP yet.
            try await app.db.withConnection { connection in
                try await AddDocumentWriters().revert(on: connection)
                try await AddDocumentWriters().prepare(on: connection)
            }
            #expect(try await Self.xapi(app, .GET, path("before"), authorization: Self.basic(issued)).status == .ok, "all reaches it")
            #expect(try await Self.xapi(app, .GET, path("before"), authorization: Self.basic(narrow)).status == .notFound)
            #expect(try await Self.xapi(app, .PUT, path("before"), authorization: Self.basic(narrow), body: #"{"n":2}"#).status == .forbidden)
            #expect(try await Self.xapi(app, .PUT, path("own"), authorization: Self.basic(narrow), body: #"{"n":3}"#).status == .noContent)
            let own = try await Self.xapi(app, .GET, path("own"), authorization: Self.basic(narrow))
            #expect(own.status == .ok && own.body.contains("3"))
            let listed = try await Self.xapi(
                app, .GET, "activities/state?activityId=https%3A%2F%2Fkakehashi.test%2Fa&agent=\(agent)", authorization: Self.basic(narrow))
            #expect(listed.body == #"["own"]"#, "\(listed.body)")
        }
    }

    /// Definitions of one activity within one batch are combined in order: languages add up and
    /// the newest of any other property wins, even when an earlier definition comes again.
    @Test(arguments: TestDatabase.available)
    func definitionsInOneBatchCombineInOrder(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (_, issued) = try await Self.tenant(app, "lrs-definitions")
            let activity = "https://kakehashi.test/activities/\(UUID().uuidString.lowercased())"
            func statement(_ definition: String) -> String {
                #"{"actor":{"mbox":"mailto:s@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},"object":{"id":"\#(activity)","definition":\#(definition)}}"#
            }
            let first = #"{"type":"https://kakehashi.test/types/a","name":{"ja-JP":"単元"}}"#
            let second = #"{"type":"https://kakehashi.test/types/b","name":{"en-US":"Unit"}}"#
            let batch = "[" + [first, second, first].map(statement).joined(separator: ",") + "]"
            #expect(try await Self.xapi(app, .POST, "statements", authorization: Self.basic(issued), body: batch).status == .ok)
            let answer = try await Self.xapi(
                app, .GET, "activities?activityId=" + activity.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, authorization: Self.basic(issued))
            let definition = try JSONParser.parse(Array(answer.body.utf8))["definition"]
            #expect(definition?["type"]?.string == "https://kakehashi.test/types/a", "the newest type wins: \(answer.body)")
            #expect(definition?["name"]?["ja-JP"]?.string == "単元" && definition?["name"]?["en-US"]?.string == "Unit", "\(answer.body)")
        }
    }

    /// A voiding statement may arrive before the statement it voids (statements from several
    /// devices); the target is voided the moment it is stored, alone or among other statements.
    @Test(arguments: TestDatabase.available)
    func aStatementVoidedBeforeItArrivesIsStoredVoided(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (_, issued) = try await Self.tenant(app, "lrs-void-early")
            let target = UUID(), other = UUID(), voiding = UUID()
            let void = #"{"id":"\#(voiding.uuidString.lowercased())","actor":{"mbox":"mailto:teacher@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"\#(target.uuidString.lowercased())"}}"#
            #expect(try await Self.xapi(app, .POST, "statements", authorization: Self.basic(issued), body: void).status == .ok)
            let batch = "[" + Self.statement(id: other) + "," + Self.statement(id: target) + "]"
            #expect(try await Self.xapi(app, .POST, "statements", authorization: Self.basic(issued), body: batch).status == .ok)
            let id = target.uuidString.lowercased()
            #expect(try await Self.xapi(app, .GET, "statements?statementId=\(id)", authorization: Self.basic(issued)).status == .notFound)
            let voided = try await Self.xapi(app, .GET, "statements?voidedStatementId=\(id)", authorization: Self.basic(issued))
            #expect(voided.status == .ok && voided.body.contains(id))
            #expect(try await Self.xapi(app, .GET, "statements?statementId=\(other.uuidString.lowercased())", authorization: Self.basic(issued)).status == .ok)
        }
    }

    @Test(arguments: TestDatabase.available)
    func statementsRoundTripWithinTheirTenant(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (a, credentialsA) = try await Self.tenant(app, "lrs-a")
            let (_, credentialsB) = try await Self.tenant(app, "lrs-b")
            let id = UUID()
            let sent = Self.statement(id: id)
            let post = try await Self.xapi(app, .POST, "statements", authorization: Self.basic(credentialsA), body: sent)
            #expect(post.status == .ok && post.body == #"["\#(id.uuidString.lowercased())"]"#)
            #expect(post.headers.first(name: "X-Experience-API-Version") == "1.0.3")

            let got = try await Self.xapi(app, .GET, "statements?statementId=\(id.uuidString.lowercased())", authorization: Self.basic(credentialsA))
            #expect(got.status == .ok && got.body.contains("漢字ドリル") && got.body.contains(#""stored":"#) && got.body.contains("lrs-key:\(credentialsA.key)"))
            #expect(got.headers.first(name: "X-Experience-API-Consistent-Through") != nil)

            // The same statement again changes nothing; another one under the id is a conflict.
            let again = try await Self.xapi(app, .POST, "statements", authorization: Self.basic(credentialsA), body: sent)
            #expect(again.status == .ok, "\(again.body)")
            #expect(try await Self.xapi(app, .PUT, "statements?statementId=\(id.uuidString.lowercased())", authorization: Self.basic(credentialsA),
                                        body: Self.statement(id: id, mbox: "mailto:other@example.org")).status == .conflict)

            // Another tenant sees nothing of it, and may store its own statement under the same id.
            #expect(try await Self.xapi(app, .GET, "statements?statementId=\(id.uuidString.lowercased())", authorization: Self.basic(credentialsB)).status == .notFound)
            let listB = try await Self.xapi(app, .GET, "statements?activity=https://kakehashi.test/activities/kanji-1", authorization: Self.basic(credentialsB))
            #expect(listB.status == .ok && listB.body == #"{"statements":[],"more":""}"#)
            #expect(try await Self.xapi(app, .POST, "statements", authorization: Self.basic(credentialsB), body: sent).status == .ok)

            // Index columns, including the Japan xAPI profile's.
            let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == a).first()?.id)
            let row = try await BulkSQL(app.db).run(
                "SELECT \"verb_id\", \"jp_course_of_study\", \"jp_grade\", \"credential\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND \"statement_id\" = ?",
                [.uuid(tenantID), .text(id.uuidString.lowercased())], columns: ["verb_id", "jp_course_of_study", "jp_grade", "credential"])
            #expect(row.count == 1 && row.first?[1] == "8260213211200000" && row.first?[2] == "3" && row.first?[3] == "key:\(credentialsA.key)")
        }
    }

    @Test(arguments: TestDatabase.available)
    func everyLRSRouteRefusesWithoutCredentials(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (code, issued) = try await Self.tenant(app, "lrs-auth")
            let calls: [(HTTPMethod, String)] = [
                (.GET, "statements"), (.POST, "statements"), (.PUT, "statements?statementId=\(UUID().uuidString)"),
                (.GET, "activities/state?activityId=https://a.test/1&agent=%7B%22mbox%22%3A%22mailto%3Aa%40b.jp%22%7D"),
                (.PUT, "activities/state?activityId=https://a.test/1&agent=%7B%22mbox%22%3A%22mailto%3Aa%40b.jp%22%7D&stateId=s"),
                (.POST, "activities/state"), (.DELETE, "activities/state"),
                (.GET, "activities/profile?activityId=https://a.test/1"), (.PUT, "activities/profile"), (.POST, "activities/profile"), (.DELETE, "activities/profile"),
                (.GET, "agents/profile"), (.PUT, "agents/profile"), (.POST, "agents/profile"), (.DELETE, "agents/profile"),
                (.GET, "activities?activityId=https://a.test/1"), (.GET, "agents"),
            ]
            let wrong = "Basic " + Data("\(issued.key):not-the-secret".utf8).base64EncodedString()
            for (method, path) in calls {
                for authorization in [nil, wrong, "Bearer \(issued.secret)"] as [String?] {
                    let answer = try await Self.xapi(app, method, path, authorization: authorization, body: method == .GET || method == .DELETE ? nil : "{}")
                    #expect(answer.status == .unauthorized, "\(method) \(path) with \(authorization ?? "nothing")")
                    #expect(answer.headers.first(name: "X-Experience-API-Version") == "1.0.3")
                }
            }
            // About is public.
            #expect(try await Self.xapi(app, .GET, "about", authorization: nil).status == .ok)
            // Only the secret's hash is stored, and the creation is in the tenant's audit log.
            let stored = try #require(try await LRSCredential.query(on: app.db).filter(\.$key == issued.key).first())
            #expect(stored.secretHash == Sessions.hash(issued.secret) && stored.secretHash != issued.secret)
            let events = try await AuditLog(database: app.db).events(tenant: code)
            #expect(events.contains { $0.action == "lrs.credentials.create" && $0.subject == "lrs-key:\(issued.key)" && !$0.details.contains(issued.secret) })
        }
    }

    @Test func aToolsPseudonymousActorIsResolvedToThePerson() async throws {
        try await withApp(.sqlite) { app, settings in
            let (code, issued) = try await Self.tenant(app, "lrs-actor")
            let registration = try await ToolRegistry(database: app.db).register(LTILaunchTests.tool, tenantCode: code, status: .active, source: "test", actor: "test")
            let tool = try #require(try await LTITool.query(on: app.db).filter(\.$clientID == registration.client_id).first())
            let student = try #require(try await Accounts(database: app.db).list(tenantCode: code, role: "student").first)
            let sub = ToolRegistry.pseudonymousSubject(tool: tool, tenantID: tool.tenantID, sourcedID: student.sourcedId)
            let id = UUID()
            let actor = #"{"objectType":"Agent","account":{"homePage":"\#(settings.baseURL)","name":"\#(sub)"}}"#
            let unknown = UUID()
            let stranger = #"{"objectType":"Agent","account":{"homePage":"\#(settings.baseURL)","name":"nobody-we-know"}}"#
            let batch = "[" + Self.statement(id: id, actor: actor) + "," + Self.statement(id: unknown, actor: stranger) + "]"
            #expect(try await Self.xapi(app, .POST, "statements", authorization: Self.basic(issued), body: batch).status == .ok)
            let rows = try await BulkSQL(app.db).run(
                "SELECT \"statement_id\", \"person_sourced_id\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? ORDER BY \"statement_id\"", [.uuid(tool.tenantID)],
                columns: ["statement_id", "person_sourced_id"])
            let people = Dictionary(uniqueKeysWithValues: rows.map { ($0[0] ?? "", $0[1]) })
            #expect(people[id.uuidString.lowercased()] == .some(student.sourcedId))
            #expect(people[unknown.uuidString.lowercased()] == .some(nil))
            // The statement is kept as sent.
            let got = try await Self.xapi(app, .GET, "statements?statementId=\(id.uuidString.lowercased())", authorization: Self.basic(issued))
            #expect(got.body.contains(sub) && !got.body.contains(student.sourcedId))
        }
    }

    @Test(arguments: TestDatabase.available)
    func aStudentUnknownAtTheLastFillIsResolvedAtTheNext(database: TestDatabase) async throws {
        try await withApp(database) { app, settings in
            let (code, issued) = try await Self.tenant(app, "lrs-late")
            let registration = try await ToolRegistry(database: app.db).register(LTILaunchTests.tool, tenantCode: code, status: .active, source: "test", actor: "test")
            let tool = try #require(try await LTITool.query(on: app.db).filter(\.$clientID == registration.client_id).first())
            let students = try await Accounts(database: app.db).list(tenantCode: code, role: "student")
            func actor(_ sourcedID: String) -> String {
                #"{"objectType":"Agent","account":{"homePage":"\#(settings.baseURL)","name":"\#(ToolRegistry.pseudonymousSubject(tool: tool, tenantID: tool.tenantID, sourcedID: sourcedID))"}}"#
            }
            func person(_ id: UUID) async throws -> String? {
                try await BulkSQL(app.db).run(
                    "SELECT \"person_sourced_id\" FROM \"lrs_statements\" WHERE \"statement_id\" = ?", [.text(id.uuidString.lowercased())],
                    columns: ["person_sourced_id"]
                ).first?[0] ?? nil
            }
            // The first statement fills the tool's subjects; then the second student is
            // forgotten, as if added to the roster after that fill.
            let first = UUID(), late = UUID(), trigger = UUID()
            #expect(try await Self.xapi(app, .POST, "statements", authorization: Self.basic(issued), body: Self.statement(id: first, actor: actor(students[0].sourcedId))).status == .ok)
            try await BulkSQL(app.db).run("DELETE FROM \"lrs_subjects\" WHERE \"sourced_id\" = ?", [.text(students[1].sourcedId)])
            #expect(try await Self.xapi(app, .POST, "statements", authorization: Self.basic(issued), body: Self.statement(id: late, actor: actor(students[1].sourcedId))).status == .ok)
            #expect(try await person(late) == nil, "not known until the next fill (at most every 10 minutes)")

            // Eleven minutes on, an unknown subject fills again, and the late statement is resolved.
            try await BulkSQL(app.db).run("UPDATE \"lrs_subject_fills\" SET \"filled_us\" = \"filled_us\" - 660000000", [])
            let stranger = #"{"objectType":"Agent","account":{"homePage":"\#(settings.baseURL)","name":"nobody-we-know"}}"#
            #expect(try await Self.xapi(app, .POST, "statements", authorization: Self.basic(issued), body: Self.statement(id: trigger, actor: stranger)).status == .ok)
            #expect(try await person(late) == students[1].sourcedId)
            #expect(try await person(first) == students[0].sourcedId)
            #expect(try await person(trigger) == nil)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anAGSScoreIsAlsoAStatement(database: TestDatabase) async throws {
        try await withApp(database) { app, settings in
            let services = LTIServicesTests()
            let world = try await services.world(app)
            // The tool may also use the LRS.
            let tool = try #require(try await LTITool.query(on: app.db).filter(\.$clientID == world.tool.client_id).first())
            tool.scopes += " " + LRSCredentials.scope
            try await tool.update(on: app.db)
            let (status, granted) = try await services.token(
                app, assertion: try await services.assertion(world, settings), scope: ([AGSScope.lineItem, AGSScope.score, LRSCredentials.scope]).joined(separator: " "))
            #expect(status == .ok)
            let bearer = try #require(granted["access_token"])
            let lineItems = settings.baseURL + "/lti/deployments/\(world.tool.deployment_id)/contexts/\(world.classID)/lineitems"
            let created = try await services.call(app, .POST, lineItems, bearer: bearer, contentType: AGSMediaType.lineItem, body: #"{"label":"漢字テスト","scoreMaximum":50}"#)
            #expect(created.0 == .created)
            let itemURL = try #require(try JSONDecoder().decode(LineItem.self, from: Data(created.1.utf8)).id)
            let sub = ToolRegistry.pseudonymousSubject(tool: tool, tenantID: tool.tenantID, sourcedID: world.student.sourcedId)
            let score = #"{"userId":"\#(sub)","scoreGiven":40,"scoreMaximum":50,"activityProgress":"Completed","gradingProgress":"FullyGraded","timestamp":"2026-04-01T09:00:00.000Z"}"#
            // The tool defines the line item's activity itself first; the score's statement redefines
            // its type, and a later statement of the tool's the type again: the newest wins each time,
            // whichever path wrote the definition before.
            func define(_ type: String) async throws {
                let body = #"{"actor":{"mbox":"mailto:tool@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/launched"},"object":{"id":"\#(itemURL)","definition":{"type":"\#(type)"}}}"#
                #expect(try await Self.xapi(app, .POST, "statements", authorization: "Bearer \(bearer)", body: body).status == .ok)
            }
            func definedType() async throws -> String? {
                let answer = try await Self.xapi(
                    app, .GET, "activities?activityId=" + itemURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, authorization: "Bearer \(bearer)")
                return try JSONParser.parse(Array(answer.body.utf8))["definition"]?["type"]?.string
            }
            let tools = "https://kakehashi.test/activity-types/tool-task"
            try await define(tools)
            #expect(try await definedType() == tools)
            #expect(try await services.call(app, .POST, AGSURL.scores(of: itemURL), bearer: bearer, contentType: AGSMediaType.score, body: score).0 == .noContent)
            #expect(try await definedType() == "http://adlnet.gov/expapi/activities/assessment")
            try await define(tools)
            #expect(try await definedType() == tools)

            let rows = try await BulkSQL(app.db).run(
                "SELECT \"verb_id\", \"person_sourced_id\", \"object_activity_id\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND \"verb_id\" LIKE '%scored'",
                [.uuid(tool.tenantID)], columns: ["verb_id", "person_sourced_id", "object_activity_id"])
            #expect(rows.count == 1)
            #expect(rows.first?[0] == "http://adlnet.gov/expapi/verbs/scored" && rows.first?[1] == world.student.sourcedId && rows.first?[2] == itemURL)

            // The tool reads it back from the LRS with its bearer token.
            let read = try await Self.xapi(app, .GET, "statements?verb=http://adlnet.gov/expapi/verbs/scored", authorization: "Bearer \(bearer)")
            #expect(read.status == .ok && read.body.contains(#""raw":40"#) && read.body.contains(#""scaled":0.8"#) && read.body.contains(sub))
        }
    }
    @Test func aToolTokenWithoutTheXAPIScopeIsForbiddenNotUnknown() async throws {
        try await withApp(.sqlite) { app, settings in
            let services = LTIServicesTests()
            let world = try await services.world(app)
            let (status, granted) = try await services.token(app, assertion: try await services.assertion(world, settings), scope: AGSScope.score)
            #expect(status == .ok)
            let bearer = try #require(granted["access_token"])
            let answer = try await Self.xapi(app, .GET, "statements", authorization: "Bearer \(bearer)")
            #expect(answer.status == .forbidden)
            #expect(answer.body.contains("credentials.insufficient-scope") && answer.body.contains(LRSCredentials.scope))
            #expect(try await Self.xapi(app, .GET, "statements", authorization: "Bearer not-a-token").status == .unauthorized)
        }
    }
}
