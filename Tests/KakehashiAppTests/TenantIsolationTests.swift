import Foundation
import OneRoster
import Testing

@testable import KakehashiApp

/// Two boards may use the same sourcedIds; what one imports never touches the other.
@Suite struct TenantIsolationTests {
    @Test(arguments: TestDatabase.available)
    func twoTenantsWithTheSameSourcedIdsStaySeparate(database: TestDatabase) async throws {
        let package = try demoPackage()
        let smaller = try PackageEditor(folder: package).copy()
        var removed = ""
        try smaller.edit("users.csv") { header, rows in
            let grades = header.index(of: "grades")
            let index = rows.firstIndex { !$0[grades].isEmpty }!
            removed = rows.remove(at: index)[0]
        }
        for file in ["enrollments.csv", "roles.csv"] {
            try smaller.edit(file) { header, rows in rows.removeAll { $0[header.index(of: "userSourcedId")] == removed } }
        }
        try smaller.edit("demographics.csv") { _, rows in rows.removeAll { $0[0] == removed } }

        try await withApp(database) { app, _ in
            let a = uniqueTenant("city-a"), b = uniqueTenant("city-b")
            _ = try await importPackage(package, tenant: a, app: app)
            let second = try await importPackage(package, tenant: b, app: app)
            // The same ids are new to the second tenant, not "unchanged".
            #expect(second.counts["users"]?.unchanged == 0)
            let beforeA = try await rosterSnapshot(app, tenant: a)
            let summary = try await importPackage(smaller.folder, tenant: b, app: app)
            #expect(summary.counts["users"]?.deactivated == 1)
            #expect(try await status(app, tenant: b, file: .users, sourcedId: removed) == "tobedeleted")
            #expect(try await status(app, tenant: a, file: .users, sourcedId: removed) == "active")
            #expect(try await rosterSnapshot(app, tenant: a) == beforeA)
            let (exported, _) = try await RosterExporter(database: app.db).export(tenantCode: a)
            let users = exported.entries().first { $0.name == "users.csv" }!
            #expect(String(decoding: users.bytes, as: UTF8.self).contains(removed))
        }
    }

    @Test func aTenantCodeMustBeASlug() async throws {
        let package = try demoPackage(schools: 1, students: 30)
        try await withApp(.sqlite) { app, _ in
            for bad in ["Yokohama", "a", "横浜", "city a", "-city"] {
                await #expect(throws: (any Error).self, "\(bad)") { _ = try await importPackage(package, tenant: bad, app: app) }
            }
        }
    }
}
