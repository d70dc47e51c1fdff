import Fluent
import Foundation
import OneRoster
import Testing
import VaporTesting

@testable import KakehashiApp

/// Password sign-in through the pages: CSRF on every form, a session cookie that is HttpOnly and
/// Secure, homes for students and teachers, sign-out, and sessions that end with the roster.
@Suite struct SignInTests {
    func prepare(_ app: Application, tenant: String) async throws -> (student: Accounts.Account, teacher: Accounts.Account) {
        _ = try await importPackage(try demoPackage(schools: 1, students: 30), tenant: tenant, app: app)
        let accounts = Accounts(database: app.db)
        let student = try #require(try await accounts.list(tenantCode: tenant, role: "student").first)
        let teacher = try #require(try await accounts.list(tenantCode: tenant, role: "teacher").first)
        try await accounts.setPassword(tenantCode: tenant, username: student.username, password: "sakura-2026", actor: "test")
        try await accounts.setPassword(tenantCode: tenant, username: teacher.username, password: "kokuban-2026", actor: "test")
        return (student, teacher)
    }

    @Test(arguments: TestDatabase.available)
    func aStudentSignsInSeesTheirHomeAndSignsOut(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("signin")
            let (student, _) = try await prepare(app, tenant: tenant)
            var browser = Browser()
            let (status, location) = try await browser.signIn(app, tenant: tenant, username: student.username, password: "sakura-2026")
            #expect(status == .seeOther && location == "/home")
            let token = try #require(browser.cookies[Sessions.cookieName])
            // Only the token's hash is stored.
            let stored = try #require(try await UserSession.query(on: app.db).filter(\.$tenantCode == tenant).filter(\.$userSourcedID == student.sourcedId).first())
            #expect(stored.tokenHash == Sessions.hash(token) && stored.tokenHash != token)

            var csrf = ""
            try await app.testing().test(.GET, "home", beforeRequest: { [browser] in $0.headers.cookie = browser.cookieHeader }) { response async in
                #expect(response.status == .ok)
                let html = response.body.string
                // The name carries its reading in hiragana (ruby) for young students.
                let text = html.replacing(/<rt>[^<]*<\/rt>/, with: "").replacing(/<[^>]+>/, with: "")
                #expect(text.contains("こんにちは、\(student.familyName) \(student.givenName) さん"))
                #expect(html.contains("<ruby>\(student.familyName)<rt>"))
                #expect(html.contains("年") && html.contains("組"))  // their homeroom
                #expect(response.headers.first(name: .cacheControl) == "no-store")
                csrf = hiddenValue("csrf", in: html) ?? ""
            }
            #expect(csrf == stored.csrfToken)

            // Sign-out needs the form's token.
            try await app.testing().test(.POST, "signout", beforeRequest: { [browser] request in
                request.headers.cookie = browser.cookieHeader
                try request.content.encode(["csrf": "forged"], as: .urlEncodedForm)
            }) { response async in #expect(response.status == .forbidden) }
            try await app.testing().test(.POST, "signout", beforeRequest: { [browser] request in
                request.headers.cookie = browser.cookieHeader
                try request.content.encode(["csrf": csrf], as: .urlEncodedForm)
            }) { response async in
                #expect(response.status == .seeOther)
                #expect(response.headers.setCookie?[Sessions.cookieName]?.string == "")
            }
            try await app.testing().test(.GET, "home", beforeRequest: { [browser] in $0.headers.cookie = browser.cookieHeader }) { response async in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == "/signin")
            }
            let actions = try await AuditLog(database: app.db).events(tenant: tenant).map(\.action)
            #expect(actions.contains("signin.success"))
        }
    }

    @Test func theSessionCookieIsHttpOnlySecureAndSameSite() async throws {
        try await withApp(.sqlite) { app, _ in
            let (student, _) = try await prepare(app, tenant: "cookies")
            var browser = Browser()
            var csrf = ""
            try await app.testing().test(.GET, "signin") { response async in
                browser.keep(response)
                csrf = hiddenValue("csrf", in: response.body.string) ?? ""
                let form = response.headers.setCookie?[SignInController.formCookie]
                #expect(form?.isHTTPOnly == true && form?.isSecure == true && form?.sameSite == .strict)
                #expect(response.body.string.contains("name=\"username\"") && response.body.string.contains("name=\"password\""))
            }
            try await app.testing().test(.POST, "signin", beforeRequest: { [browser] request in
                request.headers.cookie = browser.cookieHeader
                try request.content.encode(["tenant": "cookies", "username": student.username, "password": "sakura-2026", "csrf": csrf], as: .urlEncodedForm)
            }) { response async in
                let session = response.headers.setCookie?[Sessions.cookieName]
                #expect(session?.isHTTPOnly == true && session?.isSecure == true && session?.sameSite == .lax)
            }
        }
    }

    @Test func aPostWithoutTheFormsTokenIsRefused() async throws {
        try await withApp(.sqlite) { app, _ in
            let (student, _) = try await prepare(app, tenant: "csrf")
            try await app.testing().test(.POST, "signin", beforeRequest: { request in
                try request.content.encode(["tenant": "csrf", "username": student.username, "password": "sakura-2026", "csrf": "guess"], as: .urlEncodedForm)
            }) { response async in
                #expect(response.status == .forbidden)
                #expect(response.headers.setCookie?[Sessions.cookieName] == nil)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aWrongPasswordGetsAPlainAnswerAndIsAudited(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("wrong")
            let (student, _) = try await prepare(app, tenant: tenant)
            var browser = Browser()
            let (status, body) = try await browser.signIn(app, tenant: tenant, username: student.username, password: "not-it-at-all")
            #expect(status == .unauthorized)
            #expect(body.contains("ユーザー名かパスワードがちがいます"))
            #expect(browser.cookies[Sessions.cookieName] == nil)
            let unknown = try await browser.signIn(app, tenant: tenant, username: "nobody", password: "not-it-at-all")
            #expect(unknown.0 == .unauthorized && unknown.1.contains("ユーザー名かパスワードがちがいます"))
            let failures = try await AuditLog(database: app.db).events(tenant: tenant).filter { $0.action == "signin.failure" }
            #expect(failures.count == 2)
            #expect(failures.allSatisfy { !$0.source.isEmpty && $0.details.contains("password") })
        }
    }

    @Test(arguments: TestDatabase.available)
    func aTeacherSeesTheirClassesWithMembers(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("teacher")
            let (_, teacher) = try await prepare(app, tenant: tenant)
            var browser = Browser()
            let (status, location) = try await browser.signIn(app, tenant: tenant, username: teacher.username, password: "kokuban-2026")
            // Teachers see learning records: a second factor comes first.
            #expect(status == .seeOther && location == "/mfa/setup")
            #expect(try await browser.get(app, "home").location == "/mfa/setup")
            try await browser.enrollSecondFactor(app)
            try await app.testing().test(.GET, "home?lang=en", beforeRequest: { [browser] in $0.headers.cookie = browser.cookieHeader }) { response async in
                let html = response.body.string
                #expect(html.contains("My classes"))
                #expect(html.range(of: #">[1-9][0-9]* students<"#, options: .regularExpression) != nil)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func sessionsEndWhenTheRosterRemovesTheUserOrOnSignOutEverywhere(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("ending")
            let (student, _) = try await prepare(app, tenant: tenant)
            let accounts = Accounts(database: app.db)
            let other = try #require(try await accounts.list(tenantCode: tenant, role: "student").last)
            try await accounts.setPassword(tenantCode: tenant, username: other.username, password: "tsukue-2026", actor: "test")
            var laptop = Browser(), tablet = Browser(), pupil = Browser()
            _ = try await laptop.signIn(app, tenant: tenant, username: other.username, password: "tsukue-2026")
            _ = try await tablet.signIn(app, tenant: tenant, username: other.username, password: "tsukue-2026")
            _ = try await pupil.signIn(app, tenant: tenant, username: student.username, password: "sakura-2026")
            var csrf = ""
            try await app.testing().test(.GET, "home", beforeRequest: { [laptop] in $0.headers.cookie = laptop.cookieHeader }) { response async in
                csrf = hiddenValue("csrf", in: response.body.string) ?? ""
            }
            try await app.testing().test(.POST, "signout-everywhere", beforeRequest: { [laptop, csrf] request in
                request.headers.cookie = laptop.cookieHeader
                try request.content.encode(["csrf": csrf], as: .urlEncodedForm)
            }) { response async in #expect(response.status == .seeOther) }
            try await app.testing().test(.GET, "home", beforeRequest: { [tablet] in $0.headers.cookie = tablet.cookieHeader }) { response async in
                #expect(response.status == .seeOther)
            }
            #expect(try await UserSession.query(on: app.db).filter(\.$tenantCode == tenant).filter(\.$userSourcedID == other.sourcedId).count() == 0)

            // The roster removes the student: their open session ends at the next request.
            let package = try demoPackage(schools: 1, students: 30)
            let smaller = try PackageEditor(folder: package).without(user: student.sourcedId)
            _ = try await importPackage(smaller.folder, tenant: tenant, app: app)
            try await app.testing().test(.GET, "home", beforeRequest: { [pupil] in $0.headers.cookie = pupil.cookieHeader }) { response async in
                #expect(response.status == .seeOther)
            }
        }
    }

    @Test func demoAccountsAppearOnlyOnADemoServer() async throws {
        try await withApp(.sqlite) { app, _ in
            _ = try await DemoSeeder.seedIfEmpty(app)
            let credentials = try #require(try await DemoSeeder.credentials(app.db))
            #expect(try await Accounts(database: app.db).verify(tenantCode: "demo", username: credentials.student, password: DemoSeeder.studentPassword) != .rejected)
            try await app.testing().test(.GET, "signin") { response async in
                #expect(!response.body.string.contains(DemoSeeder.studentPassword))
            }
            app.storage[DemoModeKey.self] = true
            try await app.testing().test(.GET, "signin") { response async in
                #expect(response.body.string.contains("\(credentials.student) / \(DemoSeeder.studentPassword)"))
            }
            var browser = Browser()
            let (status, location) = try await browser.signIn(app, tenant: "demo", username: credentials.teacher, password: DemoSeeder.teacherPassword)
            // The demo teacher has a second factor already; a demo server shows its current code.
            #expect(status == .seeOther && location == "/mfa")
            let challenge = try await browser.get(app, "mfa")
            let code = try #require(challenge.body.firstMatch(of: /id="demo-code">([0-9]{6})</).map { String($0.output.1) })
            let verified = try await browser.post(app, "mfa", ["code": code, "csrf": challenge.csrf])
            #expect(verified.status == .seeOther && verified.location == "/home")
            #expect(try await browser.get(app, "home").status == .ok)
        }
    }

    @Test func cookiesAreSecureExceptOnPlainHTTPToThisMachine() async throws {
        try await withApp(.sqlite) { app, _ in
            _ = try await DemoSeeder.seedIfEmpty(app)
            for (host, secure) in [("portal.city.example", true), ("localhost:8080", false), ("127.0.0.1:8080", false), ("[::1]:8080", false)] {
                try await app.testing().test(.GET, "signin", beforeRequest: { $0.headers.replaceOrAdd(name: .host, value: host) }) { response async in
                    #expect(response.headers.setCookie?[SignInController.formCookie]?.isSecure == secure, "\(host)")
                }
            }
            try await app.testing().test(.GET, "signin", beforeRequest: {
                $0.headers.replaceOrAdd(name: .host, value: "localhost")
                $0.headers.replaceOrAdd(name: "X-Forwarded-Proto", value: "https")
            }) { response async in
                #expect(response.headers.setCookie?[SignInController.formCookie]?.isSecure == true)
            }
        }
    }
}
