import Fluent
import Foundation

/// Reads the import history for admins.
public struct RosterHistory: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// One line per import, newest first.
    public func lines(tenantCode: String?, limit: Int) async throws -> [String] {
        var query = RosterImportRecord.query(on: database).sort(\.$startedAt, .descending).limit(limit)
        if let tenantCode { query = query.filter(\.$tenantCode == tenantCode) }
        let formatter = ISO8601DateFormatter()
        return try await query.all().map { record in
            "\(formatter.string(from: record.startedAt))  \(record.tenantCode)  \(record.result)  \(record.actor)  \(record.packageName)  sha256:\(record.packageSHA256.prefix(16))…  \(record.counts)"
        }
    }
}
