import Fluent
import Foundation
import OneRoster
import Testing
import VaporTesting
import ZIPFoundation

@testable import KakehashiApp

/// The administration pages: a roster uploaded through the page is checked and previewed, applied
/// only after confirmation, and everything lands in an audit log the board can search and export.
@Suite struct AdminPagesTests {
    struct Upload: Content {
        var csrf: String
        var package: File
    }

    /// Signs in the tenant's board administrator (second factor included).
    func boardAdmin(_ app: Application, tenant: String) async throws -> Browser {
        let accounts = Accounts(database: app.db)
        let admin = try #require(try await accounts.list(tenantCode: tenant, role: "districtAdministrator").first)
        try await accounts.setPassword(tenantCode: tenant, username: admin.username, password: "kyouiku-2026", actor: "test")
        var browser = Browser()
        _ = try await browser.signIn(app, tenant: tenant, username: admin.username, password: "kyouiku-2026")
        try await browser.enrollSecondFactor(app)
        return browser
    }

    func zip(_ folder: URL) throws -> Data {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("roster-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: url) }
        try FileManager.default.zipItem(at: folder, to: url, shouldKeepParent: false)
        return try Data(contentsOf: url)
    }

    func upload(_ app: Application, _ browser: inout Browser, tenant: String, data: Data, name: String) async throws -> Browser.Page {
        let form = try await browser.get(app, "t/\(tenant)/admin/roster")
        #expect(form.status == .ok && form.body.contains("multipart/form-data"))
        var page = Browser.Page(status: .ok, location: nil, body: "")
        try await app.testing().test(.POST, "t/\(tenant)/admin/roster", beforeRequest: { [browser] request in
            request.headers.cookie = browser.cookieHeader
            request.headers.replaceOrAdd(name: .accept, value: "text/html")
            try request.content.encode(Upload(csrf: form.csrf, package: File(data: ByteBuffer(data: data), filename: name)), as: .formData)
        }) { response async in
            page = Browser.Page(status: response.status, location: response.headers.first(name: .location), body: response.body.string)
        }
        return page
    }

    @Test(arguments: TestDatabase.available)
    func aRosterIsCheckedPreviewedAndAppliedOnlyAfterConfirmation(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("upload")
            let base = try demoPackage(schools: 1, students: 30)
            _ = try await importPackage(base, tenant: tenant, app: app)
            var admin = try await boardAdmin(app, tenant: tenant)
            let before = try await rosterSnapshot(app, tenant: tenant)

            // A package with an error: the table names file, line and column; nothing can be applied.
            let broken = try PackageEditor(folder: base).copy()
            try broken.edit("users.csv") { header, rows in rows[3][header.index(of: "givenName")] = "" }
            let rejected = try await upload(app, &admin, tenant: tenant, data: try zip(broken.folder), name: "broken.zip")
            #expect(rejected.status == .seeOther)
            let report = try await admin.get(app, try #require(rejected.location))
            #expect(report.status == .ok)
            #expect(report.body.contains("<td>users.csv</td><td class=\"number\">5</td><td>givenName</td>"))
            #expect(!report.body.contains("/apply\""))

            // A good package (one family name changed): a preview of what changes, then the confirmation.
            let grown = try PackageEditor(folder: base).copy()
            try grown.edit("users.csv") { header, rows in rows[3][header.index(of: "familyName")] = "山田" }
            let accepted = try await upload(app, &admin, tenant: tenant, data: try zip(grown.folder), name: "grown.zip")
            let review = try await admin.get(app, try #require(accepted.location))
            #expect(review.body.contains("/apply\""))
            #expect(review.body.contains(#"<tr><td>users</td><td class="number">0</td><td class="number">1</td>"#), "one user updated")
            #expect(try await rosterSnapshot(app, tenant: tenant) == before, "checking applies nothing")
            let applied = try await admin.post(app, try #require(accepted.location) + "/apply", ["csrf": review.csrf])
            #expect(applied.status == .seeOther)
            #expect(try await rosterSnapshot(app, tenant: tenant) != before)
            // A second confirmation does nothing.
            #expect(try await admin.post(app, try #require(accepted.location) + "/apply", ["csrf": review.csrf]).status == .conflict)

            let history = try await admin.get(app, "t/\(tenant)/admin/roster")
            #expect(history.body.contains("grown.zip") && history.body.contains("applied"))
            let actions = try await AuditLog(database: app.db).events(tenant: tenant).map(\.action)
            #expect(actions.filter { $0 == "roster.upload" }.count == 2 && actions.contains("roster.import"))
        }
    }

    @Test func theBoardSearchesAndExportsTheAuditLog() async throws {
        try await withApp(.sqlite) { app, _ in
            _ = try await importPackage(try demoPackage(schools: 1, students: 30), tenant: "auditcsv", app: app)
            var admin = try await boardAdmin(app, tenant: "auditcsv")
            var stranger = Browser()
            _ = try await stranger.signIn(app, tenant: "auditcsv", username: "nobody", password: "wrong-password")

            let search = try await admin.get(app, "t/auditcsv/admin/audit?action=signin.failure")
            #expect(search.status == .ok && search.body.contains("username:nobody"))
            #expect(!search.body.contains("mfa.enroll"))
            var csv = ""
            try await app.testing().test(.GET, "t/auditcsv/admin/audit.csv", beforeRequest: { [admin] in $0.headers.cookie = admin.cookieHeader }) { response async in
                #expect(response.status == .ok)
                #expect(response.headers.contentType?.subType == "csv")
                csv = response.body.string
            }
            // RFC 4180: CRLF line ends.
            #expect(csv.hasPrefix("position,occurredAt,actor,action,subject,details,source,previousHash,hash\r\n"))
            #expect(csv.contains("signin.failure") && csv.contains("mfa.enroll") && csv.contains("access.readAudit"))
            // Reading the log is itself in the log, and the chain still verifies.
            #expect(try await AuditLog(database: app.db).verify(tenant: "auditcsv").breaks.isEmpty)
        }
    }
}
