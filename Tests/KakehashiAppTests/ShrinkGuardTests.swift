import Fluent
import Foundation
import OneRoster
import Testing

@testable import KakehashiApp

/// The shrink guard: a bulk import that would deactivate more than the limit of active users is
/// refused unless explicitly allowed (an empty export from an SIS once deleted whole districts).
@Suite struct ShrinkGuardTests {
    /// The demo package with the students for which `remove(index)` holds (and their rows in
    /// other files) left out.
    func shrunk(_ base: URL, removing remove: (Int) -> Bool) throws -> (URL, Int) {
        let editor = try PackageEditor(folder: base).copy()
        var removed: Set<String> = []
        try editor.edit("users.csv") { header, rows in
            let grades = header.index(of: "grades")
            var index = 0
            rows.removeAll { row in
                guard !row[grades].isEmpty else { return false }
                index += 1
                guard remove(index) else { return false }
                removed.insert(row[0])
                return true
            }
        }
        for file in ["enrollments.csv", "roles.csv"] {
            try editor.edit(file) { header, rows in rows.removeAll { removed.contains($0[header.index(of: "userSourcedId")]) } }
        }
        try editor.edit("demographics.csv") { _, rows in rows.removeAll { removed.contains($0[0]) } }
        return (editor.folder, removed.count)
    }

    @Test(arguments: TestDatabase.available)
    func aLargeShrinkIsRefusedAndChangesNothing(database: TestDatabase) async throws {
        let base = try demoPackage()
        let (smaller, removed) = try shrunk(base, removing: { $0 % 2 == 0 })
        #expect(removed > 20)
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("shrink")
            _ = try await importPackage(base, tenant: tenant, app: app)
            let before = try await rosterSnapshot(app, tenant: tenant)
            let error = await #expect(throws: RosterImportRejected.self) {
                _ = try await importPackage(smaller, tenant: tenant, app: app)
            }
            #expect(error?.summary.result == .rejectedShrink)
            #expect(error?.summary.message.contains("--allow-shrink") == true)
            #expect(try await rosterSnapshot(app, tenant: tenant) == before)
            let history = try await RosterImportRecord.query(on: app.db).filter(\.$tenantCode == tenant).all()
            #expect(history.map(\.result).sorted() == ["applied", "rejected-shrink"])

            let allowed = try await importPackage(smaller, tenant: tenant, app: app) { $0.allowShrink = true }
            #expect(allowed.counts["users"]?.deactivated == removed)
        }
    }

    @Test(arguments: TestDatabase.available)
    func theLimitIsConfigurable(database: TestDatabase) async throws {
        let base = try demoPackage()
        let (smaller, _) = try shrunk(base, removing: { $0 % 2 == 0 })  // about 45% of users
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("limit")
            _ = try await importPackage(base, tenant: tenant, app: app)
            let summary = try await importPackage(smaller, tenant: tenant, app: app) { $0.shrinkLimitPercent = 60 }
            #expect(summary.result == .applied)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aShrinkWithinTheLimitIsApplied(database: TestDatabase) async throws {
        let base = try demoPackage()
        let (fewer, removed) = try shrunk(base, removing: { $0 <= 3 })
        #expect(removed == 3)
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("small")
            _ = try await importPackage(base, tenant: tenant, app: app)
            let summary = try await importPackage(fewer, tenant: tenant, app: app)
            #expect(summary.result == .applied)
            #expect(summary.counts["users"]?.deactivated == 3)
        }
    }
}
