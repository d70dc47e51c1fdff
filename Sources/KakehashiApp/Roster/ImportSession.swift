import Fluent
import Foundation
import OneRoster
import Vapor

/// The state of one import inside its transaction: what the tenant's roster held before, what
/// the package has changed so far, and the rows on their way to the database.
///
/// Reading and writing overlap: while one batch is written (sqlite-nio works on its own thread),
/// the validator already parses the next rows. Writes stay strictly in order, one at a time.
final class ImportSession {
    struct Stored: Sendable {
        var hash: String
        var active: Bool
        /// The dateLastModified a delta gave this record; nil when a bulk file wrote it last (a
        /// bulk row carries no date, and the import's own time says nothing about the source's).
        var sourceModified: String?
    }

    /// A row on its way to the database.
    struct Row: Sendable {
        var record: RosterRecord
        var status: String
        var modified: String
        var source: String?
        /// Computed by the writer when nil (new records need no comparison).
        var hash: String?
    }

    private let sql: BulkSQL
    private let database: any Database
    private let tenant: Tenant
    private let tenantID: UUID
    private let options: RosterImporter.Options
    private let logger: Logger
    /// Active sourcedIds of the files other files refer to, for the validator.
    private var activeIds: [RosterFile: Set<String>] = [:]
    private var orgTypes: [String: String] = [:]
    /// The stored state of the bulk file being read (sourcedId → state).
    private var stored: [String: Stored] = [:]
    private var counts: [RosterFile: RosterImportSummary.Counts] = [:]
    private var pending: [Row] = []
    private var pendingBinds = 0
    private var seen: Set<String> = []
    private var written = 0
    /// Batches being built or written, oldest first; at most three, so the reader never runs far ahead.
    private var writes: [Task<Void, any Error>] = []
    /// Set when a bulk users file would deactivate more than the limit.
    private var shrinkRefusal: String?
    /// dateLastModified given to rows a bulk file creates or changes: the import's time.
    private let now: String

    /// Files that other files refer to; only their ids are needed to resolve references.
    private static let referencedFiles: [RosterFile] = [.orgs, .academicSessions, .courses, .classes, .users, .userProfiles]

    init(database: any Database, tenant: Tenant, options: RosterImporter.Options, logger: Logger) async throws {
        self.sql = BulkSQL(database)
        self.database = database
        self.tenant = tenant
        self.tenantID = try tenant.requireID()
        self.options = options
        self.logger = logger
        self.now = RosterDate.timestamp(Date())
        for file in Self.referencedFiles {
            let ids = LockedBox(Set<String>())
            try await sql.forEach(
                "SELECT \"sourced_id\" FROM \(BulkSQL.quote(RosterTable.for(file).name)) WHERE \"tenant_id\" = ? AND \"status\" = 'active'",
                [.uuid(tenantID)], columns: ["sourced_id"]
            ) { row in ids.mutate { _ = $0.insert(row[0] ?? "") } }
            activeIds[file] = ids.current
        }
        let orgs = try await sql.run(
            "SELECT \"sourced_id\", \"type\" FROM \"roster_orgs\" WHERE \"tenant_id\" = ? AND \"status\" = 'active'",
            [.uuid(tenantID)], columns: ["sourced_id", "type"])
        for row in orgs { orgTypes[row[0] ?? ""] = row[1] ?? "" }
    }

    func run(package: RosterPackage) async throws -> RosterImportSummary {
        let validationOptions = ValidationOptions(existingIds: activeIds, existingOrgTypes: orgTypes)
        let report: ValidationReport
        do {
            report = try await RosterValidator.validate(package, options: validationOptions) { event in
                try await self.handle(event)
            }
            try await finishWrites()
        } catch {
            for write in writes { _ = try? await write.value }
            throw error
        }
        var summary = RosterImportSummary(tenant: tenant.code, result: .applied, packageSHA256: "", profile: report.profile.rawValue)
        summary.validation = report
        for (file, count) in counts { summary.counts[file.rawValue] = count }
        guard report.isValid else {
            summary.result = .rejectedInvalid
            summary.message = "the package has \(report.errorCount) errors; nothing was imported / パッケージに \(report.errorCount) 件のエラーがあるため、何も取り込んでいません"
            throw RosterImportRejected(summary: summary)
        }
        if let shrinkRefusal {
            summary.result = .rejectedShrink
            summary.message = shrinkRefusal
            throw RosterImportRejected(summary: summary)
        }
        if summary.counts.values.allSatisfy({ $0.changed == 0 }) { summary.result = .unchanged }
        if let district = try await districtName(), district != tenant.name {
            tenant.name = district
            try await tenant.update(on: database)
        }
        return summary
    }

    // MARK: - Events

    private func handle(_ event: RosterEvent) async throws {
        switch event {
        case .fileStarted(let file, let mode):
            seen = []
            written = 0
            counts[file] = RosterImportSummary.Counts()
            stored = mode == .bulk ? try await loadState(file) : [:]
            options.progress?("\(file.fileName): reading and applying")
        case .record(let record):
            if record.status.isEmpty {
                try await applyBulk(record)
            } else {
                try await enqueue(Row(record: record, status: record.status, modified: RosterDate.normalized(record.dateLastModified), source: nil, hash: nil))
            }
        case .fileFinished(let file, let mode):
            try await flush(file)
            try await finishWrites()
            if mode == .bulk { try await deactivateAbsent(file) }
            stored = [:]
            options.progress?("\(file.fileName): \(written) rows written")
        }
    }

    /// Bulk: the row is the record as it is now.
    private func applyBulk(_ record: RosterRecord) async throws {
        let file = record.file
        let id = record.sourcedId
        seen.insert(id)
        var hash: String?
        if let previous = stored[id] {
            let current = record.contentHash
            if previous.hash == current, previous.active {
                counts[file]!.unchanged += 1
                return
            }
            hash = current
            counts[file]!.updated += 1
        } else {
            counts[file]!.created += 1
        }
        try await enqueue(Row(record: record, status: "active", modified: now, source: nil, hash: hash))
    }

    private func enqueue(_ row: Row) async throws {
        let width = row.record.values.count + 4
        if pendingBinds + width > BulkSQL.maxBinds { try await flush(row.record.file) }
        pending.append(row)
        pendingBinds += width
    }

    /// Hands the waiting rows to the writer (after the previous batch); delta rows are first
    /// compared with their stored state, looked up for this batch only.
    private func flush(_ file: RosterFile) async throws {
        guard !pending.isEmpty else { return }
        var rows = pending
        pending.removeAll(keepingCapacity: true)
        pendingBinds = 0
        if rows[0].record.status.isEmpty == false {
            try await finishWrites()  // the lookup must see every earlier write
            rows = try await applyDelta(rows, file: file)
            guard !rows.isEmpty else { return }
        }
        written += rows.count
        if writes.count >= 3 { try await writes.removeFirst().value }
        let previous = writes.last
        let sql = self.sql, tenantID = self.tenantID
        writes.append(Task {
            // Build the statement while the previous batch is being written, then write in order.
            let statement = RosterWriter.upsert(rows, into: RosterTable.for(file), tenantID: tenantID, kind: sql.kind)
            try await previous?.value
            try await sql.run(statement.sql, statement.binds)
        })
    }

    private func finishWrites() async throws {
        while !writes.isEmpty { try await writes.removeFirst().value }
    }

    /// Delta: status and dateLastModified come with each row.
    private func applyDelta(_ rows: [Row], file: RosterFile) async throws -> [Row] {
        let state = try await loadState(file, ids: rows.map(\.record.sourcedId))
        var changes: [Row] = []
        for var row in rows {
            let deleting = row.status == "tobedeleted"
            let hash = row.record.contentHash
            if let previous = state[row.record.sourcedId] {
                if let sourceModified = previous.sourceModified, row.modified < sourceModified {
                    counts[file]!.stale += 1
                    continue
                }
                if previous.hash == hash, previous.active == !deleting {
                    counts[file]!.unchanged += 1
                    continue
                }
                if deleting {
                    if previous.active { counts[file]!.deactivated += 1 } else { counts[file]!.unchanged += 1 }
                } else {
                    counts[file]!.updated += 1
                }
            } else if deleting {
                counts[file]!.unchanged += 1  // deleting what was never here
                continue
            } else {
                counts[file]!.created += 1
            }
            row.source = row.modified
            row.hash = hash
            changes.append(row)
        }
        return changes
    }

    /// The stored state of a file, whole (bulk) or for some ids (delta).
    private func loadState(_ file: RosterFile, ids: [String]? = nil) async throws -> [String: Stored] {
        let table = BulkSQL.quote(RosterTable.for(file).name)
        let columns = ["sourced_id", "status", "source_date_last_modified", "content_hash"]
        let select = "SELECT " + columns.map(BulkSQL.quote).joined(separator: ", ") + " FROM \(table) WHERE \"tenant_id\" = ?"
        let state = LockedBox([String: Stored]())
        let collect: @Sendable ([String?]) -> Void = { row in
            state.mutate { $0[row[0] ?? ""] = Stored(hash: row[3] ?? "", active: row[1] == "active", sourceModified: row[2]) }
        }
        if let ids {
            for start in stride(from: 0, to: ids.count, by: 1000) {
                let chunk = ids[start..<min(start + 1000, ids.count)]
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                try await sql.forEach(select + " AND \"sourced_id\" IN (\(marks))", [.uuid(tenantID)] + chunk.map { .text($0) }, columns: columns, collect)
            }
        } else {
            try await sql.forEach(select, [.uuid(tenantID)], columns: columns, collect)
        }
        return state.current
    }

    /// Bulk: every active record the file left out becomes `tobedeleted` ("absence means delete").
    private func deactivateAbsent(_ file: RosterFile) async throws {
        let absent = stored.filter { $0.value.active && !seen.contains($0.key) }.map(\.key).sorted()
        counts[file]!.deactivated += absent.count
        if file == .users {
            let active = stored.values.filter(\.active).count
            let percent = active == 0 ? 0 : Double(absent.count) * 100 / Double(active)
            if percent > options.shrinkLimitPercent, !options.allowShrink {
                shrinkRefusal = String(
                    format: "the bulk users file would deactivate %d of %d active users (%.1f%%, limit %.1f%%); nothing was imported. Re-run with --allow-shrink if this is intended. / 在籍中の利用者 %d 人のうち %d 人(%.1f%%)が削除扱いになるため取り込みを止めました(上限 %.1f%%)。意図どおりなら --allow-shrink を付けて再実行してください。",
                    absent.count, active, percent, options.shrinkLimitPercent, active, absent.count, percent, options.shrinkLimitPercent)
                return
            }
        }
        let table = BulkSQL.quote(RosterTable.for(file).name)
        for start in stride(from: 0, to: absent.count, by: 1000) {
            let chunk = absent[start..<min(start + 1000, absent.count)]
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            try await sql.run(
                "UPDATE \(table) SET \"status\" = 'tobedeleted', \"date_last_modified\" = ? WHERE \"tenant_id\" = ? AND \"sourced_id\" IN (\(marks))",
                [.text(now), .uuid(tenantID)] + chunk.map { .text($0) })
        }
    }

    private func districtName() async throws -> String? {
        let rows = try await sql.run(
            "SELECT \"name\" FROM \"roster_orgs\" WHERE \"tenant_id\" = ? AND \"type\" = 'district' AND \"status\" = 'active' ORDER BY \"sourced_id\" LIMIT 1",
            [.uuid(tenantID)], columns: ["name"])
        return rows.first?.first ?? nil
    }
}
