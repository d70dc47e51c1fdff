import Fluent
import Foundation
import SQLKit
import XAPI

/// Learner rights (issue 5 item 6; 本人の学習記録の開示と消去): every learning record of one
/// roster person of a tenant, to export as one JSON document (``export(_:actor:source:)``) or to
/// erase in one transaction (``erase(_:actor:source:)``). Both are audit-logged; the audit log
/// itself is never erased.
///
/// A person's learning records are:
/// - the statements resolved to them (`person_sourced_id`, which AGS scores recorded as
///   statements carry too), and the statements whose actor is one of their keys;
/// - their keys (``agentKeys(of:)``): the actor keys of their resolved statements, the account
///   each tool knows them by (`lrs_subjects`), and the platform account named by their sourcedId
///   (tools that receive the roster id as `sub`);
/// - State and agent profile documents stored under one of those keys;
/// - the attachment data of those statements (data that a statement of someone else also uses
///   is exported, and kept at erasure);
/// - their gradebook scores (AGS results) and the names the LRS keeps for their keys.
///
/// Statements of other people that only mention the person (as instructor, object, team or
/// group member) are those people's records and are left alone: a known limit
/// (docs/STANDARDS.md). So is the map from tools' subjects to people (`lrs_subjects`), which
/// holds no learning record and lets statements sent after the erasure find the person again.
struct LearnerRecords: Sendable {
    let database: any Database
    let tenantID: UUID
    let tenantCode: String
    /// The platform's issuer URL: `account.homePage` of the accounts tools know people by.
    let issuer: String
    /// Runs inside the erasure's transaction after every deletion, before the audit entry and
    /// the commit. Tests make it throw to show that an erasure is all or nothing.
    var beforeCommit: (@Sendable () async throws -> Void)? = nil

    init(database: any Database, tenantID: UUID, tenantCode: String, issuer: String) {
        self.database = database
        self.tenantID = tenantID
        self.tenantCode = tenantCode
        self.issuer = issuer
    }

    /// The same records, read and written through `database` (a transaction).
    func on(_ database: any Database) -> LearnerRecords {
        var copy = LearnerRecords(database: database, tenantID: tenantID, tenantCode: tenantCode, issuer: issuer)
        copy.beforeCommit = beforeCommit
        return copy
    }

    var sql: BulkSQL { BulkSQL(database) }

    /// The records of `tenantCode` on `database`; throws ``RosterError/unknownTenant(_:)``.
    static func of(tenantCode: String, issuer: String, database: any Database) async throws -> LearnerRecords {
        guard let tenant = try await Tenant.query(on: database).filter(\.$code == tenantCode).first(), let id = tenant.id else {
            throw RosterError.unknownTenant(tenantCode)
        }
        return LearnerRecords(database: database, tenantID: id, tenantCode: tenant.code, issuer: issuer)
    }

    // MARK: - Who

    /// A roster person (of any status: people who left are the usual subjects of an erasure).
    struct Person: Sendable, Equatable {
        var sourcedID: String
        var username: String
    }

    struct UnknownPerson: Error, CustomStringConvertible {
        var tenant: String
        var sourcedID: String
        var description: String { "no person \(sourcedID) in tenant \(tenant) / その利用者は名簿にありません" }
    }

    func person(_ sourcedID: String) async throws -> Person {
        let rows = try await sql.run(
            "SELECT \"username\" FROM \"roster_users\" WHERE \"tenant_id\" = ? AND \"sourced_id\" = ?", [.uuid(tenantID), .text(sourcedID)],
            columns: ["username"])
        guard let row = rows.first else { throw UnknownPerson(tenant: tenantCode, sourcedID: sourcedID) }
        return Person(sourcedID: sourcedID, username: row[0] ?? "")
    }

    /// The agent keys that are the person (sorted): the actor keys of their resolved statements,
    /// the accounts their tools know them by, and the platform account named by their sourcedId.
    func agentKeys(of person: Person) async throws -> [String] {
        var keys: Set<String> = ["account:" + issuer + " " + person.sourcedID]
        let actors = try await sql.run(
            "SELECT DISTINCT \"actor_key\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND \"person_sourced_id\" = ? AND \"actor_key\" IS NOT NULL",
            [.uuid(tenantID), .text(person.sourcedID)], columns: ["actor_key"])
        for row in actors { if let key = row[0] { keys.insert(key) } }
        let subjects = try await sql.run(
            "SELECT \"subject\" FROM \"lrs_subjects\" WHERE \"tenant_id\" = ? AND \"sourced_id\" = ?", [.uuid(tenantID), .text(person.sourcedID)],
            columns: ["subject"])
        for row in subjects { if let subject = row[0] { keys.insert("account:" + issuer + " " + subject) } }
        return keys.sorted()
    }

    // MARK: - What

    /// A stored statement as the LRS keeps it, with the columns its filter rows are keyed by.
    struct StoredStatement: Sendable {
        var id: String
        var json: String
        var voided: Bool
        var verbID: String
        var storedUS: Int64
        /// The key rows' values (``FilterKeys/Kind``): the registration, and the
        /// course-of-study codes joined by line feeds.
        var registration: String?
        var courseOfStudy: String?
    }

    /// The person's statements, oldest first: those resolved to them (the person index) and those
    /// whose actor is one of their keys (found through the `agent` filter table, whose key leads
    /// with the agent key).
    func statements(of person: Person, keys: [String]) async throws -> [StoredStatement] {
        let select = """
            SELECT s."statement_id", s."statement", CAST(s."voided" AS TEXT) AS "voided", s."verb_id", CAST(s."stored_us" AS TEXT) AS "stored",
              s."registration", s."jp_course_of_study"
            """
        let columns = ["statement_id", "statement", "voided", "verb_id", "stored", "registration", "jp_course_of_study"]
        var found: [String: StoredStatement] = [:]
        func keep(_ rows: [[String?]]) {
            for row in rows {
                guard let id = row[0], let json = row[1] else { continue }
                found[id] = StoredStatement(
                    id: id, json: json, voided: row[2] == "1", verbID: row[3] ?? "", storedUS: Int64(row[4] ?? "") ?? 0, registration: row[5],
                    courseOfStudy: row[6])
            }
        }
        keep(try await sql.run(
            select + " FROM \"lrs_statements\" s WHERE s.\"tenant_id\" = ? AND s.\"person_sourced_id\" = ?", [.uuid(tenantID), .text(person.sourcedID)],
            columns: columns))
        for chunk in StatementStore.chunks(keys, size: 500) {
            keep(try await sql.run(
                select + """
                     FROM \(StatementStore.agentFilters(sql.kind))\(StatementStore.joinStatements(sql.kind))
                      WHERE \(Self.actorIsOneOf(chunk.count))
                    """, Self.actorIsOneOf(Array(chunk), tenantID: tenantID), columns: columns))
        }
        return found.values.sorted { ($0.storedUS, $0.id) < ($1.storedUS, $1.id) }
    }

    /// The condition on the agent filter rows `f` joined with their statements `s`
    /// (``StatementStore/joinStatements(_:)``) for statements whose actor is one of `count` keys:
    /// the keys' direct rows, and the statement's own actor among the keys (exact even where two
    /// keys share a filter key). Its binds are ``actorIsOneOf(_:tenantID:)``.
    static func actorIsOneOf(_ count: Int) -> String {
        "f.\"key\" IN (\(StatementStore.placeholders(count))) AND f.\"direct\" = 1 AND s.\"actor_key\" IN (\(StatementStore.placeholders(count)))"
    }

    /// The binds of the join and of ``actorIsOneOf(_:)`` for `keys`.
    static func actorIsOneOf(_ keys: [String], tenantID: UUID) -> [BulkSQL.Value] {
        var filterKeys = FilterKeys(tenantID: tenantID)
        return [.uuid(tenantID)] + keys.map { .int(filterKeys.key(.agent, $0)) } + keys.map { .text($0) }
    }

    /// A State or agent profile document.
    struct Document: Sendable {
        var kind: String
        var activityID: String
        var agentKey: String
        var registration: String
        var documentID: String
        var contentType: String
        var updatedUS: Int64
        var content: [UInt8]
    }

    /// The State and agent profile documents stored under one of `keys`.
    func documents(keys: [String]) async throws -> [Document] {
        var out: [Document] = []
        for chunk in StatementStore.chunks(keys, size: 500) {
            var query = SQLQueryString(
                """
                SELECT "kind", "activity_id", "agent_key", "registration", "document_id", "content_type", "updated_us", "content" FROM "lrs_documents"
                  WHERE "tenant_id" = \(bind: tenantID) AND "kind" IN ('state', 'agent') AND "agent_key" IN (
                """)
            query.appendBinds(chunk)
            query.appendLiteral(")")
            for row in try await database.sql.raw(query).all() {
                out.append(
                    Document(
                        kind: try row.decode(column: "kind", as: String.self), activityID: try row.decode(column: "activity_id", as: String.self),
                        agentKey: try row.decode(column: "agent_key", as: String.self), registration: try row.decode(column: "registration", as: String.self),
                        documentID: try row.decode(column: "document_id", as: String.self), contentType: try row.decode(column: "content_type", as: String.self),
                        updatedUS: try row.decode(column: "updated_us", as: Int64.self), content: Array(try row.decode(column: "content", as: Data.self))))
            }
        }
        return out.sorted { ($0.kind, $0.agentKey, $0.activityID, $0.registration, $0.documentID) < ($1.kind, $1.agentKey, $1.activityID, $1.registration, $1.documentID) }
    }

    /// The `sha2` of every attachment the statements name (top-level attachments: the only ones
    /// the LRS keeps data for), sorted.
    static func attachmentHashes(of statements: [StoredStatement]) -> [String] {
        var hashes = Set<String>()
        for statement in statements {
            guard let json = try? JSONParser.parse(Array(statement.json.utf8)) else { continue }
            for attachment in json["attachments"]?.array ?? [] {
                if let sha2 = attachment["sha2"]?.string { hashes.insert(sha2.lowercased()) }
            }
        }
        return hashes.sorted()
    }

    /// A gradebook score of the person (AGS result) with its column.
    struct AGSResult: Sendable {
        var lineItemID: UUID
        var label: String
        var classSourcedID: String
        var tool: String
        var scoreGiven: Double?
        var scoreMaximum: Double?
        var comment: String?
        var activityProgress: String
        var gradingProgress: String
        var timestamp: Date
        var updatedAt: Date
    }

    func agsResults(of person: Person) async throws -> [AGSResult] {
        let scores = try await LTIScore.query(on: database)
            .join(LTILineItem.self, on: \LTIScore.$lineItemID == \LTILineItem.$id)
            .filter(LTILineItem.self, \.$tenantID == tenantID)
            .filter(\.$userSourcedID == person.sourcedID)
            .all()
        let toolIDs = Set(try scores.map { try $0.joined(LTILineItem.self).toolID })
        var clients: [UUID: String] = [:]
        if !toolIDs.isEmpty {
            for tool in try await LTITool.query(on: database).filter(\.$id ~~ Array(toolIDs)).all() { clients[try tool.requireID()] = tool.clientID }
        }
        return try scores.map { score in
            let item = try score.joined(LTILineItem.self)
            return AGSResult(
                lineItemID: try item.requireID(), label: item.label, classSourcedID: item.classSourcedID, tool: clients[item.toolID] ?? "",
                scoreGiven: score.scoreGiven, scoreMaximum: score.scoreMaximum, comment: score.comment, activityProgress: score.activityProgress,
                gradingProgress: score.gradingProgress, timestamp: score.timestamp, updatedAt: score.updatedAt)
        }.sorted { ($0.timestamp, $0.lineItemID.uuidString) < ($1.timestamp, $1.lineItemID.uuidString) }
    }

    /// The names the LRS keeps for the person's keys (`/xapi/agents`).
    func agentNames(keys: [String]) async throws -> [String: String] {
        var names: [String: String] = [:]
        for chunk in StatementStore.chunks(keys, size: 500) {
            let rows = try await sql.run(
                "SELECT \"agent_key\", \"name\" FROM \"lrs_agents\" WHERE \"tenant_id\" = ? AND \"agent_key\" IN (\(StatementStore.placeholders(chunk.count)))",
                [.uuid(tenantID)] + chunk.map { .text($0) }, columns: ["agent_key", "name"])
            for row in rows { if let key = row[0], let name = row[1] { names[key] = name } }
        }
        return names
    }

    // MARK: - Counts (the person page)

    struct Counts: Sendable, Equatable {
        var statements = 0
        var documents = 0
        var agsResults = 0
    }

    /// How many records the person has, without reading them.
    func counts(of person: Person) async throws -> Counts {
        let keys = try await agentKeys(of: person)
        var counts = Counts()
        let placeholders = StatementStore.placeholders(keys.count)
        counts.statements = Int(try await sql.run(
            """
            SELECT CAST(COUNT(*) AS TEXT) AS "n" FROM (
              SELECT "statement_id" FROM "lrs_statements" WHERE "tenant_id" = ? AND "person_sourced_id" = ?
              UNION
              SELECT f."statement_id" FROM \(StatementStore.agentFilters(sql.kind))\(StatementStore.joinStatements(sql.kind))
                WHERE \(Self.actorIsOneOf(keys.count))
            ) AS "mine"
            """, [.uuid(tenantID), .text(person.sourcedID)] + Self.actorIsOneOf(keys, tenantID: tenantID), columns: ["n"]
        ).first?[0] ?? "0") ?? 0
        counts.documents = Int(try await sql.run(
            "SELECT CAST(COUNT(*) AS TEXT) AS \"n\" FROM \"lrs_documents\" WHERE \"tenant_id\" = ? AND \"kind\" IN ('state', 'agent') AND \"agent_key\" IN (\(placeholders))",
            [.uuid(tenantID)] + keys.map { .text($0) }, columns: ["n"]
        ).first?[0] ?? "0") ?? 0
        counts.agsResults = try await LTIScore.query(on: database)
            .join(LTILineItem.self, on: \LTIScore.$lineItemID == \LTILineItem.$id)
            .filter(LTILineItem.self, \.$tenantID == tenantID)
            .filter(\.$userSourcedID == person.sourcedID)
            .count()
        return counts
    }
}
