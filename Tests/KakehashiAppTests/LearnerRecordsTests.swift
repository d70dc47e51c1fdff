import Crypto
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import KakehashiApp

/// Learner rights (issue 5 item 6): a board administrator exports all learning records of one
/// learner and erases them; both are audit-logged, the erasure is all or nothing, and another
/// learner's records (a shared attachment included) are untouched.
@Suite struct LearnerRecordsTests {
    /// Two students of one tenant, each with statements sent as a tool's pseudonymous account,
    /// documents, attachments (one shared between them) and a gradebook score; a teacher's
    /// statement naming the first student as instructor; an activity profile of nobody.
    struct Scene: Sendable {
        var tenant: String
        var tenantID: UUID
        var issued: LRSCredentials.Issued
        var learner: Accounts.Account
        var other: Accounts.Account
        var learnerActor: String
        var otherActor: String
        var learnerStatements: [String]  // ids, the voiding one included
        var otherStatement: String
        var mentionStatement: String
        var ownHash: String
        var sharedHash: String
        var learnerLineItem: UUID
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func attachment(_ text: String) -> String {
        #"{"usageType":"http://adlnet.gov/expapi/attachments/supporting_media","display":{"ja-JP":"答案"},"contentType":"text/plain","length":\#(text.utf8.count),"sha2":"\#(sha256(text))"}"#
    }

    /// A statement with attachments, sent as multipart/mixed.
    static func postWithAttachments(_ app: Application, _ issued: LRSCredentials.Issued, statement: String, parts: [String]) async throws {
        let boundary = "kk-\(UUID().uuidString)"
        var body = "--\(boundary)\r\nContent-Type: application/json\r\n\r\n\(statement)\r\n"
        for part in parts {
            body += "--\(boundary)\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: \(sha256(part))\r\n\r\n\(part)\r\n"
        }
        body += "--\(boundary)--\r\n"
        let answer = try await LRSTests.xapi(
            app, .POST, "statements", authorization: LRSTests.basic(issued), body: body, contentType: "multipart/mixed; boundary=\(boundary)")
        #expect(answer.status == .ok, "\(answer.body)")
    }

    static func statement(id: String, actor: String, activity: String = "https://kakehashi.test/activities/kanji-1", attachments: [String] = [], extra: String = "") -> String {
        let list = attachments.isEmpty ? "" : #","attachments":[\#(attachments.joined(separator: ","))]"#
        return #"{"id":"\#(id)","actor":\#(actor),"verb":{"id":"http://adlnet.gov/expapi/verbs/answered","display":{"ja-JP":"回答した"}},"object":{"id":"\#(activity)"}\#(extra)\#(list)}"#
    }

    static func scene(_ app: Application, _ settings: Settings) async throws -> Scene {
        let (tenant, issued) = try await LRSTests.tenant(app, "rights")
        let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == tenant).first()?.id)
        let registration = try await ToolRegistry(database: app.db).register(LTILaunchTests.tool, tenantCode: tenant, status: .active, source: "test", actor: "test")
        let tool = try #require(try await LTITool.query(on: app.db).filter(\.$clientID == registration.client_id).first())
        let students = try await Accounts(database: app.db).list(tenantCode: tenant, role: "student")
        let learner = students[0], other = students[1]
        func actor(_ person: Accounts.Account) -> String {
            let sub = ToolRegistry.pseudonymousSubject(tool: tool, tenantID: tenantID, sourcedID: person.sourcedId)
            return #"{"objectType":"Agent","name":"\#(person.username)","account":{"homePage":"\#(settings.baseURL)","name":"\#(sub)"}}"#
        }
        let learnerActor = actor(learner), otherActor = actor(other)
        let own = "わたしの答案", shared = "学級通信(共通の資料)"
        let ids = (0..<6).map { _ in UUID().uuidString.lowercased() }

        // The learner: one statement with two attachments, one plain statement, and a voiding of it.
        try await postWithAttachments(
            app, issued, statement: statement(id: ids[0], actor: learnerActor, attachments: [attachment(own), attachment(shared)]), parts: [own, shared])
        // With a registration and two course-of-study codes (rows of lrs_statement_keys); the other learner's statement has one of the codes.
        func context(_ codes: [String]) -> String {
            #","context":{"registration":"\#(UUID().uuidString.lowercased())","extensions":{"https://w3id.org/japan-xapi/extensions/course-of-study-code":[\#(codes.map { "\"\($0)\"" }.joined(separator: ","))]}}"#
        }
        let plain = statement(id: ids[1], actor: learnerActor, extra: context(["8260213211200000", "8260213211300000"]))
        #expect(try await LRSTests.xapi(app, .POST, "statements", authorization: LRSTests.basic(issued), body: plain).status == .ok)
        let voiding = #"{"id":"\#(ids[2])","actor":\#(learnerActor),"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"\#(ids[1])"}}"#
        #expect(try await LRSTests.xapi(app, .POST, "statements", authorization: LRSTests.basic(issued), body: voiding).status == .ok)
        // A statement naming the learner by the platform account of their sourcedId: no tool of the tenant receives
        // the roster id, so it is not resolved to them, yet its actor is one of their keys.
        let byRosterID = #"{"objectType":"Agent","account":{"homePage":"\#(settings.baseURL)","name":"\#(learner.sourcedId)"}}"#
        #expect(try await LRSTests.xapi(app, .POST, "statements", authorization: LRSTests.basic(issued), body: statement(id: ids[5], actor: byRosterID)).status == .ok)
        #expect(try await BulkSQL(app.db).run(
            "SELECT \"person_sourced_id\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND \"statement_id\" = ?", [.uuid(tenantID), .text(ids[5])],
            columns: ["person_sourced_id"]).first?[0] == .some(nil))
        // The other learner uses the shared attachment too.
        try await postWithAttachments(
            app, issued, statement: statement(id: ids[3], actor: otherActor, attachments: [attachment(shared)], extra: context(["8260213211200000"])), parts: [shared])
        // A teacher's statement that names the learner as instructor: the teacher's record.
        let teacher = #"{"objectType":"Agent","mbox":"mailto:sensei@school.example"}"#
        let mention = statement(id: ids[4], actor: teacher, extra: #","context":{"instructor":\#(learnerActor)}"#)
        #expect(try await LRSTests.xapi(app, .POST, "statements", authorization: LRSTests.basic(issued), body: mention).status == .ok)

        // Documents: the learner's state (JSON) and agent profile (bytes), the other's state, an activity profile.
        func put(_ path: String, _ body: String, _ type: String) async throws {
            let answer = try await LRSTests.xapi(app, .PUT, path, authorization: LRSTests.basic(issued), body: body, contentType: type)
            #expect(answer.status == .noContent, "\(path): \(answer.body)")
        }
        func agent(_ json: String) -> String { json.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? json }
        try await put("activities/state?activityId=https://kakehashi.test/activities/kanji-1&agent=\(agent(learnerActor))&stateId=progress", #"{"page":3,"memo":"むずかしい"}"#, "application/json")
        try await put("agents/profile?agent=\(agent(learnerActor))&profileId=avatar", "\u{1}\u{2}not json", "application/octet-stream")
        try await put("activities/state?activityId=https://kakehashi.test/activities/kanji-1&agent=\(agent(otherActor))&stateId=progress", #"{"page":9}"#, "application/json")
        try await put("activities/profile?activityId=https://kakehashi.test/activities/kanji-1&profileId=settings", #"{"level":2}"#, "application/json")

        // Gradebook: a score of each learner on one column.
        let item = LTILineItem()
        item.tenantID = tenantID
        item.toolID = try tool.requireID()
        item.deploymentID = "d-1"
        item.classSourcedID = "class-1"
        item.label = "漢字テスト"
        item.scoreMaximum = 50
        item.createdAt = Date()
        try await item.create(on: app.db)
        for (person, given) in [(learner, 40.0), (other, 35.0)] {
            let score = LTIScore()
            score.lineItemID = try item.requireID()
            score.userSourcedID = person.sourcedId
            score.scoreGiven = given
            score.scoreMaximum = 50
            score.activityProgress = "Completed"
            score.gradingProgress = "FullyGraded"
            score.timestamp = Date()
            score.updatedAt = Date()
            try await score.create(on: app.db)
        }
        return Scene(
            tenant: tenant, tenantID: tenantID, issued: issued, learner: learner, other: other, learnerActor: learnerActor, otherActor: otherActor,
            learnerStatements: Array(ids[0..<3]) + [ids[5]], otherStatement: ids[3], mentionStatement: ids[4], ownHash: sha256(own), sharedHash: sha256(shared),
            learnerLineItem: try item.requireID())
    }

    static func records(_ app: Application, _ settings: Settings, _ scene: Scene) -> LearnerRecords {
        LearnerRecords(database: app.db, tenantID: scene.tenantID, tenantCode: scene.tenant, issuer: settings.baseURL)
    }

    static func count(_ app: Application, _ sql: String, _ binds: [BulkSQL.Value]) async throws -> Int {
        Int(try await BulkSQL(app.db).run(sql, binds, columns: ["n"]).first?[0] ?? "0") ?? 0
    }

    /// Rows of every table that holds a learning record, for the scene's tenant.
    struct Snapshot: Equatable {
        var statements: [String]
        var agentRows: Int
        var activityRows: Int
        var documents: Int
        var attachments: [String]
        var scores: Int
        var agentNames: Int
    }

    static func snapshot(_ app: Application, _ scene: Scene) async throws -> Snapshot {
        let tenant: [BulkSQL.Value] = [.uuid(scene.tenantID)]
        let sql = BulkSQL(app.db)
        // Filter rows do not name their tenant: the tenant's are those of its statements.
        let ofTenant = "f.\"statement_id\" IN (SELECT \"statement_id\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ?)"
        return Snapshot(
            statements: try await sql.run(
                "SELECT \"statement_id\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? ORDER BY \"statement_id\"", tenant, columns: ["statement_id"]
            ).compactMap { $0[0] },
            agentRows: try await count(app, "SELECT CAST(COUNT(*) AS TEXT) AS \"n\" FROM \(StatementStore.agentFilters(sql.kind)) f WHERE \(ofTenant)", tenant),
            activityRows: try await count(app, "SELECT CAST(COUNT(*) AS TEXT) AS \"n\" FROM \(StatementStore.activityFilters(sql.kind)) f WHERE \(ofTenant)", tenant),
            documents: try await count(app, "SELECT CAST(COUNT(*) AS TEXT) AS \"n\" FROM \"lrs_documents\" WHERE \"tenant_id\" = ?", tenant),
            attachments: try await sql.run(
                "SELECT \"sha2\" FROM \"lrs_attachments\" WHERE \"tenant_id\" = ? ORDER BY \"sha2\"", tenant, columns: ["sha2"]
            ).compactMap { $0[0] },
            scores: try await LTIScore.query(on: app.db).count(),
            agentNames: try await count(app, "SELECT CAST(COUNT(*) AS TEXT) AS \"n\" FROM \"lrs_agents\" WHERE \"tenant_id\" = ?", tenant))
    }

    // MARK: - Export

    @Test(arguments: TestDatabase.available)
    func theExportHoldsExactlyTheLearnersRecords(database: TestDatabase) async throws {
        try await withApp(database) { app, settings in
            let scene = try await Self.scene(app, settings)
            let records = Self.records(app, settings, scene)
            let person = try await records.person(scene.learner.sourcedId)
            let (bytes, counts) = try await records.export(person, actor: "test-admin", source: "test")
            #expect(counts == .init(statements: 4, documents: 2, attachments: 2, agsResults: 1))

            let text = try #require(String(validating: bytes, as: UTF8.self))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            // Members in a fixed order.
            #expect(text.hasPrefix(#"{"format":"\#(LearnerRecords.exportFormat)","#))
            let order = ["tenant", "person", "exportedAt", "counts", "agents", "statements", "voidedStatementIds", "documents", "attachments", "agsResults"]
            let positions = order.compactMap { text.range(of: "\n\"\($0)\":")?.lowerBound }
            #expect(positions.count == order.count && positions == positions.sorted())
            #expect(json["format"] as? String == LearnerRecords.exportFormat)
            #expect((json["person"] as? [String: Any])?["sourcedId"] as? String == scene.learner.sourcedId)
            #expect((json["person"] as? [String: Any])?["username"] as? String == scene.learner.username)

            // Statements: the learner's three, exactly as stored; not the other learner's, not the teacher's.
            let statements = try #require(json["statements"] as? [[String: Any]])
            #expect(Set(statements.compactMap { $0["id"] as? String }) == Set(scene.learnerStatements))
            for id in scene.learnerStatements {
                let row = try await BulkSQL(app.db).run(
                    "SELECT \"statement\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND \"statement_id\" = ?", [.uuid(scene.tenantID), .text(id)],
                    columns: ["statement"])
                let exact = try #require(row.first?[0] ?? nil)
                #expect(text.contains("\n" + exact), "statement \(id) as stored")
            }
            #expect(!text.contains(scene.otherStatement) && !text.contains(scene.mentionStatement))
            #expect(json["voidedStatementIds"] as? [String] == [scene.learnerStatements[1]])

            // Documents: the learner's state as JSON text, the agent profile in base64; not the other's, not the activity profile.
            let documents = try #require(json["documents"] as? [[String: Any]])
            #expect(documents.count == 2)
            let state = try #require(documents.first { $0["kind"] as? String == "state" })
            #expect(state["encoding"] as? String == "json" && state["content"] as? String == #"{"page":3,"memo":"むずかしい"}"#)
            #expect(state["id"] as? String == "progress" && state["activityId"] as? String == "https://kakehashi.test/activities/kanji-1")
            let profile = try #require(documents.first { $0["kind"] as? String == "agent" })
            #expect(profile["encoding"] as? String == "base64" && profile["content"] as? String == Data("\u{1}\u{2}not json".utf8).base64EncodedString())
            #expect(profile["contentType"] as? String == "application/octet-stream")

            // Attachments: both of the learner's, the shared one included, with their data.
            let attachments = try #require(json["attachments"] as? [[String: Any]])
            #expect(Set(attachments.compactMap { $0["sha2"] as? String }) == [scene.ownHash, scene.sharedHash])
            let own = try #require(attachments.first { $0["sha2"] as? String == scene.ownHash })
            #expect(own["content"] as? String == Data("わたしの答案".utf8).base64EncodedString() && own["contentType"] as? String == "text/plain")

            // Gradebook: the learner's score only.
            let results = try #require(json["agsResults"] as? [[String: Any]])
            #expect(results.count == 1 && results.first?["scoreGiven"] as? Int == 40 && results.first?["label"] as? String == "漢字テスト")

            // The export is in the audit log, with counts only.
            let events = try await AuditLog(database: app.db).events(tenant: scene.tenant)
            let entry = try #require(events.last { $0.action == "learner.export" })
            #expect(entry.actor == "test-admin" && entry.subject == "user:\(scene.tenant)/\(scene.learner.sourcedId)")
            #expect(entry.details.contains(#""statements":"4""#) && !entry.details.contains(scene.learner.username))
        }
    }

    // MARK: - Erasure

    /// A stored statement that no longer validates does not say which filter rows it has: the
    /// erasure finds them by its id. Filter rows do not name their tenant, so
    /// where another tenant stores a statement with the same id, that tenant's rows stay whole
    /// (and the erased tenant's few rows are left behind, unreachable).
    @Test(arguments: TestDatabase.available, [false, true])
    func anUnreadableStatementsRowsGoUnlessAnotherTenantSharesItsId(database: TestDatabase, merged: Bool) async throws {
        try await withApp(database) { app, settings in
            let scene = try await Self.scene(app, settings)
            let sharedID = scene.learnerStatements[0], ownID = scene.learnerStatements[2]
            // Another tenant stores a statement with the first id.
            let (otherTenant, otherIssued) = try await LRSTests.tenant(app, "rights-same-id")
            let otherMbox = "mailto:\(UUID().uuidString.lowercased())@example.org"
            let posted = try await LRSTests.xapi(
                app, .POST, "statements", authorization: LRSTests.basic(otherIssued),
                body: LRSTests.statement(id: try #require(UUID(uuidString: sharedID)), mbox: otherMbox))
            #expect(posted.status == .ok, "\(posted.body)")
            if merged { try await LRSTests.mergeEveryStagedRow(app) }
            // Both of the learner's statements stop validating (a verb id that is not an IRI).
            for id in [sharedID, ownID] {
                try await BulkSQL(app.db).run(
                    "UPDATE \"lrs_statements\" SET \"statement\" = ? WHERE \"tenant_id\" = ? AND \"statement_id\" = ?",
                    [.text(#"{"id":"\#(id)","verb":{"id":"not an IRI"}}"#), .uuid(scene.tenantID), .text(id)])
                #expect(LearnerRecords.filterRows(of: #"{"id":"\#(id)","verb":{"id":"not an IRI"}}"#) == nil)
            }
            func rows(_ id: String) async throws -> Int {
                var total = 0
                for table in [LRSSchema.filterAgents, LRSSchema.filterActivities, LRSSchema.filterKeys, LRSSchema.filterStaging] {
                    total += try await Self.count(app, "SELECT CAST(COUNT(*) AS TEXT) AS \"n\" FROM \"\(table)\" WHERE \"statement_id\" = ?", [.text(id)])
                }
                return total
            }
            #expect(try await rows(ownID) > 0)
            let sharedBefore = try await rows(sharedID)

            let records = Self.records(app, settings, scene)
            let erased = try await records.erase(try await records.person(scene.learner.sourcedId), actor: "test-admin", source: "test")
            #expect(erased.statements == 4)
            #expect(try await rows(ownID) == 0, "found by its id")
            #expect(try await rows(sharedID) == sharedBefore, "the other tenant shares the id: nothing of it is touched")
            // The other tenant's statement is still found by its filters.
            let agent = #"{"mbox":"\#(otherMbox)"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let found = try await LRSTests.xapi(app, .GET, "statements?agent=\(agent)", authorization: LRSTests.basic(otherIssued))
            #expect(found.status == .ok && found.body.contains(sharedID), "\(otherTenant): \(found.body)")
        }
    }

    /// `merged`: the filter rows were moved from the staging table into the filter tables before
    /// the erasure (SQLite keeps them staged until there are many; see ``StatementStore``).
    @Test(arguments: TestDatabase.available, [false, true])
    func erasureRemovesTheLearnersRecordsAndNothingElse(database: TestDatabase, merged: Bool) async throws {
        try await withApp(database) { app, settings in
            let scene = try await Self.scene(app, settings)
            let kind = BulkSQL(app.db).kind
            if merged { try await LRSTests.mergeEveryStagedRow(app) }
            #expect(try await Self.count(app, "SELECT CAST(COUNT(*) AS TEXT) AS \"n\" FROM \"lrs_filter_staging\"", []) == 0 || !merged)
            let records = Self.records(app, settings, scene)
            let person = try await records.person(scene.learner.sourcedId)
            let before = try await Self.snapshot(app, scene)
            let keys = try await records.agentKeys(of: person)
            #expect(try await records.counts(of: person) == .init(statements: 4, documents: 2, agsResults: 1))
            // The filter rows are found from each statement itself (not by a search of the whole side tables).
            for statement in try await records.statements(of: person, keys: keys) {
                let rows = try #require(LearnerRecords.filterRows(of: statement.json), "statement \(statement.id) validates again")
                let agents = try await BulkSQL(app.db).run(
                    "SELECT CAST(\"key\" AS TEXT) AS \"key\" FROM \(StatementStore.agentFilters(kind)) f WHERE \"statement_id\" = ?",
                    [.text(statement.id)], columns: ["key"]).compactMap { $0[0].flatMap { Int64($0) } }
                let activities = try await BulkSQL(app.db).run(
                    "SELECT CAST(\"key\" AS TEXT) AS \"key\" FROM \(StatementStore.activityFilters(kind)) f WHERE \"statement_id\" = ?",
                    [.text(statement.id)], columns: ["key"]).compactMap { $0[0].flatMap { Int64($0) } }
                #expect(
                    Set(rows.agents.map { FilterKeys.key(scene.tenantID, .agent, $0) }) == Set(agents)
                        && Set(rows.activities.map { FilterKeys.key(scene.tenantID, .activity, $0) }) == Set(activities), "statement \(statement.id)")
            }

            let erased = try await records.erase(person, actor: "test-admin", source: "test")
            #expect(erased.statements == 4 && erased.documents == 2 && erased.agsResults == 1)
            #expect(erased.attachments == 1 && erased.attachmentsKept == 1)

            let after = try await Self.snapshot(app, scene)
            #expect(after.statements == [scene.otherStatement, scene.mentionStatement].sorted())
            // The shared attachment stays for the other learner; the learner's own is gone.
            #expect(after.attachments == [scene.sharedHash])
            #expect(before.attachments.count == 2)
            #expect(after.documents == before.documents - 2 && after.scores == before.scores - 1)
            // No filter row of an erased statement is left.
            let placeholders = StatementStore.placeholders(scene.learnerStatements.count)
            for table in [LRSSchema.filterAgents, LRSSchema.filterActivities, LRSSchema.filterKeys, LRSSchema.filterStaging] {
                #expect(try await Self.count(
                    app, "SELECT CAST(COUNT(*) AS TEXT) AS \"n\" FROM \"\(table)\" WHERE \"statement_id\" IN (\(placeholders))",
                    scene.learnerStatements.map { .text($0) }) == 0, "\(table)")
            }
            #expect(after.agentRows > 0 && after.activityRows > 0)
            // The other learner's registration and course-of-study code stay.
            #expect(try await Self.count(
                app, "SELECT CAST(COUNT(*) AS TEXT) AS \"n\" FROM \(StatementStore.keyFilters(kind)) f WHERE \"statement_id\" = ?",
                [.text(scene.otherStatement)]) == 2)
            // The LRS no longer names the learner's keys.
            let named = try await records.agentNames(keys: keys)
            #expect(named.isEmpty)
            #expect(try await records.counts(of: person) == .init())

            // The other learner's records are whole.
            let other = try await records.person(scene.other.sourcedId)
            #expect(try await records.counts(of: other) == .init(statements: 1, documents: 1, agsResults: 1))
            let otherRead = try await LRSTests.xapi(
                app, .GET, "statements?statementId=\(scene.otherStatement)&attachments=true", authorization: LRSTests.basic(scene.issued))
            #expect(otherRead.status == .ok && otherRead.body.contains("学級通信(共通の資料)"))
            // The teacher's statement naming the learner as instructor stays (a known limit).
            #expect(try await LRSTests.xapi(app, .GET, "statements?statementId=\(scene.mentionStatement)", authorization: LRSTests.basic(scene.issued)).status == .ok)

            // Audit: the erasure with counts only; the earlier entries are kept and the chain holds.
            let events = try await AuditLog(database: app.db).events(tenant: scene.tenant)
            let entry = try #require(events.last { $0.action == "learner.erase" })
            #expect(entry.subject == "user:\(scene.tenant)/\(scene.learner.sourcedId)" && entry.actor == "test-admin")
            #expect(entry.details.contains(#""statements":"4""#) && entry.details.contains(#""attachmentsKept":"1""#))
            #expect(!entry.details.contains(scene.learner.username) && !entry.details.contains("account:"))
            #expect(events.contains { $0.action == "lrs.credentials.create" })
            #expect(try await AuditLog(database: app.db).verify(tenant: scene.tenant).breaks.isEmpty)

            // A statement sent for the learner afterwards is stored and resolved as any other.
            let fresh = UUID().uuidString.lowercased()
            #expect(try await LRSTests.xapi(app, .POST, "statements", authorization: LRSTests.basic(scene.issued),
                                            body: Self.statement(id: fresh, actor: scene.learnerActor)).status == .ok)
            let resolved = try await BulkSQL(app.db).run(
                "SELECT \"person_sourced_id\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND \"statement_id\" = ?", [.uuid(scene.tenantID), .text(fresh)],
                columns: ["person_sourced_id"])
            #expect(resolved.first?[0] == .some(scene.learner.sourcedId))
            #expect(try await records.counts(of: person).statements == 1)
        }
    }

    struct InjectedFailure: Error {}

    @Test(arguments: TestDatabase.available)
    func erasureIsAllOrNothing(database: TestDatabase) async throws {
        try await withApp(database) { app, settings in
            let scene = try await Self.scene(app, settings)
            var records = Self.records(app, settings, scene)
            let person = try await records.person(scene.learner.sourcedId)
            let before = try await Self.snapshot(app, scene)
            // Fails after every deletion, before the audit entry and the commit.
            records.beforeCommit = { throw InjectedFailure() }
            let failing = records
            await #expect(throws: InjectedFailure.self) { try await failing.erase(person, actor: "test-admin", source: "test") }
            #expect(try await Self.snapshot(app, scene) == before)
            let events = try await AuditLog(database: app.db).events(tenant: scene.tenant)
            #expect(!events.contains { $0.action == "learner.erase" })

            // The next attempt succeeds, and the audit chain is whole (the failed attempt's entry was never written).
            records.beforeCommit = nil
            #expect(try await records.erase(person, actor: "test-admin", source: "test").statements == 4)
            #expect(try await AuditLog(database: app.db).verify(tenant: scene.tenant).breaks.isEmpty)
        }
    }

    // MARK: - Pages

    @Test(arguments: TestDatabase.available)
    func aBoardAdministratorDownloadsAndErasesFromThePersonPage(database: TestDatabase) async throws {
        try await withApp(database) { app, settings in
            let scene = try await Self.scene(app, settings)
            let accounts = Accounts(database: app.db)
            let admin = try #require(try await accounts.list(tenantCode: scene.tenant).first { $0.role == "districtAdministrator" })
            try await accounts.setPassword(tenantCode: scene.tenant, username: admin.username, password: "kyouiku-2026", actor: "test")
            var browser = Browser()
            _ = try await browser.signIn(app, tenant: scene.tenant, username: admin.username, password: "kyouiku-2026")
            try await browser.enrollSecondFactor(app)
            let personPath = "/t/\(scene.tenant)/users/\(scene.learner.sourcedId)"

            let page = try await browser.get(app, personPath)
            #expect(page.status == .ok && page.body.contains("学習記録") && page.body.contains("ステートメント 4 件"))
            #expect(page.body.contains(personPath + "/learning-records.json") && page.body.contains(personPath + "/learning-records/erase"))

            // Download.
            var download: (HTTPStatus, String?, String) = (.ok, nil, "")
            try await app.testing().test(.GET, personPath + "/learning-records.json", beforeRequest: { [cookies = browser.cookieHeader] request in
                request.headers.cookie = cookies
            }) { response async in
                download = (response.status, response.headers.first(name: .contentDisposition), response.body.string)
            }
            #expect(download.0 == .ok && download.1?.hasPrefix("attachment") == true && download.1?.contains(".json") == true)
            #expect(download.2.contains(#""format":"kakehashi.learner-records.v1""#) && download.2.contains(scene.learnerStatements[0]))
            let afterDownload = try await AuditLog(database: app.db).events(tenant: scene.tenant)
            #expect(afterDownload.contains { $0.action == "learner.export" && $0.actor == "user:\(scene.tenant)/\(admin.sourcedId)" && !$0.source.isEmpty })

            // Erase: the CSRF token and the typed username are both required.
            let erase = personPath + "/learning-records/erase"
            #expect(try await browser.post(app, erase, ["confirm": scene.learner.username]).status == .forbidden)
            let wrong = try await browser.post(app, erase, ["csrf": page.csrf, "confirm": scene.other.username])
            #expect(wrong.status == .badRequest && wrong.body.contains("ユーザー名"))
            #expect(try await Self.records(app, settings, scene).counts(of: try await Self.records(app, settings, scene).person(scene.learner.sourcedId)).statements == 4)
            let done = try await browser.post(app, erase, ["csrf": page.csrf, "confirm": " \(scene.learner.username) "])
            #expect(done.status == .seeOther && done.location == personPath + "?erased=1")
            let back = try await browser.get(app, done.location ?? personPath)
            #expect(back.body.contains("学習記録を消去しました") && back.body.contains("ステートメント 0 件"))
            let events = try await AuditLog(database: app.db).events(tenant: scene.tenant)
            #expect(events.contains { $0.action == "learner.erase" && $0.actor == "user:\(scene.tenant)/\(admin.sourcedId)" })

            // The other learner's page still counts their records; English labels with ?lang=en.
            let other = try await browser.get(app, "/t/\(scene.tenant)/users/\(scene.other.sourcedId)?lang=en")
            #expect(other.body.contains("Learning records") && other.body.contains("1 statements"))
        }
    }

    @Test func teachersAndSchoolAdministratorsSeeNoLearningRecordsSection() async throws {
        try await withApp(.sqlite) { app, settings in
            let scene = try await Self.scene(app, settings)
            let accounts = Accounts(database: app.db)
            let teacher = try #require(try await accounts.list(tenantCode: scene.tenant, role: "teacher").first)
            try await accounts.setPassword(tenantCode: scene.tenant, username: teacher.username, password: "kokuban-2026", actor: "test")
            var browser = Browser()
            _ = try await browser.signIn(app, tenant: scene.tenant, username: teacher.username, password: "kokuban-2026")
            try await browser.enrollSecondFactor(app)
            let page = try await browser.get(app, "/t/\(scene.tenant)/users/\(teacher.sourcedId)")
            #expect(page.status == .ok && !page.body.contains("learning-records"))
            #expect(try await browser.get(app, "/t/\(scene.tenant)/users/\(teacher.sourcedId)/learning-records.json").status == .forbidden)
        }
    }

    // MARK: - Command line

    @Test func theCommandLineExportsAndErasesWithTheOperatorAsActor() async throws {
        let data = try temporaryFolder()
        let scene = try await withApp(.sqlite, dataDirectory: data) { app, settings in try await Self.scene(app, settings) }
        let environment = ["KAKEHASHI_DATA_DIR": data.path]
        let out = data.appendingPathComponent("learner.json")
        let exported = try CommandLineTool.run(
            ["lrs", "learner", "export", "--tenant", scene.tenant, "--user", scene.learner.sourcedId, "--out", out.path], environment: environment)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.contains("statements\t4"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        #expect((json["statements"] as? [Any])?.count == 4)

        let refused = try CommandLineTool.run(
            ["lrs", "learner", "erase", "--tenant", scene.tenant, "--user", scene.learner.sourcedId, "--confirm", scene.other.username], environment: environment)
        #expect(refused.status != 0 && refused.stderr.contains("--confirm"))
        let erased = try CommandLineTool.run(
            ["lrs", "learner", "erase", "--tenant", scene.tenant, "--user", scene.learner.sourcedId, "--confirm", scene.learner.username], environment: environment)
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(erased.stdout.contains("statements\t4") && erased.stdout.contains("attachmentsKept\t1"))

        try await withApp(.sqlite, dataDirectory: data) { app, _ in
            let events = try await AuditLog(database: app.db).events(tenant: scene.tenant)
            let export = try #require(events.first { $0.action == "learner.export" })
            let erase = try #require(events.first { $0.action == "learner.erase" })
            #expect(export.source == "cli" && erase.source == "cli" && erase.actor == export.actor && !erase.actor.isEmpty)
            #expect(try await BulkSQL(app.db).run(
                "SELECT \"statement_id\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND \"person_sourced_id\" = ?",
                [.uuid(scene.tenantID), .text(scene.learner.sourcedId)], columns: ["statement_id"]).isEmpty)
        }
    }
}
