import Foundation
import Testing

@testable import LTI

/// AGS 2.0 §3.2: line items created or replaced by a tool, and the URLs built from them.
@Suite("Line items")
struct LineItemTests {
    func write(_ json: String) -> LTIError? {
        ltiError { _ = try LineItem.decodeForWrite(Data(json.utf8)) }
    }

    @Test func aLineItemWithLabelAndPositiveMaximumIsAccepted() throws {
        let item = try LineItem.decodeForWrite(
            Data(#"{"scoreMaximum": 60, "label": "第3回 小テスト", "resourceId": "quiz-3", "tag": "grade"}"#.utf8))
        #expect(item.label == "第3回 小テスト")
        #expect(item.scoreMaximum == 60)
    }

    @Test(arguments: [#"{"scoreMaximum": 60}"#, #"{"scoreMaximum": 60, "label": "  "}"#])
    func aMissingOrBlankLabelIs400(json: String) {
        let error = write(json)
        #expect(error?.code == "ags.lineitem.label-required")
        #expect(error?.path == "$.label")
        #expect(error?.status == 400)
    }

    @Test(arguments: [#"{"label": "A"}"#, #"{"label": "A", "scoreMaximum": 0}"#, #"{"label": "A", "scoreMaximum": -10}"#])
    func aMissingZeroOrNegativeMaximumIs400(json: String) {
        let error = write(json)
        #expect(error?.code == "ags.lineitem.score-maximum")
        #expect(error?.path == "$.scoreMaximum")
        #expect(error?.status == 400)
    }

    @Test func aWrongTypeNamesItsPath() {
        let error = write(#"{"label": "A", "scoreMaximum": "ten"}"#)
        #expect(error?.code == "ags.lineitem.invalid")
        #expect(error?.path == "$.scoreMaximum")
    }

    @Test func datesMustBeISO8601() {
        #expect(write(#"{"label": "A", "scoreMaximum": 1, "endDateTime": "2024/06/01"}"#)?.path == "$.endDateTime")
        #expect(write(#"{"label": "A", "scoreMaximum": 1, "endDateTime": "2024-06-01T23:59:59+09:00"}"#) == nil)
    }

    @Test func aForeignResourceLinkIs404() {
        #expect(LTIError.lineItemForeignResourceLink("rl-9").status == 404)
    }

    // MARK: - URLs

    @Test func scoresGoBeforeTheQuery() {
        #expect(AGSURL.scores(of: "https://lms.example/lineitems/7?type_id=2") == "https://lms.example/lineitems/7/scores?type_id=2")
        #expect(AGSURL.results(of: "https://lms.example/lineitems/7?type_id=2") == "https://lms.example/lineitems/7/results?type_id=2")
    }

    @Test func plainAndTrailingSlashURLs() {
        #expect(AGSURL.scores(of: "https://lms.example/lineitems/7") == "https://lms.example/lineitems/7/scores")
        #expect(AGSURL.scores(of: "https://lms.example/lineitems/7/") == "https://lms.example/lineitems/7/scores")
        #expect(AGSURL.results(of: "https://lms.example/li/7/?a=1&b=2") == "https://lms.example/li/7/results?a=1&b=2")
    }

    @Test func mediaTypesMatchIgnoringParameters() {
        #expect(AGSMediaType.matches("application/vnd.ims.lis.v1.score+json; charset=utf-8", AGSMediaType.score))
        #expect(!AGSMediaType.matches("application/json", AGSMediaType.score))
        #expect(AGSScope.score == "https://purl.imsglobal.org/spec/lti-ags/scope/score")
    }

    @Test func resultContainerIsAJSONArrayOfResults() throws {
        let container = AGSResultContainer([
            AGSResult(
                id: "https://lms.example/lineitems/7/results/u1", scoreOf: "https://lms.example/lineitems/7",
                userId: "u1", resultScore: 8, resultMaximum: 10, comment: "OK")
        ])
        let json = try JSONDecoder().decode(LTIJSON.self, from: container.jsonData())
        let first = try #require(json.array?.first?.object)
        #expect(Set(first.keys) == ["id", "scoreOf", "userId", "resultScore", "resultMaximum", "comment"])
        #expect(try JSONDecoder().decode(AGSResultContainer.self, from: container.jsonData()) == container)
    }

    @Test func endpointClaimOmitsLineitemWhenAbsent() throws {
        let claim = AGSEndpointClaim(scope: [AGSScope.score], lineitems: "https://lms.example/c/1/lineitems")
        let json = try JSONDecoder().decode([String: LTIJSON].self, from: JSONEncoder().encode(claim))
        #expect(json["lineitem"] == nil)
        #expect(json["lineitems"] == "https://lms.example/c/1/lineitems")
    }
}
