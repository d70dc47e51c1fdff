import Fluent
import Foundation
import OneRoster
import Vapor

/// The state of one import inside its transaction: what the tenant's roster held before, what
/// the package has changed so far, and the rows waiting to be written.
final class ImportSession {
    struct Stored {
        var hash: String
        var active: Bool
        /// The dateLastModified a delta gave this record; nil when a bulk file wrote it last (a
        /// bulk row carries no date, and the import's own time says nothing about the source's).
        var sourceModified: String?
    }

    private let sql: BulkSQL
    private let tenant: Tenant
    private let tenantID: UUID
    private let options: RosterImporter.Options
    private let logger: Logger
    private var stored: [RosterFile: [String: Stored]] = [:]
    private var orgTypes: [String: String] = [:]
    private var counts: [RosterFile: RosterImportSummary.Counts] = [:]
    private var pending: [(record: RosterRecord, status: String, modified: String, source: String?, hash: String)] = []
    private var pendingBinds = 0
    private var seen: Set<String> = []
    private var written = 0
    /// Set when a bulk users file would deactivate more than the limit.
    private var shrinkRefusal: String?
    /// dateLastModified given to rows a bulk file creates or changes: the import's time.
    private let now: String

    init(database: any Database, tenant: Tenant, options: RosterImporter.Options, logger: Logger) async throws {
        self.sql = BulkSQL(database)
        self.tenant = tenant
        self.tenantID = try tenant.requireID()
        self.options = options
        self.logger = logger
        self.now = RosterDate.timestamp(Date())
        for table in RosterTable.all {
            let rows = try await sql.run(
                "SELECT \"sourced_id\", \"status\", \"source_date_last_modified\", \"content_hash\" FROM \(BulkSQL.quote(table.name)) WHERE \"tenant_id\" = ?",
                [.uuid(tenantID)], columns: ["sourced_id", "status", "source_date_last_modified", "content_hash"])
            var map: [String: Stored] = [:]
            map.reserveCapacity(rows.count)
            for row in rows {
                map[row[0] ?? ""] = Stored(hash: row[3] ?? "", active: row[1] == "active", sourceModified: row[2])
            }
            stored[table.file] = map
        }
        let orgs = try await sql.run(
            "SELECT \"sourced_id\", \"type\" FROM \"roster_orgs\" WHERE \"tenant_id\" = ? AND \"status\" = 'active'",
            [.uuid(tenantID)], columns: ["sourced_id", "type"])
        for row in orgs { orgTypes[row[0] ?? ""] = row[1] ?? "" }
    }

    func run(package: RosterPackage) async throws -> RosterImportSummary {
        var existingIds: [RosterFile: Set<String>] = [:]
        for (file, map) in stored {
            existingIds[file] = Set(map.lazy.filter { $0.value.active }.map(\.key))
        }
        let validationOptions = ValidationOptions(existingIds: existingIds, existingOrgTypes: orgTypes)
        let report = try await RosterValidator.validate(package, options: validationOptions) { event in
            try await self.handle(event)
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
        if let district = try await districtName() {
            tenant.name = district
            try await tenant.update(on: sql.database)
        }
        return summary
    }

    // MARK: - Events

    private func handle(_ event: RosterEvent) async throws {
        switch event {
        case .fileStarted(let file, _):
            seen = []
            written = 0
            counts[file] = RosterImportSummary.Counts()
            options.progress?("\(file.fileName): reading and applying")
        case .record(let record):
            try await apply(record)
        case .fileFinished(let file, let mode):
            try await flush(file)
            if mode == .bulk { try await deactivateAbsent(file) }
            options.progress?("\(file.fileName): \(written) rows written")
        }
    }

    private func apply(_ record: RosterRecord) async throws {
        let file = record.file
        let id = record.sourcedId
        let hash = RosterDate.fingerprintHash(record.contentFingerprint)
        let previous = stored[file]?[id]
        if record.status.isEmpty {
            // Bulk: the row is the record as it is now.
            seen.insert(id)
            if let previous {
                if previous.hash == hash, previous.active {
                    counts[file]!.unchanged += 1
                    return
                }
                counts[file]!.updated += 1
            } else {
                counts[file]!.created += 1
            }
            try await enqueue(record, status: "active", modified: now, source: nil, hash: hash)
        } else {
            // Delta: status and dateLastModified come with the row.
            let modified = RosterDate.normalized(record.dateLastModified)
            let deleting = record.status == "tobedeleted"
            if let previous {
                if let sourceModified = previous.sourceModified, modified < sourceModified {
                    counts[file]!.stale += 1
                    return
                }
                if previous.hash == hash, previous.active == !deleting {
                    counts[file]!.unchanged += 1
                    return
                }
                if deleting {
                    if previous.active { counts[file]!.deactivated += 1 } else { counts[file]!.unchanged += 1 }
                } else {
                    counts[file]!.updated += 1
                }
            } else if deleting {
                counts[file]!.unchanged += 1  // deleting what was never here
                return
            } else {
                counts[file]!.created += 1
            }
            try await enqueue(record, status: record.status, modified: modified, source: modified, hash: hash)
        }
    }

    private func enqueue(_ record: RosterRecord, status: String, modified: String, source: String?, hash: String) async throws {
        pending.append((record, status, modified, source, hash))
        pendingBinds += record.values.count + 4
        if pendingBinds + record.values.count + 4 > BulkSQL.maxBinds { try await flush(record.file) }
    }

    /// Writes the waiting rows with one multi-row upsert.
    private func flush(_ file: RosterFile) async throws {
        guard !pending.isEmpty else { return }
        let table = RosterTable.for(file)
        let dataColumns = table.dataColumns.map(\.database)
        let allColumns = ["id", "tenant_id", "sourced_id", "status", "date_last_modified", "source_date_last_modified"] + dataColumns + ["extensions", "content_hash"]
        let placeholders = "(" + Array(repeating: "?", count: allColumns.count).joined(separator: ",") + ")"
        var binds: [BulkSQL.Value] = []
        binds.reserveCapacity(pending.count * allColumns.count)
        for row in pending {
            binds.append(.uuid(.version7()))
            binds.append(.uuid(tenantID))
            binds.append(.text(row.record.sourcedId))
            binds.append(.text(row.status))
            binds.append(.text(row.modified))
            binds.append(row.source.map { .text($0) } ?? .null)
            for value in row.record.values.dropFirst(3) {
                binds.append(value.isEmpty ? .null : .text(value))
            }
            binds.append(row.record.extensions.isEmpty ? .null : .text(Self.json(row.record.extensions)))
            binds.append(.text(row.hash))
        }
        let updates = allColumns.dropFirst(3).map { "\(BulkSQL.quote($0)) = excluded.\(BulkSQL.quote($0))" }.joined(separator: ", ")
        let statement = "INSERT INTO \(BulkSQL.quote(table.name)) (\(allColumns.map(BulkSQL.quote).joined(separator: ", "))) VALUES "
            + Array(repeating: placeholders, count: pending.count).joined(separator: ",")
            + " ON CONFLICT (\"tenant_id\", \"sourced_id\") DO UPDATE SET \(updates)"
        try await sql.run(statement, binds)
        written += pending.count
        pending.removeAll(keepingCapacity: true)
        pendingBinds = 0
    }

    /// Bulk: every active record the file left out becomes `tobedeleted` ("absence means delete").
    private func deactivateAbsent(_ file: RosterFile) async throws {
        let absent = (stored[file] ?? [:]).filter { $0.value.active && !seen.contains($0.key) }.map(\.key).sorted()
        counts[file]!.deactivated += absent.count
        if file == .users {
            let active = (stored[file] ?? [:]).values.filter(\.active).count
            let percent = active == 0 ? 0 : Double(absent.count) * 100 / Double(active)
            if percent > options.shrinkLimitPercent, !options.allowShrink {
                shrinkRefusal = String(
                    format: "the bulk users file would deactivate %d of %d active users (%.1f%%, limit %.1f%%); nothing was imported. Re-run with --allow-shrink if this is intended. / 在籍中の利用者 %d 人のうち %d 人(%.1f%%)が削除扱いになるため取り込みを止めました(上限 %.1f%%)。意図どおりなら --allow-shrink を付けて再実行してください。",
                    absent.count, active, percent, options.shrinkLimitPercent, active, absent.count, percent, options.shrinkLimitPercent)
                return
            }
        }
        let table = BulkSQL.quote(RosterTable.for(file).name)
        for chunk in stride(from: 0, to: absent.count, by: 1000).map({ absent[$0..<min($0 + 1000, absent.count)] }) {
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

    static func json(_ extensions: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(extensions)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
