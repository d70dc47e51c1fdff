import Fluent
import Foundation
import XAPI

extension LearnerRecords {
    /// What an erasure removed (and the attachment data it kept because statements of other
    /// people use it too).
    struct Erasure: Sendable, Equatable {
        var statements = 0
        var documents = 0
        var attachments = 0
        var attachmentsKept = 0
        var agsResults = 0
        var agentNames = 0

        /// The audit entry's details: counts only, nothing of the records themselves.
        var details: [String: String] {
            [
                "statements": String(statements), "documents": String(documents), "attachments": String(attachments),
                "attachmentsKept": String(attachmentsKept), "agsResults": String(agsResults), "agentNames": String(agentNames),
            ]
        }
    }

    /// Erases every learning record of `person` in one write transaction: statements with their
    /// filter rows, State and agent profile documents, attachment data no remaining statement
    /// names, gradebook scores, the LRS's names for the person's keys, and appends
    /// `learner.erase` (with the counts) to the tenant's audit log in the same transaction. All
    /// or nothing: a failure anywhere leaves every record, and no audit entry.
    ///
    /// A statement sent for the person afterwards is stored as any other: the map from tools'
    /// subjects to people stays.
    func erase(_ person: Person, actor: String, source: String) async throws -> Erasure {
        let records = self
        return try await database.writeTransaction { tx in
            try await records.on(tx).eraseInTransaction(person, actor: actor, source: source)
        }
    }

    private func eraseInTransaction(_ person: Person, actor: String, source: String) async throws -> Erasure {
        var erased = Erasure()
        let keys = try await agentKeys(of: person)
        let statements = try await statements(of: person, keys: keys)
        let ids = statements.map(\.id)
        let hashes = Self.attachmentHashes(of: statements)

        // 1. The filter rows, found by their primary keys (agent key or activity id, then verb and
        //    stored time): each statement says which rows it has (the XAPI library's index
        //    fields). A statement that no longer validates falls back to a search by statement id.
        struct Group: Hashable {
            var key: String
            var verb: String?
        }
        var agentGroups: [Group: [StoredStatement]] = [:]
        var activityGroups: [String: [StoredStatement]] = [:]
        var unreadable: [String] = []
        for statement in statements {
            guard let rows = Self.filterRows(of: statement.json) else {
                unreadable.append(statement.id)
                continue
            }
            for key in rows.agents { agentGroups[Group(key: key, verb: statement.verbID), default: []].append(statement) }
            for activity in rows.activities { activityGroups[activity, default: []].append(statement) }
        }
        func delete(_ table: String, keyColumn: String, key: String, verb: String?, _ group: [StoredStatement]) async throws {
            for chunk in StatementStore.chunks(group, size: 500) {
                var binds: [BulkSQL.Value] = [.uuid(tenantID), .text(key)]
                if let verb { binds.append(.text(verb)) }
                binds += chunk.map { .int($0.storedUS) } + chunk.map { .text($0.id) }
                try await sql.run(
                    """
                    DELETE FROM "\(table)" WHERE "tenant_id" = ? AND "\(keyColumn)" = ?\(verb == nil ? "" : " AND \"verb_id\" = ?")
                      AND "stored_us" IN (\(StatementStore.placeholders(chunk.count))) AND "statement_id" IN (\(StatementStore.placeholders(chunk.count)))
                    """, binds)
            }
        }
        for (group, members) in agentGroups.sorted(by: { ($0.key.key, $0.key.verb ?? "") < ($1.key.key, $1.key.verb ?? "") }) {
            try await delete(LRSSchema.statementAgents, keyColumn: "agent_key", key: group.key, verb: group.verb, members)
        }
        for (activity, members) in activityGroups.sorted(by: { $0.key < $1.key }) {
            try await delete(LRSSchema.statementActivities, keyColumn: "activity_id", key: activity, verb: nil, members)
        }
        for table in [LRSSchema.statementAgents, LRSSchema.statementActivities] {
            for chunk in StatementStore.chunks(unreadable, size: 1000) {
                try await sql.run(
                    "DELETE FROM \"\(table)\" WHERE \"tenant_id\" = ? AND \"statement_id\" IN (\(StatementStore.placeholders(chunk.count)))",
                    [.uuid(tenantID)] + chunk.map { .text($0) })
            }
        }

        // Their filter rows not merged into the filter tables yet (SQLite).
        for chunk in StatementStore.chunks(ids, size: 1000) {
            try await sql.run(
                "DELETE FROM \"\(LRSSchema.filterStaging)\" WHERE \"tenant_id\" = ? AND \"statement_id\" IN (\(StatementStore.placeholders(chunk.count)))",
                [.uuid(tenantID)] + chunk.map { .text($0) })
        }

        // Their registration and course-of-study rows (migration 018), by primary key: the
        // statements' own columns, read with them, say which.
        struct KeyGroup: Hashable {
            var kind: StatementStore.KeyKind
            var key: String
        }
        var keyGroups: [KeyGroup: [StoredStatement]] = [:]
        for statement in statements {
            if let registration = statement.registration {
                keyGroups[KeyGroup(kind: .registration, key: registration), default: []].append(statement)
            }
            for code in Set((statement.courseOfStudy ?? "").split(separator: "\n").map(String.init)) {
                keyGroups[KeyGroup(kind: .courseOfStudy, key: code), default: []].append(statement)
            }
        }
        for (group, members) in keyGroups.sorted(by: { ($0.key.kind.rawValue, $0.key.key) < ($1.key.kind.rawValue, $1.key.key) }) {
            for chunk in StatementStore.chunks(members, size: 500) {
                try await sql.run(
                    """
                    DELETE FROM "\(LRSSchema.statementKeys)" WHERE "tenant_id" = ? AND "kind" = ? AND "key" = ?
                      AND "stored_us" IN (\(StatementStore.placeholders(chunk.count))) AND "statement_id" IN (\(StatementStore.placeholders(chunk.count)))
                    """, [.uuid(tenantID), .int(Int64(group.kind.rawValue)), .text(group.key)] + chunk.map { .int($0.storedUS) } + chunk.map { .text($0.id) })
            }
        }

        // 2. The statements.
        for chunk in StatementStore.chunks(ids, size: 1000) {
            erased.statements += try await sql.run(
                "DELETE FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND \"statement_id\" IN (\(StatementStore.placeholders(chunk.count))) RETURNING \"statement_id\"",
                [.uuid(tenantID)] + chunk.map { .text($0) }, columns: ["statement_id"]
            ).count
        }

        // 3. Documents and the LRS's names for the person's keys.
        for chunk in StatementStore.chunks(keys, size: 500) {
            erased.documents += try await sql.run(
                """
                DELETE FROM "lrs_documents" WHERE "tenant_id" = ? AND "kind" IN ('state', 'agent') AND "agent_key" IN (\(StatementStore.placeholders(chunk.count)))
                  RETURNING "document_id"
                """, [.uuid(tenantID)] + chunk.map { .text($0) }, columns: ["document_id"]
            ).count
            erased.agentNames += try await sql.run(
                "DELETE FROM \"lrs_agents\" WHERE \"tenant_id\" = ? AND \"agent_key\" IN (\(StatementStore.placeholders(chunk.count))) RETURNING \"agent_key\"",
                [.uuid(tenantID)] + chunk.map { .text($0) }, columns: ["agent_key"]
            ).count
        }

        // 4. Gradebook scores (the line items are the class's, and stay).
        erased.agsResults = try await sql.run(
            """
            DELETE FROM "lti_scores" WHERE "user_sourced_id" = ?
              AND "line_item_id" IN (SELECT "id" FROM "lti_line_items" WHERE "tenant_id" = ?) RETURNING "user_sourced_id"
            """, [.text(person.sourcedID), .uuid(tenantID)], columns: ["user_sourced_id"]
        ).count

        // 5. Attachment data that no remaining statement names. Statements name data by hash in
        //    their JSON only, so this reads the tenant's statements: conservative (any mention of
        //    the hash keeps the data), and only for people whose statements had attachments.
        for hash in hashes {
            let stored = try await sql.run(
                "SELECT \"sha2\" FROM \"lrs_attachments\" WHERE \"tenant_id\" = ? AND \"sha2\" = ?", [.uuid(tenantID), .text(hash)], columns: ["sha2"])
            guard !stored.isEmpty else { continue }  // fileUrl only: no data kept
            let named = try await sql.run(
                "SELECT \"statement_id\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND (\"statement\" LIKE ? ESCAPE '!' OR \"statement\" LIKE ? ESCAPE '!') LIMIT 1",
                [.uuid(tenantID), .text(BulkSQL.containsPattern(hash)), .text(BulkSQL.containsPattern(hash.uppercased()))], columns: ["statement_id"])
            if named.isEmpty {
                try await sql.run("DELETE FROM \"lrs_attachments\" WHERE \"tenant_id\" = ? AND \"sha2\" = ?", [.uuid(tenantID), .text(hash)])
                erased.attachments += 1
            } else {
                erased.attachmentsKept += 1
            }
        }

        try await beforeCommit?()
        try await AuditLog(database: database).append(
            .init(actor: actor, action: "learner.erase", subject: "user:\(tenantCode)/\(person.sourcedID)", details: erased.details, source: source),
            tenant: tenantCode)
        return erased
    }

    /// The agent keys and activity ids the `agent` and `activity` filters index a stored
    /// statement under (as ``StatementStore`` wrote them), from the statement's own fields; nil
    /// when it no longer validates.
    static func filterRows(of json: String) -> (agents: [String], activities: [String])? {
        guard let parsed = try? JSONParser.parse(Array(json.utf8)) else { return nil }
        let version: XAPIVersion = (parsed["version"]?.string ?? "").hasPrefix("2.") ? .v2_0_0 : .v1_0_3
        let assignment = LRSAssignment(stored: Date(), authority: parsed["authority"] ?? .null)
        guard let statement = try? StatementValidator(version: version).validate(parsed, assignment: assignment) else { return nil }
        var agents: [String] = []
        for key in statement.agentKeys + statement.relatedAgentKeys where !agents.contains(key.rawValue) { agents.append(key.rawValue) }
        var activities: [String] = []
        for id in (statement.objectActivityID.map { [$0] } ?? []) + statement.relatedActivityIDs where !activities.contains(id) { activities.append(id) }
        return (agents, activities)
    }
}
