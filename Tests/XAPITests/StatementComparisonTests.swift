import Testing

@testable import XAPI

/// Data §2.3.1: statement comparison for duplicate ids and signatures.
@Suite("Statement comparison")
struct StatementComparisonTests {
    static let base: JSON = Fixture.minimal
        .setting(["actor"], to: ["objectType": "Group", "mbox": "mailto:team@Example.com", "member": [["mbox": "mailto:a@example.com"], ["mbox": "mailto:b@example.com"]]])
        .setting(["context"], to: ["registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7", "contextActivities": ["parent": ["id": "http://example.com/p"]]])
        .setting(["result"], to: ["score": ["raw": 1], "duration": "PT1.234S"])
        .setting(["timestamp"], to: "2024-06-01T09:30:15.250+09:00")

    @Test func lrsSetPropertiesAreIgnored() throws {
        let stored = try Fixture.validate(Self.base).statement
        #expect(StatementComparison.matches(Self.base, stored))
    }

    @Test func serialisationDifferencesAreIgnored() {
        let variant = Self.base
            .setting(["actor", "member"], to: [["mbox": "mailto:b@example.com"], ["mbox": "mailto:a@example.com"]])
            .setting(["actor", "mbox"], to: "mailto:team@example.COM")
            .setting(["context", "registration"], to: "EC531277-B57B-4C15-8D91-D292C5B2B8F7")
            .setting(["context", "contextActivities", "parent"], to: [["id": "http://example.com/p", "objectType": "Activity"]])
            .setting(["result", "score", "raw"], to: 1.0)
            .setting(["result", "duration"], to: "PT1.23S")
            .setting(["timestamp"], to: "2024-06-01T00:30:15.25Z")
            .setting(["verb", "display"], to: ["ja-JP": "作成した"])
            .setting(["object", "definition"], to: ["name": ["en": "renamed"]])
        #expect(StatementComparison.matches(variant, Self.base))
    }

    static let differences: [([String], JSON)] = [
        (["verb", "id"], JSON.string("http://example.com/other")),
        (["object", "id"], "http://example.com/other"),
        (["result", "score", "raw"], 2),
        (["result", "duration"], "PT1.3S"),
        (["result", "success"], true),
        (["actor", "member"], [["mbox": "mailto:a@example.com"]]),
        (["timestamp"], "2024-06-01T09:30:16.250+09:00"),
        (["context", "contextActivities", "grouping"], [["id": "http://example.com/g"]]),
    ]

    @Test(arguments: differences)
    func meaningfulDifferencesAreNotIgnored(path: [String], value: JSON) {
        #expect(!StatementComparison.matches(Self.base.setting(path, to: value), Self.base))
    }

    @Test func attachmentOrderIsIgnored() {
        let a: JSON = ["usageType": "http://example.com/u", "display": ["en": "a"], "contentType": "text/plain", "length": 1, "sha2": "aa"]
        let b = a.setting(["sha2"], to: "bb")
        #expect(StatementComparison.matches(Self.base.setting(["attachments"], to: [a, b]), Self.base.setting(["attachments"], to: [b, a])))
        #expect(!StatementComparison.matches(Self.base.setting(["attachments"], to: [a]), Self.base.setting(["attachments"], to: [b])))
    }
}
