import Fluent
import Foundation
import OneRoster
import Vapor

/// Writes a tenant's current roster as a Japan Profile bulk package: the active records of every
/// rostering file, every standard column in the specification's order, UTF-8 without BOM.
public struct RosterExporter: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public struct Summary: Sendable {
        public var rows: [String: Int] = [:]
    }

    /// Builds the package; throws when the tenant does not exist.
    public func export(tenantCode: String, profile: Profile = .japanK12) async throws -> (PackageBuilder, Summary) {
        guard let tenant = try await Tenant.query(on: database).filter(\.$code == tenantCode).first() else {
            throw RosterError.unknownTenant(tenantCode)
        }
        let tenantID = try tenant.requireID()
        let sql = BulkSQL(database)
        var builder = PackageBuilder(profile: profile, sourceSystemName: "Kakehashi", sourceSystemCode: tenantCode)
        var summary = Summary()
        for table in RosterTable.all {
            let name = BulkSQL.quote(table.name)
            // First the names of the unknown extension columns (few rows have any), so the rows
            // can then be written as they are read.
            var extensionNames: Set<String> = []
            for row in try await sql.run(
                "SELECT DISTINCT \"extensions\" FROM \(name) WHERE \"tenant_id\" = ? AND \"status\" = 'active' AND \"extensions\" IS NOT NULL",
                [.uuid(tenantID)], columns: ["extensions"])
            {
                extensionNames.formUnion(Self.extensions(row[0] ?? nil).keys)
            }
            var writer = builder.makeWriter(for: table.file, extensionNames: extensionNames.sorted())
            let columns = table.columns.map(\.database) + ["extensions"]
            let select = "SELECT " + columns.map(BulkSQL.quote).joined(separator: ", ") + " FROM \(name)"
                + " WHERE \"tenant_id\" = ? AND \"status\" = 'active' AND \"sourced_id\" > ? ORDER BY \"sourced_id\" LIMIT 5000"
            var after = ""
            // Keyset pages keep memory flat however large the roster is.
            while true {
                let rows = try await sql.run(select, [.uuid(tenantID), .text(after)], columns: columns)
                guard let last = rows.last else { break }
                after = last[0] ?? ""
                for row in rows {
                    var values = row.dropLast().map { $0 ?? "" }
                    values[1] = ""  // a bulk file leaves status and dateLastModified blank
                    values[2] = ""
                    writer.append(RosterRecord(file: table.file, values: values, extensions: Self.extensions(row.last ?? nil)))
                }
            }
            summary.rows[table.file.rawValue] = writer.rowCount
            builder.add(writer, mode: .bulk)
        }
        return (builder, summary)
    }

    private static func extensions(_ json: String?) -> [String: String] {
        guard let json, let decoded = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else { return [:] }
        return decoded
    }
}
