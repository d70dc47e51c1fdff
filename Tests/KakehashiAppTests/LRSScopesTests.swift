import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting
import XAPI

@testable import KakehashiApp

/// Stand-alone LRS credentials limited to xAPI scopes (Communication §4.2): a call outside them
/// is a 403 naming what is missing; `statements/read/mine` reads only the credential's own.
@Suite struct LRSScopesTests {
    static func credential(_ app: Application, tenant: String, _ scopes: Set<XAPIScope>) async throws -> String {
        LRSTests.basic(try await LRSCredentials.create(tenantCode: tenant, label: "limited", scopes: XAPIScopes(scopes), actor: "test", database: app.db))
    }

    @Test(arguments: TestDatabase.available)
    func aReadingCredentialMayNotWrite(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (code, full) = try await LRSTests.tenant(app, "lrs-scope-read")
            let reader = try await Self.credential(app, tenant: code, [.statementsRead])
            let id = UUID()
            let refused = try await LRSTests.xapi(app, .POST, "statements", authorization: reader, body: LRSTests.statement(id: id))
            #expect(refused.status == .forbidden)
            #expect(refused.body.contains("credentials.insufficient-scope") && refused.body.contains("statements/write"), "\(refused.body)")
            #expect(refused.headers.first(name: "X-Experience-API-Version") == "1.0.3")
            #expect(try await LRSTests.xapi(app, .GET, "statements?statementId=\(id.uuidString.lowercased())", authorization: Self.basic(full)).status == .notFound)

            // The Alternate Request Syntax is judged by the method it carries.
            let form = "statementId=\(id.uuidString.lowercased())&Authorization=\(reader.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
                + "&X-Experience-API-Version=1.0.3&Content-Type=application%2Fjson&content="
                + LRSTests.statement(id: id).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let alternate = try await LRSTests.xapi(
                app, .POST, "statements?method=PUT", authorization: nil, version: nil, body: form, contentType: "application/x-www-form-urlencoded")
            #expect(alternate.status == .forbidden, "\(alternate.body)")

            #expect(try await LRSTests.xapi(app, .POST, "statements", authorization: Self.basic(full), body: LRSTests.statement(id: id)).status == .ok)
            #expect(try await LRSTests.xapi(app, .GET, "statements?statementId=\(id.uuidString.lowercased())", authorization: reader).status == .ok)
            #expect(try await LRSTests.xapi(app, .GET, "activities?activityId=https://kakehashi.test/activities/kanji-1", authorization: reader).status == .ok)
            let state = "activities/state?activityId=https://a.test/1&agent=%7B%22mbox%22%3A%22mailto%3Aa%40b.jp%22%7D&stateId=s"
            #expect(try await LRSTests.xapi(app, .PUT, state, authorization: reader, body: "{}").status == .forbidden)
            #expect(try await LRSTests.xapi(app, .GET, state, authorization: reader).status == .forbidden)
        }
    }

    static func basic(_ issued: LRSCredentials.Issued) -> String { LRSTests.basic(issued) }

    @Test(arguments: TestDatabase.available)
    func eachScopeOpensItsResources(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (code, _) = try await LRSTests.tenant(app, "lrs-scope-each")
            let writer = try await Self.credential(app, tenant: code, [.statementsWrite])
            let state = try await Self.credential(app, tenant: code, [.state])
            let profile = try await Self.credential(app, tenant: code, [.profile])
            let allRead = try await Self.credential(app, tenant: code, [.allRead])
            let statePath = "activities/state?activityId=https://a.test/1&agent=%7B%22mbox%22%3A%22mailto%3Aa%40b.jp%22%7D&stateId=s"
            let profilePath = "activities/profile?activityId=https://a.test/1&profileId=p"
            let calls: [(String, HTTPMethod, String, String?, HTTPStatus)] = [
                (writer, .POST, "statements", LRSTests.statement(), .ok),
                (writer, .GET, "statements", nil, .forbidden),
                (writer, .PUT, statePath, "{}", .forbidden),
                (state, .PUT, statePath, "{}", .noContent),
                (state, .GET, statePath, nil, .ok),
                (state, .DELETE, statePath, nil, .noContent),
                (state, .PUT, profilePath, "{}", .forbidden),
                (state, .GET, "statements", nil, .forbidden),
                (profile, .PUT, profilePath, "{}", .noContent),
                (profile, .GET, profilePath, nil, .ok),
                (profile, .GET, statePath, nil, .forbidden),
                (allRead, .GET, "statements", nil, .ok),
                (allRead, .GET, profilePath, nil, .ok),
                (allRead, .GET, "agents?agent=%7B%22mbox%22%3A%22mailto%3Aa%40b.jp%22%7D", nil, .ok),
                (allRead, .POST, "statements", LRSTests.statement(), .forbidden),
                (allRead, .DELETE, profilePath, nil, .forbidden),
            ]
            for (authorization, method, path, body, expected) in calls {
                let answer = try await LRSTests.xapi(app, method, path, authorization: authorization, body: body)
                #expect(answer.status == expected, "\(method) \(path): \(answer.body)")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func readMineSeesOnlyTheCredentialsOwnStatements(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (code, full) = try await LRSTests.tenant(app, "lrs-scope-mine")
            let mine = try await Self.credential(app, tenant: code, [.statementsWrite, .statementsReadMine])
            let activity = "https://kakehashi.test/activities/\(UUID().uuidString.lowercased())"
            let own = UUID(), other = UUID(), ownRef = UUID(), otherRef = UUID()
            #expect(try await LRSTests.xapi(app, .POST, "statements", authorization: mine, body: lrsStatement(id: own, object: #"{"id":"\#(activity)"}"#)).status == .ok)
            #expect(try await LRSTests.xapi(app, .POST, "statements", authorization: Self.basic(full), body: lrsStatement(id: other, object: #"{"id":"\#(activity)"}"#)).status == .ok)
            // StatementRefs to the matching statements: each credential's own only.
            #expect(try await LRSTests.xapi(app, .POST, "statements", authorization: mine, body: lrsStatement(id: ownRef, object: statementRef(other))).status == .ok)
            #expect(try await LRSTests.xapi(app, .POST, "statements", authorization: Self.basic(full), body: lrsStatement(id: otherRef, object: statementRef(own))).status == .ok)

            let listed = try await LRSTests.xapi(app, .GET, "statements?activity=\(activity)", authorization: mine)
            #expect(listed.status == .ok)
            #expect(try idsOf(listed) == [own.uuidString.lowercased()])
            let everything = try await LRSTests.xapi(app, .GET, "statements", authorization: mine)
            #expect(Set(try idsOf(everything)) == [own.uuidString.lowercased(), ownRef.uuidString.lowercased()])
            #expect(try await LRSTests.xapi(app, .GET, "statements?statementId=\(own.uuidString.lowercased())", authorization: mine).status == .ok)
            #expect(try await LRSTests.xapi(app, .GET, "statements?statementId=\(other.uuidString.lowercased())", authorization: mine).status == .notFound)
            // The merged definitions come from everyone's statements.
            #expect(try await LRSTests.xapi(app, .GET, "activities?activityId=\(activity)", authorization: mine).status == .forbidden)

            let all = try await LRSTests.xapi(app, .GET, "statements?activity=\(activity)", authorization: Self.basic(full))
            #expect(Set(try idsOf(all)) == Set([own, other, ownRef, otherRef].map { $0.uuidString.lowercased() }))
        }
    }

    @Test(arguments: TestDatabase.available)
    func credentialsAreUnlimitedUnlessScopedAndScopesAreKept(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (code, full) = try await LRSTests.tenant(app, "lrs-scope-default")
            let stored = try #require(try await LRSCredential.query(on: app.db).filter(\.$key == full.key).first())
            #expect(stored.scopes == "all")
            // A row written without the column, as every credential made before migration 016,
            // reads as unrestricted.
            let olderKey = UUID().uuidString.lowercased()
            try await app.db.sql.insert(into: LRSCredential.schema)
                .columns("id", "tenant_id", "key", "secret_hash", "label", "created_by", "created_at")
                .values(
                    SQLBind(UUID()), SQLBind(stored.tenantID), SQLBind(olderKey), SQLBind(Sessions.hash("older secret")), SQLBind("made before scopes"),
                    SQLBind("test"), SQLBind(Date())
                ).run()
            let olderAnswer = try await LRSTests.xapi(
                app, .POST, "statements", authorization: LRSTests.basic(.init(key: olderKey, secret: "older secret")), body: LRSTests.statement())
            #expect(olderAnswer.status == .ok, "\(olderAnswer.body)")
            #expect(try await LRSCredential.query(on: app.db).filter(\.$key == olderKey).first()?.scopes == "all")
            let limited = try await LRSCredentials.create(
                tenantCode: code, label: "reader", scopes: XAPIScopes([.allRead, .statementsReadMine]), actor: "test", database: app.db)
            let row = try #require(try await LRSCredential.query(on: app.db).filter(\.$key == limited.key).first())
            #expect(row.scopes == "statements/read/mine all/read")
            let events = try await AuditLog(database: app.db).events(tenant: code)
            #expect(events.contains { $0.subject == "lrs-key:\(limited.key)" && $0.details.contains("all/read") })
        }
    }
}
