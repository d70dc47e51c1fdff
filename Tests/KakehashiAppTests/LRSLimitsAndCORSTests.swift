import Foundation
import Testing
import VaporTesting

@testable import KakehashiApp

/// The LRS's request size limit (413 in the xAPI error form) and its cross-origin answers (CORS
/// on `/xapi/` only).
@Suite struct LRSLimitsAndCORSTests {
    static func configure(_ app: Application, _ change: (inout Settings) -> Void) {
        var settings = app.settings
        change(&settings)
        app.storage[SettingsKey.self] = settings
    }

    @Test(arguments: TestDatabase.available)
    func aRequestOverTheLimitIs413InTheXAPIForm(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (_, issued) = try await LRSTests.tenant(app, "lrs-limit")
            Self.configure(app) { $0.lrsMaxBody = 4096 }
            let small = LRSTests.statement()
            let large = "[" + (0..<13).map { _ in LRSTests.statement() }.joined(separator: ",") + "]"
            #expect(small.utf8.count < 4096 && large.utf8.count > 4096)

            for headers in [[("Content-Length", String(large.utf8.count))], []] {
                let refused = try await lrsCall(app, .POST, "statements", authorization: LRSTests.basic(issued), headers: headers, body: large)
                #expect(refused.status == .payloadTooLarge)
                #expect(refused.body.contains(#""error":"request.too-large""#) && refused.body.contains("4096"), "\(refused.body)")
                #expect(refused.headers.first(name: "X-Experience-API-Version") == "1.0.3")
                #expect(refused.headers.first(name: .contentType)?.hasPrefix("application/json") == true)
            }
            // Documents too, and anything under the limit is read as before.
            let document = "activities/profile?activityId=https://a.test/1&profileId=p"
            let big = #"{"text":""# + String(repeating: "あ", count: 2000) + #""}"#
            #expect(try await lrsCall(app, .PUT, document, authorization: LRSTests.basic(issued), body: big).status == .payloadTooLarge)
            #expect(try await lrsCall(app, .POST, "statements", authorization: LRSTests.basic(issued), body: small).status == .ok)
        }
    }

    @Test func theLimitSettingTakesBinaryUnits() {
        #expect(Settings(environment: [:]).lrsMaxBody == 32 * 1024 * 1024)
        #expect(Settings(environment: ["KAKEHASHI_LRS_MAX_BODY": "65536"]).lrsMaxBody == 65536)
        #expect(Settings(environment: ["KAKEHASHI_LRS_MAX_BODY": "64KiB"]).lrsMaxBody == 65536)
        #expect(Settings(environment: ["KAKEHASHI_LRS_MAX_BODY": "8 mib"]).lrsMaxBody == 8 * 1024 * 1024)
        #expect(Settings(environment: ["KAKEHASHI_LRS_MAX_BODY": "lots"]).lrsMaxBody == Settings.defaultLRSMaxBody)
        #expect(Settings(environment: ["KAKEHASHI_LRS_MAX_BODY": "0"]).lrsMaxBody == Settings.defaultLRSMaxBody)
    }

    @Test func browserContentMayCallTheLRSFromAnyOrigin() async throws {
        try await withApp(.sqlite) { app, _ in
            let (_, issued) = try await LRSTests.tenant(app, "lrs-cors")
            let origin = ("Origin", "https://content.example.jp")
            let preflight = try await lrsCall(
                app, .OPTIONS, "statements", version: nil,
                headers: [origin, ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "authorization,content-type,x-experience-api-version")])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers.first(name: .accessControlAllowOrigin) == "*")
            #expect(preflight.headers.first(name: .accessControlAllowCredentials) == nil)
            let allowedHeaders = Set((preflight.headers.first(name: .accessControlAllowHeaders) ?? "").lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(allowedHeaders.isSuperset(of: ["authorization", "content-type", "x-experience-api-version", "if-match", "if-none-match"]))
            let methods = preflight.headers.first(name: .accessControlAllowMethods) ?? ""
            #expect(["GET", "HEAD", "PUT", "POST", "DELETE"].allSatisfy(methods.contains))
            #expect(try await lrsCall(app, .OPTIONS, "activities/state", version: nil, headers: [origin]).status == .noContent)

            // The actual calls, refused ones included, let the page read the answer and its headers.
            for authorization in [LRSTests.basic(issued), nil] {
                let answer = try await lrsCall(app, .GET, "statements", authorization: authorization, headers: [origin])
                #expect(answer.headers.first(name: .accessControlAllowOrigin) == "*")
                let exposed = (answer.headers.first(name: .accessControlExpose) ?? "").lowercased()
                #expect(["etag", "last-modified", "x-experience-api-consistent-through", "x-experience-api-version"].allSatisfy(exposed.contains))
            }

            // Never on the cookie-authenticated pages.
            let page = try await lrsCall(app, .GET, "/signin", version: nil, headers: [origin])
            #expect(page.headers.first(name: .accessControlAllowOrigin) == nil)
            let pagePreflight = try await lrsCall(app, .OPTIONS, "/signin", version: nil, headers: [origin, ("Access-Control-Request-Method", "POST")])
            #expect(pagePreflight.headers.first(name: .accessControlAllowOrigin) == nil)
        }
    }

    @Test func aListOfOriginsAllowsOnlyThose() async throws {
        try await withApp(.sqlite) { app, _ in
            let (_, issued) = try await LRSTests.tenant(app, "lrs-cors-list")
            Self.configure(app) { $0.lrsCORSOrigins = LRSCORS.Origins("https://content.example.jp, https://drill.example.com/") }
            for origin in ["https://content.example.jp", "https://drill.example.com"] {
                let preflight = try await lrsCall(app, .OPTIONS, "statements", version: nil, headers: [("Origin", origin), ("Access-Control-Request-Method", "PUT")])
                #expect(preflight.headers.first(name: .accessControlAllowOrigin) == origin)
                #expect(preflight.headers[.vary].contains { $0.contains("Origin") })
                let answer = try await lrsCall(app, .GET, "statements", authorization: LRSTests.basic(issued), headers: [("Origin", origin)])
                #expect(answer.status == .ok && answer.headers.first(name: .accessControlAllowOrigin) == origin)
            }
            let stranger = try await lrsCall(app, .OPTIONS, "statements", version: nil, headers: [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "PUT")])
            #expect(stranger.headers.first(name: .accessControlAllowOrigin) == nil && stranger.headers.first(name: .accessControlAllowMethods) == nil)
            let answer = try await lrsCall(app, .GET, "statements", authorization: LRSTests.basic(issued), headers: [("Origin", "https://evil.example")])
            #expect(answer.headers.first(name: .accessControlAllowOrigin) == nil)
            #expect(LRSCORS.Origins("none") == LRSCORS.Origins(any: false, listed: []))
            #expect(LRSCORS.Origins(nil) == .anyOrigin)
        }
    }
}
