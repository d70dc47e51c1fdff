import Fluent
import Foundation
import XAPI

/// Finds the roster person behind an actor given as a tool's account on this platform:
/// `account.homePage` = the platform's issuer URL and `account.name` = the `sub` that tool
/// received (``ToolRegistry/pseudonymousSubject(tool:tenantID:sourcedID:)``, or the sourcedId
/// for tools set to receive it). The statement is kept as sent; the person's sourcedId goes to
/// an index column.
///
/// Pseudonymous subjects cannot be reversed, so a table (`lrs_subjects`) maps them per tool
/// and tenant. It is filled when a subject arrives that it does not know, by computing the
/// subject of every active user of the tenant for that tool once (at most every
/// ``refillInterval``), never on the launch path.
struct ActorResolver: Sendable {
    let database: any Database
    let tenantID: UUID
    let issuer: String

    static let refillInterval: TimeInterval = 600

    /// The sourcedId of each statement's actor, when it is a known person.
    func people(of statements: [ValidatedStatement], toolID: UUID?) async throws -> [String?] {
        let prefix = "account:" + issuer + " "
        let names: [String?] = statements.map { statement in
            guard let key = statement.actorKey?.rawValue, key.hasPrefix(prefix) else { return nil }
            return String(key.dropFirst(prefix.count))
        }
        let wanted = Set(names.compactMap { $0 })
        guard !wanted.isEmpty else { return names.map { _ in nil } }
        var found = try await lookup(wanted, toolID: toolID)
        let missing = wanted.subtracting(found.keys)
        if !missing.isEmpty {
            let tools = try await candidateTools(toolID)
            var filled = false
            for tool in tools where tool.privacySettings.sub == .pseudonymous {
                if try await fill(tool) { filled = true }
            }
            if filled { found.merge(try await lookup(missing, toolID: toolID)) { a, _ in a } }
            // Tools that receive the roster's sourcedId as their `sub`.
            if tools.contains(where: { $0.privacySettings.sub == .roster }) {
                let still = Array(wanted.subtracting(found.keys))
                for chunk in StatementStore.chunks(still, size: 1000) {
                    let rows = try await BulkSQL(database).run(
                        "SELECT \"sourced_id\" FROM \"roster_users\" WHERE \"tenant_id\" = ? AND \"status\" = 'active' AND \"sourced_id\" IN (\(StatementStore.placeholders(chunk.count)))",
                        [.uuid(tenantID)] + chunk.map { .text($0) }, columns: ["sourced_id"])
                    for row in rows { if let id = row[0] { found[id] = id } }
                }
            }
        }
        return names.map { $0.flatMap { found[$0] } }
    }

    private func lookup(_ subjects: Set<String>, toolID: UUID?) async throws -> [String: String] {
        var found: [String: String] = [:]
        for chunk in StatementStore.chunks(Array(subjects), size: 1000) {
            var binds: [BulkSQL.Value] = [.uuid(tenantID)] + chunk.map { .text($0) }
            var text = "SELECT \"subject\", \"sourced_id\" FROM \"lrs_subjects\" WHERE \"tenant_id\" = ? AND \"subject\" IN (\(StatementStore.placeholders(chunk.count)))"
            if let toolID {
                text += " AND \"tool_id\" = ?"
                binds.append(.uuid(toolID))
            }
            for row in try await BulkSQL(database).run(text, binds, columns: ["subject", "sourced_id"]) {
                if let subject = row[0], let person = row[1] { found[subject] = person }
            }
        }
        return found
    }

    /// The tools that may have given a subject, kept for a few seconds per process: statements
    /// whose actor no fill can resolve (a student who has left, an account under this issuer
    /// that no tool was given) asked the database for them on every request, and that Fluent
    /// query cost a third of a single-statement POST. A tool registered, switched off or changed
    /// takes effect here within ``candidateLifetime``.
    private static let candidates = ExpiringCache<[LTITool]>()
    static let candidateLifetime: TimeInterval = 10

    /// The tool behind a bearer token, or (stand-alone credentials) every active tool of the tenant.
    private func candidateTools(_ toolID: UUID?) async throws -> [LTITool] {
        let key = "\(tenantID)/\(toolID?.uuidString ?? "*")"
        let now = Date()
        if let cached = Self.candidates.value(for: key, now: now) { return cached }
        let tools: [LTITool]
        if let toolID {
            tools = try await LTITool.find(toolID, on: database).map { [$0] } ?? []
        } else {
            tools = try await LTITool.query(on: database).filter(\.$tenantID == tenantID).filter(\.$status == LTITool.Status.active.rawValue).all()
        }
        Self.candidates.store(tools, for: key, until: now.addingTimeInterval(Self.candidateLifetime), now: now)
        return tools
    }

    /// Computes the tool's subject of every active user of the tenant, unless done recently.
    /// True when it filled.
    private func fill(_ tool: LTITool) async throws -> Bool {
        guard let toolID = tool.id else { return false }
        let now = Date()
        let last = try await BulkSQL(database).run(
            "SELECT CAST(\"filled_us\" AS TEXT) AS \"filled\" FROM \"lrs_subject_fills\" WHERE \"tenant_id\" = ? AND \"tool_id\" = ?",
            [.uuid(tenantID), .uuid(toolID)], columns: ["filled"]
        ).first.flatMap { $0[0] }.flatMap { Int64($0) }
        if let last, Double(StatementStore.microseconds(now) - last) < Self.refillInterval * 1_000_000 { return false }
        let users = try await BulkSQL(database).run(
            "SELECT \"sourced_id\" FROM \"roster_users\" WHERE \"tenant_id\" = ? AND \"status\" = 'active'", [.uuid(tenantID)], columns: ["sourced_id"]
        ).compactMap { $0[0] }
        let rows: [[BulkSQL.Value]] = users.map { id in
            [.uuid(self.tenantID), .uuid(toolID), .text(ToolRegistry.pseudonymousSubject(tool: tool, tenantID: self.tenantID, sourcedID: id)), .text(id)]
        }
        let (database, tenantID) = (self.database, self.tenantID)
        // Statements stored since the last fill whose actor is one of this tool's subjects that
        // was not known then (a student added to the roster in between) get their person now,
        // so learner export, erasure and dashboards find them.
        let prefix = "account:" + issuer + " "
        let prefixLength = Int64(prefix.count)
        try await database.writeTransaction { tx in
            let store = StatementStore(database: tx, tenantID: tenantID)
            try await store.insert(
                LRSSchema.subjects, columns: ["tenant_id", "tool_id", "subject", "sourced_id"], rows: rows,
                suffix: " ON CONFLICT (\"tenant_id\", \"subject\", \"tool_id\") DO NOTHING")
            let person = """
                SELECT s."sourced_id" FROM "lrs_subjects" s WHERE s."tenant_id" = "lrs_statements"."tenant_id"
                  AND s."subject" = substr("lrs_statements"."actor_key", CAST(? AS INTEGER)) AND s."tool_id" = ?
                """
            try await BulkSQL(tx).run(
                """
                UPDATE "lrs_statements" SET "person_sourced_id" = (\(person))
                  WHERE "tenant_id" = ? AND "stored_us" >= ? AND "person_sourced_id" IS NULL
                    AND substr("actor_key", 1, CAST(? AS INTEGER)) = ? AND EXISTS (\(person))
                """,
                [.int(prefixLength + 1), .uuid(toolID), .uuid(tenantID), .int(last ?? 0), .int(prefixLength), .text(prefix), .int(prefixLength + 1), .uuid(toolID)])
            try await BulkSQL(tx).run(
                "INSERT INTO \"lrs_subject_fills\" (\"tenant_id\", \"tool_id\", \"filled_us\") VALUES (?, ?, ?) ON CONFLICT (\"tenant_id\", \"tool_id\") DO UPDATE SET \"filled_us\" = excluded.\"filled_us\"",
                [.uuid(tenantID), .uuid(toolID), .int(StatementStore.microseconds(now))])
        }
        return true
    }
}
