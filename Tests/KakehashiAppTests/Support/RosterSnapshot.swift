import Fluent
import Foundation
import OneRoster
import Vapor

@testable import KakehashiApp

/// Everything a tenant's roster holds, as comparable text: table → sorted rows (every column
/// except the surrogate id). Two equal snapshots mean the roster did not change.
func rosterSnapshot(_ app: Application, tenant: String) async throws -> [String: [String]] {
    guard let tenantModel = try await Tenant.query(on: app.db).filter(\.$code == tenant).first() else { return [:] }
    let sql = BulkSQL(app.db)
    var snapshot: [String: [String]] = [:]
    for table in RosterTable.all {
        let columns = table.columns.map(\.database) + ["extensions", "content_hash"]
        let rows = try await sql.run(
            "SELECT " + columns.map(BulkSQL.quote).joined(separator: ", ") + " FROM \(BulkSQL.quote(table.name)) WHERE \"tenant_id\" = ?",
            [.uuid(try tenantModel.requireID())], columns: columns)
        snapshot[table.name] = rows.map { $0.map { $0 ?? "∅" }.joined(separator: "|") }.sorted()
    }
    return snapshot
}

/// The status of one record.
func status(_ app: Application, tenant: String, file: RosterFile, sourcedId: String) async throws -> String? {
    let sql = BulkSQL(app.db)
    let rows = try await sql.run(
        "SELECT r.\"status\" AS status FROM \(BulkSQL.quote(RosterTable.for(file).name)) r JOIN \"tenants\" t ON t.\"id\" = r.\"tenant_id\" WHERE t.\"code\" = ? AND r.\"sourced_id\" = ?",
        [.text(tenant), .text(sourcedId)], columns: ["status"])
    return rows.first?.first ?? nil
}

/// Reads and rewrites one CSV file of a package folder.
struct PackageEditor {
    let folder: URL

    func rows(_ file: String) throws -> [[String]] {
        var reader = CSVReader(data: try Data(contentsOf: folder.appendingPathComponent(file)))
        var rows: [[String]] = []
        while let next = reader.next() {
            if case .success(let row) = next, !CSVReader.isBlank(row) { rows.append(row.fields) }
        }
        return rows
    }

    func write(_ file: String, _ rows: [[String]]) throws {
        var writer = CSVWriter()
        for row in rows { writer.append(row: row) }
        try writer.data.write(to: folder.appendingPathComponent(file))
    }

    /// Changes rows of `file`: `body` gets the header and each data row.
    func edit(_ file: String, _ body: (_ header: [String], _ rows: inout [[String]]) -> Void) throws {
        var all = try rows(file)
        let header = all.removeFirst()
        body(header, &all)
        try write(file, [header] + all)
    }

    /// A copy of the package without one user and their enrollment, role and demographics rows.
    func without(user sourcedId: String) throws -> PackageEditor {
        let copy = try copy()
        try copy.edit("users.csv") { _, rows in rows.removeAll { $0[0] == sourcedId } }
        for file in ["enrollments.csv", "roles.csv"] {
            try copy.edit(file) { header, rows in rows.removeAll { $0[header.index(of: "userSourcedId")] == sourcedId } }
        }
        try copy.edit("demographics.csv") { _, rows in rows.removeAll { $0[0] == sourcedId } }
        return copy
    }

    /// Copies the package to a new folder.
    func copy() throws -> PackageEditor {
        let target = try temporaryFolder()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            try FileManager.default.copyItem(at: folder.appendingPathComponent(name), to: target.appendingPathComponent(name))
        }
        return PackageEditor(folder: target)
    }
}

extension Array where Element == String {
    func index(of column: String) -> Int { firstIndex(of: column)! }
}
