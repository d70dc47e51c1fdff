import Fluent
import Foundation
import OneRoster
import Testing

@testable import KakehashiApp

/// Bulk semantics (CSV binding §2): a bulk file is the whole entity; absence means delete.
@Suite struct BulkImportTests {
    @Test(arguments: TestDatabase.available)
    func firstImportCreatesEveryRecord(database: TestDatabase) async throws {
        let package = try demoPackage(schools: 2, students: 60)
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("bulk")
            let summary = try await importPackage(package, tenant: tenant, app: app)
            #expect(summary.result == .applied)
            let users = try #require(summary.counts["users"])
            // 120 students plus their teachers and principals.
            #expect(users.created > 120)
            #expect(users.updated == 0 && users.deactivated == 0 && users.unchanged == 0)
            #expect(summary.counts["demographics"]?.created == 120)
            let snapshot = try await rosterSnapshot(app, tenant: tenant)
            #expect(snapshot["roster_users"]?.count == users.created)
            #expect(snapshot["roster_enrollments"]?.count == summary.counts["enrollments"]?.created)
            // The tenant takes the district's name.
            let stored = try #require(try await Tenant.query(on: app.db).filter(\.$code == tenant).first())
            #expect(stored.name.hasSuffix("教育委員会"))
        }
    }

    @Test(arguments: TestDatabase.available)
    func importingTheSamePackageTwiceChangesNothing(database: TestDatabase) async throws {
        let package = try demoPackage()
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("twice")
            _ = try await importPackage(package, tenant: tenant, app: app)
            let before = try await rosterSnapshot(app, tenant: tenant)
            let second = try await importPackage(package, tenant: tenant, app: app)
            #expect(second.result == .unchanged)
            #expect(second.counts.values.allSatisfy { $0.changed == 0 && $0.unchanged > 0 })
            #expect(try await rosterSnapshot(app, tenant: tenant) == before)
        }
    }

    @Test(arguments: TestDatabase.available)
    func absentRecordsBecomeToBeDeletedAndChangedOnesUpdate(database: TestDatabase) async throws {
        let base = try demoPackage()
        let editor = try PackageEditor(folder: base).copy()
        var removedUser = "", changedUser = ""
        try editor.edit("users.csv") { header, rows in
            let role = header.index(of: "grades")
            // Remove one student (and their enrollment, role and demographics rows below).
            let studentIndex = rows.firstIndex { !$0[role].isEmpty }!
            removedUser = rows[studentIndex][0]
            rows.remove(at: studentIndex)
            let family = header.index(of: "familyName")
            changedUser = rows[studentIndex][0]
            rows[studentIndex][family] = "改姓"
        }
        for file in ["enrollments.csv", "roles.csv"] {
            try editor.edit(file) { header, rows in
                let user = header.index(of: "userSourcedId")
                rows.removeAll { $0[user] == removedUser }
            }
        }
        try editor.edit("demographics.csv") { _, rows in rows.removeAll { $0[0] == removedUser } }

        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("absent")
            _ = try await importPackage(base, tenant: tenant, app: app)
            let summary = try await importPackage(editor.folder, tenant: tenant, app: app)
            #expect(summary.result == .applied)
            #expect(summary.counts["users"]?.deactivated == 1)
            #expect(summary.counts["users"]?.updated == 1)
            #expect(summary.counts["enrollments"]?.deactivated == 1)
            #expect(summary.counts["demographics"]?.deactivated == 1)
            #expect(try await status(app, tenant: tenant, file: .users, sourcedId: removedUser) == "tobedeleted")
            #expect(try await status(app, tenant: tenant, file: .users, sourcedId: changedUser) == "active")

            // Re-importing the original package brings the record back (archive, not drop).
            let restored = try await importPackage(base, tenant: tenant, app: app)
            #expect(restored.counts["users"]?.updated == 2)
            #expect(try await status(app, tenant: tenant, file: .users, sourcedId: removedUser) == "active")
        }
    }
}
