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

        // 1. The filter rows, found by their primary keys (``FilterKeys``: the agent's with the
        //    verb, the activity's, the registration's or code's; then stored time and statement
        //    id). Each statement says which rows it has: the XAPI library's index fields, and its
        //    own registration and course-of-study columns.
        var filterKeys = FilterKeys(tenantID: tenantID)
        struct Group: Hashable {
            var table: String
            var key: Int64
            var verb: Int64?
        }
        var groups: [Group: [StoredStatement]] = [:]
        struct Row: Hashable {
            var statementID: String
            var key: Int64
        }
        /// Every row erased: the staged rows are matched against these.
        var expected = Set<Row>()
        var unreadable: [StoredStatement] = []
        for statement in statements {
            guard let rows = Self.filterRows(of: statement.json) else {
                unreadable.append(statement)
                continue
            }
            func add(_ table: String, _ kind: FilterKeys.Kind, _ text: String, verb: Int64? = nil) {
                let key = filterKeys.key(kind, text)
                groups[Group(table: table, key: key, verb: verb), default: []].append(statement)
                expected.insert(Row(statementID: statement.id, key: key))
            }
            let verb = filterKeys.key(.verb, statement.verbID)
            for key in rows.agents { add(LRSSchema.filterAgents, .agent, key, verb: verb) }
            for activity in rows.activities { add(LRSSchema.filterActivities, .activity, activity) }
            if let registration = statement.registration { add(LRSSchema.filterKeys, .registration, registration) }
            for code in Set((statement.courseOfStudy ?? "").split(separator: "\n").map(String.init)) { add(LRSSchema.filterKeys, .courseOfStudy, code) }
        }
        for (group, members) in groups.sorted(by: { ($0.key.table, $0.key.key, $0.key.verb ?? 0) < ($1.key.table, $1.key.key, $1.key.verb ?? 0) }) {
            for chunk in StatementStore.chunks(members, size: 500) {
                var binds: [BulkSQL.Value] = [.int(group.key)]
                if let verb = group.verb { binds.append(.int(verb)) }
                binds += chunk.map { .int($0.storedUS) } + chunk.map { .text($0.id) }
                try await sql.run(
                    """
                    DELETE FROM "\(group.table)" WHERE "key" = ?\(group.verb == nil ? "" : " AND \"verb\" = ?")
                      AND "stored_us" IN (\(StatementStore.placeholders(chunk.count))) AND "statement_id" IN (\(StatementStore.placeholders(chunk.count)))
                    """, binds)
            }
        }

        // Their rows not merged into the filter tables yet (SQLite): one scan of the staged rows
        // per 1,000 statements, and the rows of the keys above deleted by rowid.
        if sql.kind == .sqlite {
            for chunk in StatementStore.chunks(ids, size: 1000) {
                let staged = try await sql.run(
                    """
                    SELECT CAST(rowid AS TEXT) AS "row", "statement_id", CAST("key" AS TEXT) AS "key" FROM "\(LRSSchema.filterStaging)"
                      WHERE "statement_id" IN (\(StatementStore.placeholders(chunk.count)))
                    """, chunk.map { .text($0) }, columns: ["row", "statement_id", "key"])
                let rowids = staged.compactMap { row -> Int64? in
                    guard let id = row[1], let key = row[2].flatMap({ Int64($0) }), expected.contains(Row(statementID: id, key: key)) else { return nil }
                    return row[0].flatMap { Int64($0) }
                }
                for rows in StatementStore.chunks(rowids, size: 1000) {
                    try await sql.run(
                        "DELETE FROM \"\(LRSSchema.filterStaging)\" WHERE rowid IN (\(StatementStore.placeholders(rows.count)))", rows.map { .int($0) })
                }
            }
        }

        // A statement that no longer validates does not say which rows it has: its rows are
        // found by its id (a scan of each table per 1,000), unless another tenant stores a
        // statement with the same id (a row does not name its tenant; rows go with their
        // statement, so an id no other tenant stores is this tenant's alone). Rows left that way
        // cannot be found by the other tenant's queries, whose keys differ, nor by this
        // tenant's, whose statement is gone.
        if !unreadable.isEmpty {
            var shared = Set<String>()
            for other in try await Tenant.query(on: database).all(\.$id) where other != tenantID {
                for chunk in StatementStore.chunks(unreadable.map(\.id), size: 1000) {
                    for row in try await sql.run(
                        "SELECT \"statement_id\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND \"statement_id\" IN (\(StatementStore.placeholders(chunk.count)))",
                        [.uuid(other)] + chunk.map { .text($0) }, columns: ["statement_id"])
                    {
                        if let id = row[0] { shared.insert(id) }
                    }
                }
            }
            let tables = [LRSSchema.filterAgents, LRSSchema.filterActivities, LRSSchema.filterKeys] + (sql.kind == .sqlite ? [LRSSchema.filterStaging] : [])
            for chunk in StatementStore.chunks(unreadable.map(\.id).filter { !shared.contains($0) }, size: 1000) {
                for table in tables {
                    try await sql.run(
                        "DELETE FROM \"\(table)\" WHERE \"statement_id\" IN (\(StatementStore.placeholders(chunk.count)))", chunk.map { .text($0) })
                }
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
    /// statement under (as ``StatementStore`` wrote them, before keying them), from the statement's own fields; nil
    /// when it no longer validates.
    static func filterRows(of json: String) -> (agents: [String], activities: [String])? {
        guard let statement = revalidate(json) else { return nil }
        var agents: [String] = []
        for key in statement.agentKeys + statement.relatedAgentKeys where !agents.contains(key.rawValue) { agents.append(key.rawValue) }
        var activities: [String] = []
        for id in (statement.objectActivityID.map { [$0] } ?? []) + statement.relatedActivityIDs where !activities.contains(id) { activities.append(id) }
        return (agents, activities)
    }

    /// A stored statement validated again, for what it is indexed under (its `stored` is not
    /// the stored one); nil when it no longer validates.
    static func revalidate(_ json: String) -> ValidatedStatement? {
        guard let parsed = try? JSONParser.parse(Array(json.utf8)) else { return nil }
        let version: XAPIVersion = (parsed["version"]?.string ?? "").hasPrefix("2.") ? .v2_0_0 : .v1_0_3
        let assignment = LRSAssignment(stored: Date(), authority: parsed["authority"] ?? .null)
        return try? StatementValidator(version: version).validate(parsed, assignment: assignment)
    }
}
