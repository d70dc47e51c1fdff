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
            let columns = table.columns.map(\.database) + ["extensions"]
            let select = "SELECT " + columns.map(BulkSQL.quote).joined(separator: ", ") + " FROM \(BulkSQL.quote(table.name))"
                + " WHERE \"tenant_id\" = ? AND \"status\" = 'active' AND \"sourced_id\" > ? ORDER BY \"sourced_id\" LIMIT 5000"
            var records: [RosterRecord] = []
            var extensionNames: Set<String> = []
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
                    var extensions: [String: String] = [:]
                    if let json = row.last ?? nil, let decoded = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) {
                        extensions = decoded
                        extensionNames.formUnion(decoded.keys)
                    }
                    records.append(RosterRecord(file: table.file, values: values, extensions: extensions))
                }
            }
            var writer = builder.makeWriter(for: table.file, extensionNames: extensionNames.sorted())
            for record in records { writer.append(record) }
            builder.add(writer, mode: .bulk)
            summary.rows[table.file.rawValue] = records.count
        }
        return (builder, summary)
    }
}
