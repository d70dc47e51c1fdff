import Foundation
import OneRoster
import Testing

@testable import KakehashiApp

/// Delta semantics (CSV binding §2): only the listed records change, with their status and
/// dateLastModified; a row older than the stored record is not applied.
@Suite struct DeltaImportTests {
    /// A delta package of users.csv only, built from rows of the base package.
    func delta(from base: URL, _ build: (_ header: [String], _ baseRows: [[String]]) -> [[String]]) throws -> URL {
        let source = PackageEditor(folder: base)
        let rows = try source.rows("users.csv")
        let header = rows[0]
        let folder = try temporaryFolder()
        let editor = PackageEditor(folder: folder)
        var manifest = [["propertyName", "value"], ["manifest.version", "1.0"], ["oneroster.version", "1.2_JP"]]
        for name in RosterFile.allSpecificationFiles { manifest.append(["file.\(name)", name == "users" ? "delta" : "absent"]) }
        try editor.write("manifest.csv", manifest)
        try editor.write("users.csv", [header] + build(header, Array(rows.dropFirst())))
        return folder
    }

    @Test(arguments: TestDatabase.available)
    func aDeltaChangesOnlyTheRecordsItLists(database: TestDatabase) async throws {
        let base = try demoPackage()
        var changed = "", removed = "", added = ""
        let package = try delta(from: base) { header, rows in
            let status = header.index(of: "status"), modified = header.index(of: "dateLastModified")
            var change = rows[5], remove = rows[6], add = rows[7]
            changed = change[0]
            removed = remove[0]
            change[header.index(of: "familyName")] = "変更"
            change[status] = "active"
            change[modified] = "2026-11-01T09:00:00.000Z"
            remove[status] = "tobedeleted"
            remove[modified] = "2026-11-01T09:00:00Z"
            add[0] = "new-user-0001"
            added = add[0]
            add[header.index(of: "username")] = "newuser0001"
            add[header.index(of: "userMasterIdentifier")] = "new-master-0001"
            add[status] = "active"
            add[modified] = "2026-11-01T09:00:00.5Z"
            return [change, remove, add]
        }
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("delta")
            let first = try await importPackage(base, tenant: tenant, app: app)
            let summary = try await importPackage(package, tenant: tenant, app: app)
            #expect(summary.result == .applied)
            let users = try #require(summary.counts["users"])
            #expect(users.created == 1 && users.updated == 1 && users.deactivated == 1 && users.unchanged == 0)
            #expect(summary.counts["enrollments"] == nil)  // absent files are untouched
            #expect(try await status(app, tenant: tenant, file: .users, sourcedId: removed) == "tobedeleted")
            #expect(try await status(app, tenant: tenant, file: .users, sourcedId: added) == "active")
            #expect(try await status(app, tenant: tenant, file: .users, sourcedId: changed) == "active")
            let snapshot = try await rosterSnapshot(app, tenant: tenant)
            #expect(snapshot["roster_users"]?.count == (first.counts["users"]?.created ?? 0) + 1)
            #expect(snapshot["roster_users"]?.contains { $0.contains("|変更|") } == true)

            // The same delta again: nothing changes.
            let again = try await importPackage(package, tenant: tenant, app: app)
            #expect(again.result == .unchanged)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anOlderDeltaRowIsNotApplied(database: TestDatabase) async throws {
        let base = try demoPackage()
        func change(_ name: String, at time: String) throws -> URL {
            try delta(from: base) { header, rows in
                var row = rows[3]
                row[header.index(of: "familyName")] = name
                row[header.index(of: "status")] = "active"
                row[header.index(of: "dateLastModified")] = time
                return [row]
            }
        }
        let newer = try change("新しい", at: "2026-11-02T00:00:00.000Z")
        let older = try change("古い", at: "2026-11-01T00:00:00.000Z")
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("stale")
            _ = try await importPackage(base, tenant: tenant, app: app)
            #expect(try await importPackage(newer, tenant: tenant, app: app).counts["users"]?.updated == 1)
            let stale = try await importPackage(older, tenant: tenant, app: app)
            #expect(stale.counts["users"]?.stale == 1)
            #expect(stale.result == .unchanged)
            let snapshot = try await rosterSnapshot(app, tenant: tenant)
            #expect(snapshot["roster_users"]?.contains { $0.contains("|新しい|") } == true)
            #expect(snapshot["roster_users"]?.contains { $0.contains("|古い|") } == false)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aDeltaMayReferToRecordsAlreadyInTheRoster(database: TestDatabase) async throws {
        let base = try demoPackage()
        // A new student whose home class and primary org exist only in the stored roster.
        let package = try delta(from: base) { header, rows in
            var add = rows.first { !$0[header.index(of: "metadata.jp.homeClass")].isEmpty }!
            add[0] = "transfer-student"
            add[header.index(of: "username")] = "transfer1"
            add[header.index(of: "userMasterIdentifier")] = "transfer-master"
            add[header.index(of: "status")] = "active"
            add[header.index(of: "dateLastModified")] = "2026-11-03T00:00:00.000Z"
            var broken = add
            broken[0] = "broken-student"
            broken[header.index(of: "username")] = "broken1"
            broken[header.index(of: "userMasterIdentifier")] = "broken-master"
            broken[header.index(of: "metadata.jp.homeClass")] = "no-such-class"
            return [add, broken]
        }
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("ref")
            _ = try await importPackage(base, tenant: tenant, app: app)
            let error = await #expect(throws: RosterImportRejected.self) {
                _ = try await importPackage(package, tenant: tenant, app: app)
            }
            let diagnostics = try #require(error?.summary.validation?.diagnostics)
            // Only the class that exists nowhere is an error.
            #expect(diagnostics.filter { $0.severity == .error }.map(\.line) == [3])
            #expect(diagnostics.first { $0.severity == .error }?.column == "metadata.jp.homeClass")
        }
    }
}
