import Testing

@testable import XAPI

/// Communication §2.1.3.s4.b3: `canonical` shows the LRS's canonical definition of every Activity
/// of a statement, in one language.
@Suite("Canonical format: the LRS's definitions")
struct CanonicalDefinitionTests {
    static let statement = #"""
        {"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},
         "object":{"objectType":"SubStatement","actor":{"mbox":"mailto:b@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/answered"},
           "object":{"id":"https://a.test/inner","definition":{"name":{"en-US":"Inner"}}},
           "context":{"contextActivities":{"parent":[{"id":"https://a.test/inner-parent"}]}}},
         "context":{"contextActivities":{"grouping":{"id":"https://a.test/group"},"category":[{"id":"https://a.test/cat"},{"objectType":"Activity","id":"https://a.test/cat2"}]}}}
        """#

    @Test func theActivitiesAreTheObjectTheContextAndBothInASubStatement() throws {
        let ids = StatementFormat.activityIDs(in: try JSONParser.parse(Self.statement))
        #expect(Set(ids) == ["https://a.test/inner", "https://a.test/inner-parent", "https://a.test/group", "https://a.test/cat", "https://a.test/cat2"])
    }

    @Test func theLRSsDefinitionReplacesTheStatementsInTheChosenLanguage() throws {
        let canonical = try JSONParser.parse(#"{"name":{"en-US":"Inner activity","ja-JP":"内側の活動"},"type":"http://adlnet.gov/expapi/activities/assessment"}"#)
        let out = StatementFormat.canonical.apply(
            to: try JSONParser.parse(Self.statement), acceptLanguage: AcceptLanguage("ja"),
            canonicalDefinition: { $0 == "https://a.test/inner" ? .some(canonical) : .none })
        let definition = out["object"]?["object"]?["definition"]
        #expect(definition?["name"] == .object(JSONObject([JSONObject.Member(key: "ja-JP", value: .string("内側の活動"))])))
        #expect(definition?["type"]?.string == "http://adlnet.gov/expapi/activities/assessment")
        // An activity the LRS has no definition of keeps the statement's own (here: none).
        let grouping = out["context"]?["contextActivities"]?["grouping"]?.array?.first?.object
        #expect(grouping?["id"]?.string == "https://a.test/group" && grouping?.members.contains { $0.key == "definition" } == false)
    }
}
