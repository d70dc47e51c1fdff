import Fluent
import Foundation
import OneRoster
import Testing
import VaporTesting

@testable import KakehashiApp

/// Per-tenant sign-in choices: guardians are kept but sign in only where the board allows it,
/// and then see only their own children; a board may turn local passwords off.
@Suite struct TenantPolicyTests {
    /// A demo package plus one guardian of the first student (agentSourcedIds on both sides).
    func packageWithGuardian() throws -> (PackageEditor, child: String, guardian: String) {
        let editor = try PackageEditor(folder: try demoPackage(schools: 1, students: 30)).copy()
        let guardian = "guardian-0001"
        var child = ""
        try editor.edit("users.csv") { header, rows in
            let grades = header.index(of: "grades")
            let index = rows.firstIndex { !$0[grades].isEmpty }!
            child = rows[index][0]
            var row = rows[index]
            row[0] = guardian
            row[header.index(of: "username")] = "g0001"
            row[header.index(of: "grades")] = ""
            row[header.index(of: "metadata.jp.homeClass")] = ""
            row[header.index(of: "userMasterIdentifier")] = "00000000-0000-4000-8000-00000000g001".replacingOccurrences(of: "g", with: "0")
            row[header.index(of: "email")] = ""
            row[header.index(of: "userIds")] = ""
            row[header.index(of: "agentSourcedIds")] = child
            rows[index][header.index(of: "agentSourcedIds")] = guardian
            rows.append(row)
        }
        try editor.edit("roles.csv") { header, rows in
            var row = rows.first { $0[header.index(of: "userSourcedId")] == child }!
            row[0] = "role-" + guardian
            row[header.index(of: "userSourcedId")] = guardian
            row[header.index(of: "role")] = "guardian"
            rows.append(row)
        }
        return (editor, child, guardian)
    }

    @Test(arguments: TestDatabase.available)
    func guardiansSignInOnlyWhenAllowedAndSeeOnlyTheirChild(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("guardians")
            let (package, child, _) = try packageWithGuardian()
            let report = try await RosterValidator.validate(try RosterPackage(url: package.folder))
            #expect(report.errorCount == 0, "\(report.diagnostics.filter { $0.severity == .error })")
            _ = try await importPackage(package.folder, tenant: tenant, app: app)
            let accounts = Accounts(database: app.db)
            try await accounts.setPassword(tenantCode: tenant, username: "g0001", password: "hogosha-2026", actor: "test")
            let otherStudent = try #require(try await accounts.list(tenantCode: tenant, role: "student").first { $0.sourcedId != child })

            var parent = Browser()
            #expect(try await parent.signIn(app, tenant: tenant, username: "g0001", password: "hogosha-2026").0 == .unauthorized)

            _ = try await TenantPolicy.update(tenantCode: tenant, passwordSignIn: nil, guardianSignIn: true, actor: "test", on: app.db)
            #expect(try await parent.signIn(app, tenant: tenant, username: "g0001", password: "hogosha-2026").1 == "/home")
            let home = try await parent.get(app, "home")
            #expect(home.status == .ok && home.body.contains("/t/\(tenant)/users/\(child)"))
            #expect(try await parent.get(app, "t/\(tenant)/users/\(child)").status == .ok)
            #expect(try await parent.get(app, "t/\(tenant)/users/\(otherStudent.sourcedId)").status == .forbidden)
            #expect(try await AuditLog(database: app.db).events(tenant: tenant).contains { $0.action == "access.view" && $0.subject == "user:\(tenant)/\(child)" })

            // The board turns it off again: the open session ends at the next request.
            _ = try await TenantPolicy.update(tenantCode: tenant, passwordSignIn: nil, guardianSignIn: false, actor: "test", on: app.db)
            #expect(try await parent.get(app, "home").location == "/signin")
        }
    }

    @Test func aBoardMayTurnPasswordsOff() async throws {
        try await withApp(.sqlite) { app, _ in
            _ = try await importPackage(try demoPackage(schools: 1, students: 30), tenant: "idponly", app: app)
            let accounts = Accounts(database: app.db)
            let student = try #require(try await accounts.list(tenantCode: "idponly", role: "student").first)
            try await accounts.setPassword(tenantCode: "idponly", username: student.username, password: "sakura-2026", actor: "test")
            _ = try await TenantPolicy.update(tenantCode: "idponly", passwordSignIn: false, guardianSignIn: nil, actor: "test", on: app.db)
            var browser = Browser()
            // A hand-made post (the page no longer offers the form) is refused all the same.
            let csrf = try await browser.get(app, "signin?as=operator").csrf
            let refused = try await browser.post(app, "signin", ["tenant": "idponly", "username": student.username, "password": "sakura-2026", "csrf": csrf])
            #expect(refused.status == .unauthorized && refused.body.contains("パスワードでサインインできません"))
            // The only tenant signs in through its provider: the page offers no password form.
            #expect(try await browser.get(app, "signin").body.contains("name=\"password\"") == false)
            #expect(try await browser.get(app, "signin?as=operator").body.contains("name=\"password\""))
            #expect(browser.cookies[Sessions.cookieName] == nil)
            #expect(try await AuditLog(database: app.db).events(tenant: "idponly").contains { $0.action == "tenant.policy" })
        }
    }
}
