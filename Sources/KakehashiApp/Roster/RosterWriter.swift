import Foundation
import OneRoster

/// Writes roster rows: multi-row upserts keyed by (tenant, sourcedId).
enum RosterWriter {
    /// A ready-to-run multi-row upsert of `rows` into `table`.
    ///
    /// Columns that are blank in every row of the batch are left out of the VALUES list (and set
    /// to NULL on conflict): a roster leaves most optional columns empty, and every bind costs.
    static func upsert(_ rows: [ImportSession.Row], into table: RosterTable, tenantID: UUID, kind: SQLDialectKind) -> (sql: String, binds: [BulkSQL.Value]) {
        let dataColumns = table.dataColumns.map(\.database)
        let firstData = 3  // values[0...2] are sourcedId, status, dateLastModified
        var used = [Bool](repeating: false, count: dataColumns.count)
        var usesSource = false, usesExtensions = false
        for row in rows {
            let values = row.record.values
            for index in used.indices where !used[index] && !values[index + firstData].isEmpty { used[index] = true }
            usesSource = usesSource || row.source != nil
            usesExtensions = usesExtensions || !row.record.extensions.isEmpty
        }
        var columns = ["id", "tenant_id", "sourced_id", "status", "date_last_modified"]
        var cleared: [String] = []
        if usesSource { columns.append("source_date_last_modified") } else { cleared.append("source_date_last_modified") }
        for (index, name) in dataColumns.enumerated() {
            if used[index] { columns.append(name) } else { cleared.append(name) }
        }
        if usesExtensions { columns.append("extensions") } else { cleared.append("extensions") }
        columns.append("content_hash")

        // SQLite keeps UUIDs as text: format each once, not once per bind.
        let tenant: BulkSQL.Value = kind == .sqlite ? .text(tenantID.fastUUIDString) : .uuid(tenantID)
        var ids = UUIDVersion7Generator()
        let now = Date()
        var binds: [BulkSQL.Value] = []
        binds.reserveCapacity(rows.count * columns.count)
        for row in rows {
            let id = ids.next(at: now)
            binds.append(kind == .sqlite ? .text(id.fastUUIDString) : .uuid(id))
            binds.append(tenant)
            binds.append(.text(row.record.sourcedId))
            binds.append(.text(row.status))
            binds.append(.text(row.modified))
            if usesSource { binds.append(row.source.map { .text($0) } ?? .null) }
            let values = row.record.values
            for index in used.indices where used[index] {
                let value = values[index + firstData]
                binds.append(value.isEmpty ? .null : .text(value))
            }
            if usesExtensions { binds.append(row.record.extensions.isEmpty ? .null : .text(json(row.record.extensions))) }
            binds.append(.text(row.hash ?? row.record.contentHash))
        }
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        let updates = (columns.dropFirst(3).map { "\(BulkSQL.quote($0)) = excluded.\(BulkSQL.quote($0))" }
            + cleared.map { "\(BulkSQL.quote($0)) = NULL" }).joined(separator: ", ")
        let statement = "INSERT INTO \(BulkSQL.quote(table.name)) (\(columns.map(BulkSQL.quote).joined(separator: ", "))) VALUES "
            + Array(repeating: placeholders, count: rows.count).joined(separator: ",")
            + " ON CONFLICT (\"tenant_id\", \"sourced_id\") DO UPDATE SET \(updates)"
        return (statement, binds)
    }

    static func json(_ extensions: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(extensions)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
