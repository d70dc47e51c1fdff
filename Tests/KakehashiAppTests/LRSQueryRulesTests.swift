import Foundation
import Testing
import VaporTesting
import XAPI

@testable import KakehashiApp

/// Two rules of GET /statements that reach past the statement itself: StatementRefs to a
/// matching statement match too (Communication §2.1.3.s3), and `format=canonical` shows the
/// LRS's canonical Activity definitions in one language (§2.1.3.s4).
@Suite struct LRSQueryRulesTests {
    static func post(_ app: Application, _ authorization: String, _ statement: String) async throws {
        let answer = try await LRSTests.xapi(app, .POST, "statements", authorization: authorization, body: statement)
        #expect(answer.status == .ok, "\(answer.body)")
        // `stored` has millisecond precision: each statement gets its own instant, so the
        // expected order and the since / until cuts do not depend on ids.
        try await Task.sleep(for: .milliseconds(3))
    }

    static func ids(_ app: Application, _ authorization: String, _ query: String) async throws -> [String] {
        let answer = try await LRSTests.xapi(app, .GET, "statements?" + query, authorization: authorization)
        #expect(answer.status == .ok, "\(answer.body)")
        return try idsOf(answer)
    }

    /// A page is cut from the filter rows before their statements are read; a statement the
    /// page cannot show (voided, another verb, another credential's under read/mine) is made up
    /// from the next filter rows, so a small page is still full and in order.
    @Test(arguments: TestDatabase.available)
    func aPageSkipsWhatItCannotShowAndStaysFull(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (code, issued) = try await LRSTests.tenant(app, "lrs-page")
            let auth = LRSTests.basic(issued)
            let kana = "mailto:kana-\(UUID().uuidString.lowercased())@example.org"
            let agent = #"{"mbox":"\#(kana)"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let unit = "https://kakehashi.test/activities/\(UUID().uuidString.lowercased())"
            let answered = "http://adlnet.gov/expapi/verbs/answered", completed = "http://adlnet.gov/expapi/verbs/completed"
            let ids = (0..<5).map { _ in UUID() }
            for (index, id) in ids.enumerated() {
                try await Self.post(app, auth, lrsStatement(id: id, mbox: kana, verb: index == 0 || index == 3 ? answered : completed, object: #"{"id":"\#(unit)"}"#))
            }
            let text = ids.map { $0.uuidString.lowercased() }
            let activity = unit.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!

            // Another verb: the two newest filter rows are "completed".
            #expect(try await Self.ids(app, auth, "activity=\(activity)&verb=\(answered)&limit=1") == [text[3]])
            let answer = try await LRSTests.xapi(app, .GET, "statements?activity=\(activity)&verb=\(answered)&limit=1", authorization: auth)
            let more = try #require(try JSONParser.parse(Array(answer.body.utf8))["more"]?.string)
            let moreQuery = try #require(more.split(separator: "?", maxSplits: 1).last.map(String.init))
            let next = try await LRSTests.xapi(app, .GET, "statements?" + moreQuery, authorization: auth)
            #expect(try idsOf(next) == [text[0]])

            // Voided: the newest is voided; its voiding statement is returned (its target matches), then the next two.
            let voiding = UUID()
            try await Self.post(app, auth, #"{"id":"\#(voiding.uuidString.lowercased())","actor":{"mbox":"mailto:sensei@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":\#(statementRef(ids[4]))}"#)
            #expect(try await Self.ids(app, auth, "agent=\(agent)&limit=3") == [voiding.uuidString.lowercased(), text[3], text[2]])

            // Another credential's statements are newer than this credential's own.
            let mine = try await LRSCredentials.create(tenantCode: code, label: "mine", scopes: try XAPIScopes(parsing: "statements/write statements/read/mine"), actor: "test", database: app.db)
            let own = UUID()
            try await Self.post(app, LRSTests.basic(mine), lrsStatement(id: own, object: #"{"id":"\#(unit)"}"#))
            for _ in 0..<3 { try await Self.post(app, auth, lrsStatement(object: #"{"id":"\#(unit)"}"#)) }
            #expect(try await Self.ids(app, LRSTests.basic(mine), "activity=\(activity)&limit=1") == [own.uuidString.lowercased()])
        }
    }

    @Test(arguments: TestDatabase.available)
    func statementsTargetingAMatchingStatementAreReturned(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (_, issued) = try await LRSTests.tenant(app, "lrs-ref")
            let auth = LRSTests.basic(issued)
            let ben = "mailto:ben-\(UUID().uuidString.lowercased())@example.org"
            let training = "https://kakehashi.test/activities/\(UUID().uuidString.lowercased())"
            let passed = UUID(), confirmed = UUID(), countersigned = UUID(), unrelated = UUID()
            try await Self.post(app, auth, lrsStatement(id: passed, mbox: ben, object: #"{"id":"\#(training)"}"#))
            try await Self.post(app, auth, lrsStatement(id: unrelated, object: #"{"id":"https://kakehashi.test/activities/other"}"#))
            try await Self.post(app, auth, lrsStatement(id: confirmed, object: statementRef(passed)))
            try await Self.post(app, auth, lrsStatement(id: countersigned, object: statementRef(confirmed)))
            let expected = [countersigned, confirmed, passed].map { $0.uuidString.lowercased() }

            let benJSON = #"{"mbox":"\#(ben)"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await Self.ids(app, auth, "agent=\(benJSON)") == expected)
            #expect(try await Self.ids(app, auth, "activity=\(training)") == expected)
            #expect(try await Self.ids(app, auth, "activity=\(training)&ascending=true") == expected.reversed())
            #expect(try await Self.ids(app, auth, "verb=http://adlnet.gov/expapi/verbs/experienced&activity=\(training)") == expected)

            // since / until / limit apply to the targeting statement itself: page by page.
            var pages: [String] = []
            var next: String? = "statements?activity=\(training)&limit=1"
            while let path = next {
                let answer = try await LRSTests.xapi(app, .GET, path, authorization: auth)
                pages += try idsOf(answer)
                let more = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])["more"] as? String ?? ""
                next = more.isEmpty ? nil : String(more.drop { $0 == "/" }.dropFirst("xapi/".count))
                #expect(pages.count <= 3)
            }
            #expect(pages == expected)
            let confirmedStored = try #require(try await LRSTests.xapi(app, .GET, "statements?statementId=\(confirmed.uuidString.lowercased())", authorization: auth).body
                .firstMatch(of: /"stored":"([^"]+)"/)?.1)
            #expect(try await Self.ids(app, auth, "activity=\(training)&since=\(confirmedStored)") == [expected[0]])
            #expect(try await Self.ids(app, auth, "activity=\(training)&until=\(confirmedStored)") == Array(expected.dropFirst()))

            // Not for a single statement.
            #expect(try await LRSTests.xapi(app, .GET, "statements?statementId=\(unrelated.uuidString.lowercased())", authorization: auth).status == .ok)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aVoidedTargetStillBringsItsTargetingStatements(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (_, issued) = try await LRSTests.tenant(app, "lrs-ref-void")
            let auth = LRSTests.basic(issued)
            let drill = "https://kakehashi.test/activities/\(UUID().uuidString.lowercased())"
            let target = UUID(), voiding = UUID(), comment = UUID()
            try await Self.post(app, auth, lrsStatement(id: target, object: #"{"id":"\#(drill)"}"#))
            try await Self.post(app, auth, lrsStatement(id: comment, object: statementRef(target)))
            try await Self.post(app, auth, lrsStatement(id: voiding, verb: "http://adlnet.gov/expapi/verbs/voided", object: statementRef(target)))
            // Communication §2.1.4.s1: the voided statement is not returned, the statements
            // targeting it are, the voiding statement included.
            #expect(try await Self.ids(app, auth, "activity=\(drill)") == [voiding, comment].map { $0.uuidString.lowercased() })
        }
    }

    @Test(arguments: TestDatabase.available)
    func canonicalShowsTheMergedDefinitionInTheChosenLanguage(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let (_, issued) = try await LRSTests.tenant(app, "lrs-canonical")
            let auth = LRSTests.basic(issued)
            let drill = "https://kakehashi.test/activities/\(UUID().uuidString.lowercased())"
            let english = UUID(), japanese = UUID()
            try await Self.post(
                app, auth, lrsStatement(id: english, object: #"{"id":"\#(drill)","definition":{"name":{"en-US":"Kanji drill"},"description":{"en-US":"Grade 3 kanji"}}}"#))
            try await Self.post(app, auth, lrsStatement(id: japanese, object: #"{"id":"\#(drill)","definition":{"name":{"ja-JP":"漢字ドリル"}}}"#))

            func definition(_ path: String, language: String) async throws -> [[String: Any]] {
                let answer = try await lrsCall(app, .GET, path, authorization: auth, headers: [("Accept-Language", language)])
                #expect(answer.status == .ok, "\(answer.body)")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
                let statements = object["statements"] as? [[String: Any]] ?? [object]
                return statements.compactMap { ($0["object"] as? [String: Any])?["definition"] as? [String: Any] }
            }
            // The English statement, read in Japanese: the name another statement gave.
            let single = try await definition("statements?statementId=\(english.uuidString.lowercased())&format=canonical", language: "ja-JP, en;q=0.5")
            #expect(single.first?["name"] as? [String: String] == ["ja-JP": "漢字ドリル"])
            #expect(single.first?["description"] as? [String: String] == ["en-US": "Grade 3 kanji"])
            // Both statements of a query show the same canonical definition; in English on request.
            let listed = try await definition("statements?activity=\(drill)&format=canonical", language: "en")
            #expect(listed.count == 2 && listed.allSatisfy { $0["name"] as? [String: String] == ["en-US": "Kanji drill"] })
            // `exact` keeps each statement as it was sent.
            let exact = try await definition("statements?statementId=\(english.uuidString.lowercased())", language: "ja-JP")
            #expect(exact.first?["name"] as? [String: String] == ["en-US": "Kanji drill"])
        }
    }
}
