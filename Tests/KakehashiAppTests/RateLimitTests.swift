import Foundation
import NIOCore
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

    /// The address counted is the TCP peer's; a client cannot pick its own by sending
    /// X-Forwarded-For. Behind a trusted reverse proxy, the proxy's view of the client counts.
    @Test func theSourceAddressIsNotTheClientsToChoose() async throws {
        try await withApp(.sqlite) { app, settings in
            func source(peer: String, forwardedFor: String?) throws -> String {
                var headers = HTTPHeaders()
                if let forwardedFor { headers.add(name: .xForwardedFor, value: forwardedFor) }
                headers.add(name: "Forwarded", value: "for=198.51.100.77")
                let request = Request(
                    application: app, method: .GET, url: "/", headers: headers, remoteAddress: try SocketAddress(ipAddress: peer, port: 40000),
                    on: app.eventLoopGroup.any())
                return request.sourceAddress
            }
            let direct = try source(peer: "192.0.2.10", forwardedFor: "203.0.113.9")
            #expect(direct == "192.0.2.10")
            var trusting = settings
            trusting.trustedProxies = ["10.0.0.5"]
            app.storage[SettingsKey.self] = trusting
            let proxied = try source(peer: "10.0.0.5", forwardedFor: "6.6.6.6, 203.0.113.9")
            let chained = try source(peer: "10.0.0.5", forwardedFor: "203.0.113.9, 10.0.0.5")
            let untrusted = try source(peer: "192.0.2.10", forwardedFor: "203.0.113.9")
            #expect(proxied == "203.0.113.9" && chained == "203.0.113.9" && untrusted == "192.0.2.10")
        }
    }
}
