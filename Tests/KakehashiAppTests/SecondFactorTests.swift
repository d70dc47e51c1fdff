import Fluent
import Foundation
import Testing
import VaporTesting

@testable import KakehashiApp

/// TOTP second factors (RFC 6238) with recovery codes: required for staff, optional for
/// students, each code accepted once, wrong codes end the attempt, administrators reset.
@Suite struct SecondFactorTests {
    /// RFC 6238 Appendix B, SHA-1 rows (the 6 low digits of the 8-digit values).
    @Test func codesMatchTheRFCTestVectors() {
        let secret = Array("12345678901234567890".utf8)
        let vectors: [(Int64, String)] = [(59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"), (2_000_000_000, "279037"), (20_000_000_000, "353130")]
        for (time, code) in vectors {
            #expect(TOTP.code(secret: secret, step: time / 30) == code, "T=\(time)")
        }
        #expect(Base32.encode(secret) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(Base32.decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ") == secret)
    }

    @Test func aCodeIsAcceptedOnlyNearNowAndOnlyOnce() {
        let secret = Array("12345678901234567890".utf8)
        let now = Date(timeIntervalSince1970: 1_234_567_890)
        let step = TOTP.step(at: now)
        #expect(TOTP.matchingStep(TOTP.code(secret: secret, step: step), secret: secret, now: now, after: 0) == step)
        #expect(TOTP.matchingStep(TOTP.code(secret: secret, step: step - 1), secret: secret, now: now, after: 0) == step - 1)
        #expect(TOTP.matchingStep(TOTP.code(secret: secret, step: step - 3), secret: secret, now: now, after: 0) == nil)
        #expect(TOTP.matchingStep(TOTP.code(secret: secret, step: step), secret: secret, now: now, after: step) == nil)
        #expect(TOTP.matchingStep("12345", secret: secret, now: now, after: 0) == nil)
    }

    @Test(arguments: TestDatabase.available)
    func staffEnrollThenVerifyWithCodesAndRecoveryCodesOnce(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("mfa")
            _ = try await importPackage(try demoPackage(schools: 1, students: 30), tenant: tenant, app: app)
            let accounts = Accounts(database: app.db)
            let teacher = try #require(try await accounts.list(tenantCode: tenant, role: "teacher").first)
            try await accounts.setPassword(tenantCode: tenant, username: teacher.username, password: "kokuban-2026", actor: "test")

            var first = Browser()
            #expect(try await first.signIn(app, tenant: tenant, username: teacher.username, password: "kokuban-2026").1 == "/mfa/setup")
            // A wrong first code does not turn the factor on.
            let setup = try await first.get(app, "mfa/setup")
            #expect(try await first.post(app, "mfa/setup", ["code": "000000", "csrf": setup.csrf]).status == .unauthorized)
            let (secret, recovery) = try await first.enrollSecondFactor(app)
            #expect(recovery.count == SecondFactors.recoveryCodeCount && Set(recovery).count == recovery.count)
            // The secret is sealed at rest, not stored as the app's key.
            let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == tenant).first()?.id)
            let owner = SecondFactors.owner(tenantID: tenantID, sourcedId: teacher.sourcedId)
            let stored = try #require(try await SecondFactor.query(on: app.db).filter(\.$owner == owner).first())
            #expect(!stored.secretSealed.contains(Base32.encode(secret)) && stored.secretSealed.hasPrefix("v1:"))
            #expect(!stored.recoveryCodes.contains(recovery[0]))
            #expect(try await first.get(app, "home").status == .ok)

            // Next sign-in: the code page; the code just used is refused (each code once), a recovery code works once.
            var second = Browser()
            #expect(try await second.signIn(app, tenant: tenant, username: teacher.username, password: "kokuban-2026").1 == "/mfa")
            #expect(try await second.get(app, "home").location == "/mfa")
            let before = try #require(second.userToken())
            var challenge = try await second.get(app, "mfa")
            // The code enrollment used, by its recorded step: the code of "now" is another one
            // when a 30-second step has begun since (the test failed now and then that way).
            let reused = TOTP.code(secret: secret, step: stored.lastStep)
            #expect(try await second.post(app, "mfa", ["code": reused, "csrf": challenge.csrf]).status == .unauthorized)
            challenge = try await second.get(app, "mfa")
            let passed = try await second.post(app, "mfa", ["code": recovery[0].uppercased(), "csrf": challenge.csrf])
            #expect(passed.status == .seeOther && passed.location == "/home")
            // The session token changes when the second factor is given.
            #expect(second.userToken() != before)
            #expect(try await second.get(app, "home").status == .ok)

            var third = Browser()
            _ = try await third.signIn(app, tenant: tenant, username: teacher.username, password: "kokuban-2026")
            challenge = try await third.get(app, "mfa")
            #expect(try await third.post(app, "mfa", ["code": recovery[0], "csrf": challenge.csrf]).status == .unauthorized)

            let actions = try await AuditLog(database: app.db).events(tenant: tenant).map(\.action)
            #expect(actions.contains("mfa.enroll") && actions.contains("mfa.success") && actions.contains("mfa.failure"))
        }
    }

    @Test func fiveWrongCodesEndTheAttempt() async throws {
        try await withApp(.sqlite) { app, _ in
            _ = try await importPackage(try demoPackage(schools: 1, students: 30), tenant: "guess", app: app)
            let accounts = Accounts(database: app.db)
            let teacher = try #require(try await accounts.list(tenantCode: "guess", role: "teacher").first)
            try await accounts.setPassword(tenantCode: "guess", username: teacher.username, password: "kokuban-2026", actor: "test")
            var owner = Browser()
            _ = try await owner.signIn(app, tenant: "guess", username: teacher.username, password: "kokuban-2026")
            try await owner.enrollSecondFactor(app)

            var guesser = Browser()
            _ = try await guesser.signIn(app, tenant: "guess", username: teacher.username, password: "kokuban-2026")
            let csrf = try await guesser.get(app, "mfa").csrf
            var last = Browser.Page(status: .ok, location: nil, body: "")
            for guess in ["111111", "222222", "333333", "444444", "555555", "666666"] {
                last = try await guesser.post(app, "mfa", ["code": guess, "csrf": csrf])
                if last.status == .seeOther { break }
            }
            #expect(last.status == .seeOther && last.location == "/signin")
            #expect(try await guesser.get(app, "home").location == "/signin")
        }
    }

    @Test func studentsMayTurnItOnAndAnAdministratorResetsIt() async throws {
        try await withApp(.sqlite) { app, _ in
            _ = try await importPackage(try demoPackage(schools: 1, students: 30), tenant: "reset", app: app)
            let accounts = Accounts(database: app.db)
            let student = try #require(try await accounts.list(tenantCode: "reset", role: "student").first)
            let principal = try #require(try await accounts.list(tenantCode: "reset", role: "principal").first)
            try await accounts.setPassword(tenantCode: "reset", username: student.username, password: "sakura-2026", actor: "test")
            try await accounts.setPassword(tenantCode: "reset", username: principal.username, password: "kouchou-2026", actor: "test")

            var pupil = Browser()
            #expect(try await pupil.signIn(app, tenant: "reset", username: student.username, password: "sakura-2026").1 == "/home")
            #expect(try await pupil.get(app, "home").body.contains("/mfa/setup"))
            try await pupil.enrollSecondFactor(app)
            var again = Browser()
            #expect(try await again.signIn(app, tenant: "reset", username: student.username, password: "sakura-2026").1 == "/mfa")

            var admin = Browser()
            _ = try await admin.signIn(app, tenant: "reset", username: principal.username, password: "kouchou-2026")
            try await admin.enrollSecondFactor(app)
            let page = try await admin.get(app, "t/reset/users/\(student.sourcedId)")
            #expect(page.status == .ok && page.body.contains("mfa-reset"))
            let done = try await admin.post(app, "t/reset/users/\(student.sourcedId)/mfa-reset", ["csrf": page.csrf])
            #expect(done.status == .ok)
            // The student's sessions ended, and they sign in with the password alone again.
            #expect(try await pupil.get(app, "home").location == "/signin")
            var after = Browser()
            #expect(try await after.signIn(app, tenant: "reset", username: student.username, password: "sakura-2026").1 == "/home")
            #expect(try await AuditLog(database: app.db).events(tenant: "reset").contains { $0.action == "mfa.reset" && $0.subject.hasSuffix(student.sourcedId) })
        }
    }
}

extension Browser {
    func userToken() -> String? { cookies[Sessions.cookieName] }
}
