import Fluent
import Foundation
import OneRoster
import Vapor

/// `serve --demo`: when the database holds no tenant yet, imports a small demo city (tenant
/// `demo`: 2 elementary and 1 junior high school, about 600 students) through the ordinary
/// import path.
public enum DemoSeeder {
    public static let tenantCode = "demo"

    /// Returns the import summary, or nil when the database already had a tenant.
    public static func seedIfEmpty(_ app: Application) async throws -> RosterImportSummary? {
        guard try await Tenant.query(on: app.db).count() == 0 else { return nil }
        let builder = DemoCity.generate(.init(schools: 3, studentsPerSchool: 200, seed: 2026))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-demo-\(UUID().uuidString)")
        try builder.writeFolder(to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = RosterImporter.Options()
        options.actor = "serve --demo"
        return try await RosterImporter(database: app.db, logger: app.logger)
            .importPackage(try RosterPackage(url: folder), tenantCode: tenantCode, options: options)
    }
}
