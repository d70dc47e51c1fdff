import Foundation
import OneRoster
import Testing
import VaporTesting

@testable import KakehashiApp

@Suite struct HTTPTests {
    @Test(arguments: TestDatabase.available)
    func healthAndReadiness(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            try await app.testing().test(.GET, "healthz") { response async in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("\"ok\""))
            }
            try await app.testing().test(.GET, "readyz") { response async in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func readinessFailsWhenTheDatabaseIsGone() async throws {
        try await withApp(.sqlite) { app, _ in
            await app.databases.shutdownAsync()
            try await app.testing().test(.GET, "readyz") { response async in
                #expect(response.status == .serviceUnavailable)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func theOverviewShowsSchoolsInJapaneseAndEnglish(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            guard database == .sqlite else {
                // The shared PostgreSQL database is not empty: import the demo under a code of its own.
                let tenant = uniqueTenant("overview")
                _ = try await importPackage(try demoPackage(schools: 3, students: 30), tenant: tenant, app: app)
                try await app.testing().test(.GET, "/") { response async in
                    #expect(response.status == .ok)
                    #expect(response.body.string.contains("(\(tenant))"))
                    #expect(response.body.string.range(of: #"<td class="number">[1-9][0-9]*</td>"#, options: .regularExpression) != nil)
                }
                return
            }
            let summary = try #require(try await DemoSeeder.seedIfEmpty(app))
            #expect(summary.tenant == "demo")
            let students = try #require(summary.counts["demographics"]?.created)
            #expect((540...660).contains(students))
            // A second start does not seed again.
            #expect(try await DemoSeeder.seedIfEmpty(app) == nil)

            try await app.testing().test(.GET, "/") { response async in
                #expect(response.status == .ok)
                let html = response.body.string
                #expect(html.contains("<html lang=\"ja\""))
                #expect(html.contains("学校ごとの人数"))
                #expect(html.contains("小学校") && html.contains("中学校"))
                #expect(html.contains("?lang=en"))
                // No personal data on this page, and nothing from another host.
                #expect(!html.contains("@kakehashi.example"))
                #expect(!html.contains("http://") && !html.contains("https://"))
                let csp = response.headers.first(name: "Content-Security-Policy") ?? ""
                #expect(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"))
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(response.headers.first(name: "Strict-Transport-Security")?.hasPrefix("max-age=") == true)
            }
            // Errors carry the same headers, as a page for browsers.
            try await app.testing().test(.GET, "t/nowhere/admin", beforeRequest: { $0.headers.replaceOrAdd(name: .accept, value: "text/html") }) { response async in
                #expect(response.status == .seeOther && response.headers.first(name: .location) == "/signin")
                #expect(response.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true)
            }
            try await app.testing().test(.GET, "/?lang=en") { response async in
                let html = response.body.string
                #expect(html.contains("<html lang=\"en\""))
                #expect(html.contains("Schools and their people"))
                #expect(response.headers.setCookie?["lang"]?.string == "en")
            }
        }
    }

    @Test func theStyleSheetIsServedLocally() async throws {
        try await withApp(.sqlite) { app, _ in
            try await app.testing().test(.GET, "styles.css") { response async in
                #expect(response.status == .ok)
                #expect(!response.body.string.contains("@import"))
                #expect(!response.body.string.contains("url(http"))
            }
        }
    }
}
