import Foundation
import Testing
import VaporTesting

@testable import KakehashiApp

/// Rate limits live in the database and reset with their window.
@Suite struct RateLimitTests {
    @Test(arguments: TestDatabase.available)
    func aKeyIsLimitedWithinItsWindowOnly(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let limiter = RateLimiter(database: app.db)
            let key = "test:\(UUID().uuidString)"
            let rule = RateLimiter.Rule(limit: 3, window: 60)
            let start = Date()
            var answers: [Bool] = []
            for _ in 1...4 { answers.append(try await limiter.hit(key, rule: rule, now: start)) }
            #expect(answers == [true, true, true, false])
            // Another key has its own count; the window's end resets this one.
            #expect(try await limiter.hit(key + "-other", rule: rule, now: start))
            #expect(try await limiter.hit(key, rule: rule, now: start.addingTimeInterval(61)))
        }
    }

    @Test func signInAttemptsPerAccountAreLimited() async throws {
        try await withApp(.sqlite) { app, _ in
            _ = try await DemoSeeder.seedIfEmpty(app)
            let credentials = try #require(try await DemoSeeder.credentials(app.db))
            var statuses: [HTTPStatus] = []
            for _ in 0...RateLimiter.signInPerAccount.limit {
                var csrf = "", cookie = ""
                try await app.testing().test(.GET, "signin") { response async in
                    csrf = hiddenValue("csrf", in: response.body.string) ?? ""
                    cookie = response.headers.setCookie?[SignInController.formCookie]?.string ?? ""
                }
                try await app.testing().test(.POST, "signin", beforeRequest: { [csrf, cookie] request in
                    request.headers.cookie = [SignInController.formCookie: HTTPCookies.Value(string: cookie)]
                    try request.content.encode(["tenant": "demo", "username": credentials.student, "password": "wrong-password", "csrf": csrf], as: .urlEncodedForm)
                }) { response async in statuses.append(response.status) }
            }
            #expect(statuses.last == .tooManyRequests)
            #expect(statuses.dropLast().allSatisfy { $0 == .unauthorized })
            let events = try await AuditLog(database: app.db).events(tenant: "demo")
            #expect(events.contains { $0.action == "signin.rate-limited" })
        }
    }
}
