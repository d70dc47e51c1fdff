import Testing

@testable import XAPI

/// Communication §2.1.3: the exact, ids and canonical formats.
@Suite("Statement formats")
struct StatementFormatTests {
    static let statement: JSON = [
        "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "actor": ["objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.com"],
        "verb": ["id": "http://example.com/v", "display": ["en-US": "sent", "ja-JP": "送信した"]],
        "object": ["objectType": "Activity", "id": "http://example.com/a", "definition": [
            "name": ["en-US": "Q1", "ja-JP": "問1", "ja": "問一"], "description": ["en-US": "d"],
            "interactionType": "choice", "choices": [["id": "x", "description": ["en-US": "X", "ja-JP": "エックス"]]],
        ]],
        "context": [
            "instructor": ["objectType": "Group", "name": "Teachers", "member": [["name": "T", "mbox": "mailto:t@example.com"]]],
            "contextActivities": ["parent": [["id": "http://example.com/p", "definition": ["name": ["en": "P"]]]]],
        ],
    ]

    @Test func exactReturnsTheStoredStatement() {
        #expect(StatementFormat.exact.apply(to: Self.statement) == Self.statement)
    }

    @Test func idsKeepsOnlyIdentifiers() {
        let ids = StatementFormat.ids.apply(to: Self.statement)
        #expect(ids["actor"] == ["objectType": "Agent", "mbox": "mailto:ann@example.com"])
        #expect(ids["verb"] == ["id": "http://example.com/v"])
        #expect(ids["object"] == ["objectType": "Activity", "id": "http://example.com/a"])
        #expect(ids["context"]?["instructor"] == ["objectType": "Group", "member": [["mbox": "mailto:t@example.com"]]])
        #expect(ids["context"]?["contextActivities"]?["parent"] == [["id": "http://example.com/p"]])
    }

    @Test func canonicalKeepsOneLanguagePerMap() {
        let canonical = StatementFormat.canonical.apply(to: Self.statement, acceptLanguage: AcceptLanguage("ja-JP, en;q=0.5"))
        #expect(canonical["verb"]?["display"] == ["ja-JP": "送信した"])
        #expect(canonical["object"]?["definition"]?["name"] == ["ja-JP": "問1"])
        #expect(canonical["object"]?["definition"]?["description"] == ["en-US": "d"])
        #expect(canonical["object"]?["definition"]?["choices"]?.array?.first?["description"] == ["ja-JP": "エックス"])
        #expect(canonical["actor"] == Self.statement["actor"])
    }

    @Test func acceptLanguageRangesMatchByPrefixAndQuality() throws {
        let map = try #require(JSON(dictionaryLiteral: ("en-US", "a"), ("ja-JP", "b"), ("fr", "c")).object)
        #expect(AcceptLanguage("ja").choose(from: map) == "ja-JP")
        #expect(AcceptLanguage("fr;q=0.2, en;q=0.9").choose(from: map) == "en-US")
        #expect(AcceptLanguage("de").choose(from: map) == "en-US")
        #expect(AcceptLanguage(nil).choose(from: map) == "en-US")
        #expect(AcceptLanguage("*").choose(from: map) == "en-US")
    }

    @Test func theFormatParameterIsParsed() throws {
        #expect(try StatementFormat.parse(nil) == .exact)
        #expect(try StatementFormat.parse("ids") == .ids)
        #expect(throws: XAPIError.self) { try StatementFormat.parse("IDS") }
    }

    @Test func canonicalDefinitionsCanComeFromTheLRS() {
        let canonical = StatementFormat.canonical.apply(
            to: Self.statement, acceptLanguage: AcceptLanguage("en"),
            canonicalDefinition: { $0 == "http://example.com/a" ? ["name": ["en": "Canonical", "ja": "正規"]] : nil })
        #expect(canonical["object"]?["definition"] == ["name": ["en": "Canonical"]])
    }
}
