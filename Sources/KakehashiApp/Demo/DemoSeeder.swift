import Fluent
import Foundation
import OneRoster
import Vapor

/// `serve --demo`: when the database holds no tenant yet, imports a small demo city (tenant
/// `demo`: 2 elementary and 1 junior high school, about 600 students, their teachers and
/// principals, and one board administrator) through the ordinary import path.
public enum DemoSeeder {
    public static let tenantCode = "demo"

    /// Demo passwords, set for the first demo student, the first teacher and the board
    /// administrator (shown on the sign-in page of a `serve --demo` server, never in production).
    public static let studentPassword = "gakushu-2026"
    public static let teacherPassword = "kyoshitsu-2026"
    public static let adminPassword = "kyouiku-2026"

    /// The demo accounts with a password, for the sign-in page and the log.
    public struct Credentials: Sendable {
        public var student: String
        public var teacher: String
        public var admin: String
        /// Staff with a second factor enrolled by the seeder, whose current code a demo server shows.
        var staffSourcedIds: Set<String>
    }

    /// The demo's sign-in names, when the demo tenant exists.
    public static func credentials(_ database: any Database) async throws -> Credentials? {
        guard try await Tenant.query(on: database).filter(\.$code == tenantCode).first() != nil else { return nil }
        let accounts = Accounts(database: database)
        guard let student = try await accounts.list(tenantCode: tenantCode, role: "student").first,
            let teacher = try await accounts.list(tenantCode: tenantCode, role: "teacher").first,
            let admin = try await accounts.list(tenantCode: tenantCode, role: "districtAdministrator").first
        else { return nil }
        return Credentials(student: student.username, teacher: teacher.username, admin: admin.username, staffSourcedIds: [teacher.sourcedId, admin.sourcedId])
    }

    /// Returns the import summary, or nil when the database already had a tenant.
    public static func seedIfEmpty(_ app: Application) async throws -> RosterImportSummary? {
        guard try await Tenant.query(on: app.db).count() == 0 else { return nil }
        let builder = DemoCity.generate(.init(schools: 3, studentsPerSchool: 200, seed: 2026))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-demo-\(UUID().uuidString)")
        try builder.writeFolder(to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = RosterImporter.Options()
        options.actor = "serve --demo"
        let summary = try await RosterImporter(database: app.db, logger: app.logger)
            .importPackage(try RosterPackage(url: folder), tenantCode: tenantCode, options: options)
        guard let credentials = try await credentials(app.db),
            let tenantID = try await Tenant.query(on: app.db).filter(\.$code == tenantCode).first()?.id
        else { return summary }
        let accounts = Accounts(database: app.db)
        try await accounts.setPassword(tenantCode: tenantCode, username: credentials.student, password: studentPassword, actor: "serve --demo")
        try await accounts.setPassword(tenantCode: tenantCode, username: credentials.teacher, password: teacherPassword, actor: "serve --demo")
        try await accounts.setPassword(tenantCode: tenantCode, username: credentials.admin, password: adminPassword, actor: "serve --demo")
        // Staff need a second factor; the demo staff have one already, and a demo server shows its
        // current code on the code page.
        let factors = SecondFactors(database: app.db, box: app.secretBox)
        for sourcedId in credentials.staffSourcedIds {
            var generator = SystemRandomNumberGenerator()
            try await factors.enrollDirectly(
                owner: SecondFactors.owner(tenantID: tenantID, sourcedId: sourcedId), tenantID: tenantID,
                secret: (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        return summary
    }
}
