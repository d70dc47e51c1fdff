import Fluent
import Foundation
import OneRoster
import Testing

@testable import KakehashiApp

/// All or nothing: an invalid package changes nothing, even when its problem is in the last file.
@Suite struct AtomicityTests {
    @Test(arguments: TestDatabase.available)
    func anErrorInTheLastFileLeavesThePreviousRoster(database: TestDatabase) async throws {
        let base = try demoPackage()
        let editor = try PackageEditor(folder: base).copy()
        // Change many users (they would be written first) and break one demographics row.
        try editor.edit("users.csv") { header, rows in
            let email = header.index(of: "email")
            for index in rows.indices { rows[index][email] = "changed\(index)@kakehashi.example" }
        }
        try editor.edit("demographics.csv") { header, rows in
            rows[rows.count - 1][header.index(of: "birthDate")] = "2019-02-30"
        }
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("atomic")
            _ = try await importPackage(base, tenant: tenant, app: app)
            let before = try await rosterSnapshot(app, tenant: tenant)
            let error = await #expect(throws: RosterImportRejected.self) {
                _ = try await importPackage(editor.folder, tenant: tenant, app: app)
            }
            let report = try #require(error?.summary.validation)
            #expect(error?.summary.result == .rejectedInvalid)
            let problem = try #require(report.diagnostics.first { $0.rule == "field.date" })
            #expect(problem.file == "demographics.csv")
            #expect(problem.column == "birthDate")
            #expect(problem.line == (try PackageEditor(folder: editor.folder).rows("demographics.csv").count))
            #expect(try await rosterSnapshot(app, tenant: tenant) == before)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anInvalidFirstImportCreatesNoTenant(database: TestDatabase) async throws {
        let editor = try PackageEditor(folder: try demoPackage()).copy()
        try editor.edit("enrollments.csv") { header, rows in
            rows[0][header.index(of: "userSourcedId")] = "no-such-user"
        }
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("none")
            let error = await #expect(throws: RosterImportRejected.self) {
                _ = try await importPackage(editor.folder, tenant: tenant, app: app)
            }
            let missing = try #require(error?.summary.validation?.diagnostics.first { $0.rule == "reference.missing" })
            #expect(missing.file == "enrollments.csv" && missing.line == 2 && missing.column == "userSourcedId")
            #expect(try await Tenant.query(on: app.db).filter(\.$code == tenant).count() == 0)
            // The refusal is in the history, with the package hash.
            let history = try #require(try await RosterImportRecord.query(on: app.db).filter(\.$tenantCode == tenant).first())
            #expect(history.result == "rejected-invalid")
            #expect(history.packageSHA256.count == 64)
            #expect(history.errorCount >= 1)
        }
    }
}
