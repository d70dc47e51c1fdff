import Fluent
import Foundation
import OneRoster
import Testing

@testable import KakehashiApp

/// Accounts come from the roster; local passwords are bcrypt, with a lockout after repeated
/// failures; users the roster removes can no longer sign in.
@Suite struct AccountsTests {
    @Test(arguments: TestDatabase.available)
    func accountsComeFromTheRosterWithTheirRoles(database: TestDatabase) async throws {
        let package = try demoPackage(schools: 2, students: 60)
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("accounts")
            _ = try await importPackage(package, tenant: tenant, app: app)
            let accounts = Accounts(database: app.db)
            let all = try await accounts.list(tenantCode: tenant)
            let students = try await accounts.list(tenantCode: tenant, role: "student")
            let teachers = try await accounts.list(tenantCode: tenant, role: "teacher")
            #expect(students.count == 120)
            #expect(!teachers.isEmpty)
            let principals = try await accounts.list(tenantCode: tenant, role: "principal")
            let board = try await accounts.list(tenantCode: tenant, role: "districtAdministrator")
            #expect(board.count == 1)
            #expect(all.count == students.count + teachers.count + principals.count + board.count)
            #expect(all.map(\.username) == all.map(\.username).sorted())
            #expect(students.allSatisfy { !$0.familyName.isEmpty && !$0.schoolSourcedId.isEmpty })
        }
    }

    @Test(arguments: TestDatabase.available)
    func passwordSignInWithLockout(database: TestDatabase) async throws {
        let package = try demoPackage(schools: 1, students: 30)
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("password")
            _ = try await importPackage(package, tenant: tenant, app: app)
            let accounts = Accounts(database: app.db)
            let student = try #require(try await accounts.list(tenantCode: tenant, role: "student").first)
            // No password yet: cannot sign in.
            #expect(try await accounts.verify(tenantCode: tenant, username: student.username, password: "whatever-1") == .notAllowed)

            try await accounts.setPassword(tenantCode: tenant, username: student.username, password: "sakura-2026", actor: "test")
            let stored = try #require(try await Credential.query(on: app.db).filter(\.$userSourcedID == student.sourcedId).first())
            #expect(stored.passwordHash.hasPrefix("$2b$10$") || stored.passwordHash.hasPrefix("$2a$10$"))
            #expect(!stored.passwordHash.contains("sakura"))

            #expect(try await accounts.verify(tenantCode: tenant, username: student.username, password: "sakura-2026") == .success(student))
            #expect(try await accounts.verify(tenantCode: tenant, username: "no-such-user", password: "sakura-2026") == .rejected)
            #expect(try await accounts.verify(tenantCode: "no-such-tenant", username: student.username, password: "sakura-2026") == .rejected)

            let start = Date()
            for _ in 1..<Accounts.maxFailures {
                #expect(try await accounts.verify(tenantCode: tenant, username: student.username, password: "wrong-guess", now: start) == .rejected)
            }
            let locked = try await accounts.verify(tenantCode: tenant, username: student.username, password: "wrong-guess", now: start)
            guard case .locked(let until) = locked else {
                Issue.record("expected a lockout after \(Accounts.maxFailures) failures, got \(locked)")
                return
            }
            #expect(until.timeIntervalSince(start) == Accounts.lockout)
            // While locked even the right password is refused; afterwards it works again.
            let stillLocked = try await accounts.verify(tenantCode: tenant, username: student.username, password: "sakura-2026", now: start.addingTimeInterval(60))
            guard case .locked(let storedUntil) = stillLocked else {
                Issue.record("expected the account to stay locked, got \(stillLocked)")
                return
            }
            #expect(abs(storedUntil.timeIntervalSince(until)) < 1)
            #expect(try await accounts.verify(tenantCode: tenant, username: student.username, password: "sakura-2026", now: until.addingTimeInterval(1)) == .success(student))

            let events = try await AuditLog(database: app.db).events(tenant: tenant)
            #expect(events.contains { $0.action == "password.set" && $0.subject == "user:\(tenant)/\(student.sourcedId)" })
        }
    }

    @Test func shortPasswordsAndUnknownUsersAreRefused() async throws {
        let package = try demoPackage(schools: 1, students: 30)
        try await withApp(.sqlite) { app, _ in
            _ = try await importPackage(package, tenant: "short", app: app)
            let accounts = Accounts(database: app.db)
            let student = try #require(try await accounts.list(tenantCode: "short", role: "student").first)
            await #expect(throws: RosterError.self) { try await accounts.setPassword(tenantCode: "short", username: student.username, password: "abc", actor: "test") }
            await #expect(throws: RosterError.self) { try await accounts.setPassword(tenantCode: "short", username: "nobody", password: "long-enough-1", actor: "test") }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aUserTheRosterRemovesCanNoLongerSignIn(database: TestDatabase) async throws {
        let package = try demoPackage(schools: 1, students: 30)
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("removed")
            _ = try await importPackage(package, tenant: tenant, app: app)
            let accounts = Accounts(database: app.db)
            let student = try #require(try await accounts.list(tenantCode: tenant, role: "student").first)
            try await accounts.setPassword(tenantCode: tenant, username: student.username, password: "sakura-2026", actor: "test")

            let smaller = try PackageEditor(folder: package).without(user: student.sourcedId)
            _ = try await importPackage(smaller.folder, tenant: tenant, app: app)
            #expect(try await accounts.verify(tenantCode: tenant, username: student.username, password: "sakura-2026") == .rejected)
        }
    }

    @Test func theCommandLineListsUsersAndSetsPasswords() throws {
        let data = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: data) }
        let environment = ["KAKEHASHI_DATA_DIR": data.path]
        let package = try demoPackage(schools: 1, students: 30)
        #expect(try CommandLineTool.run(["roster", "import", package.path, "--tenant", "town"], environment: environment).status == 0)

        let teachers = try CommandLineTool.run(["users", "list", "--tenant", "town", "--role", "teacher"], environment: environment)
        #expect(teachers.status == 0)
        let lines = teachers.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.split(separator: "\t")[1] == "teacher" })
        let username = String(try #require(lines.first?.split(separator: "\t").first))

        let set = try CommandLineTool.run(
            ["users", "set-password", "--tenant", "town", "--username", username, "--password-stdin"], environment: environment, input: "kokuban-2026\n")
        #expect(set.status == 0, "\(set.stderr)")
        #expect(!set.stdout.contains("kokuban") && !set.stderr.contains("kokuban"))
        let missing = try CommandLineTool.run(["users", "set-password", "--tenant", "town", "--username", username], environment: environment)
        #expect(missing.status != 0)

        let admin = try CommandLineTool.run(["admin", "create", "--username", "city-it", "--password-stdin"], environment: environment, input: "a-long-operator-passphrase\n")
        #expect(admin.status == 0, "\(admin.stderr)")
        let again = try CommandLineTool.run(["admin", "create", "--username", "city-it", "--password-stdin"], environment: environment, input: "a-long-operator-passphrase\n")
        #expect(again.status != 0)
        #expect(try CommandLineTool.run(["audit", "verify"], environment: environment).status == 0)
    }
}
