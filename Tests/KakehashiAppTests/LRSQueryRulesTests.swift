import Foundation
import Testing
import VaporTesting

@testable import KakehashiApp

/// Rules of GET /statements that reach past the statement itself: `format=canonical` shows the
/// LRS's canonical Activity definitions in one language (Communication §2.1.3.s4).
@Suite struct LRSQueryRulesTests {
    static func post(_ app: Application, _ authorization: String, _ statement: String) async throws {
        let answer = try await LRSTests.xapi(app, .POST, "statements", authorization: authorization, body: statement)
        #expect(answer.status == .ok, "\(answer.body)")
        // `stored` has millisecond precision: each statement gets its own instant, so the
        // expected order and the since / until cuts do not depend on ids.
        try await Task.sleep(for: .milliseconds(3))
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
