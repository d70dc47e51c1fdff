import Foundation
import Testing

@testable import LTI

/// AGS 2.0 §3.4: the rules a published score must follow.
@Suite("Score rules")
struct ScoreRulesTests {
    static let valid: [String: LTIJSON] = [
        "userId": "5323497",
        "scoreGiven": 83,
        "scoreMaximum": 100,
        "comment": "よくできました",
        "timestamp": "2024-06-01T09:30:15.250+09:00",
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
    ]

    func decode(_ object: [String: LTIJSON]) throws -> Score {
        try Score.decode(JSONEncoder().encode(object))
    }

    func decode(changing key: String, to value: LTIJSON?) -> LTIError? {
        var object = Self.valid
        object[key] = value
        return ltiError { _ = try decode(object) }
    }

    @Test func aCompleteScoreIsAccepted() throws {
        let score = try decode(Self.valid)
        #expect(score.userId == "5323497")
        #expect(score.scoreGiven == 83)
        #expect(score.activityProgress == .completed)
        #expect(score.gradingProgress == .fullyGraded)
        #expect(score.timestamp == Date(timeIntervalSince1970: 1_717_201_815.25))
    }

    @Test(arguments: ["userId", "timestamp", "activityProgress", "gradingProgress"])
    func requiredFieldMissingIs400(field: String) {
        let error = decode(changing: field, to: nil)
        #expect(error?.code == "ags.score.missing-field")
        #expect(error?.path == "$.\(field)")
        #expect(error?.status == 400)
    }

    @Test func commentIsOptional() throws {
        var object = Self.valid
        object["comment"] = nil
        #expect(try decode(object).comment == nil)
    }

    @Test(arguments: ActivityProgress.allCases)
    func everyActivityProgressValueIsAccepted(value: ActivityProgress) throws {
        var object = Self.valid
        object["activityProgress"] = .string(value.rawValue)
        #expect(try decode(object).activityProgress == value)
    }

    @Test(arguments: GradingProgress.allCases)
    func everyGradingProgressValueIsAccepted(value: GradingProgress) throws {
        var object = Self.valid
        object["gradingProgress"] = .string(value.rawValue)
        #expect(try decode(object).gradingProgress == value)
    }

    @Test(arguments: ["completed", "Finished", ""])
    func otherActivityProgressIsRejected(value: String) {
        let error = decode(changing: "activityProgress", to: .string(value))
        #expect(error?.path == "$.activityProgress")
        #expect(error?.status == 400)
    }

    @Test(arguments: ["fullygraded", "Graded", "Partial"])
    func otherGradingProgressIsRejected(value: String) {
        let error = decode(changing: "gradingProgress", to: .string(value))
        #expect(error?.code == "ags.score.grading-progress")
        #expect(error?.path == "$.gradingProgress")
    }

    @Test(arguments: [
        "2024-06-01T00:30:15.250Z", "2024-06-01T09:30:15.250+09:00", "2024-06-01T00:30:15.250123Z",
        "2024-05-31T19:30:15.2-05:00",
    ])
    func subSecondTimestampsWithOffsetAreAccepted(stamp: String) throws {
        var object = Self.valid
        object["timestamp"] = .string(stamp)
        let score = try decode(object)
        #expect(abs(score.timestamp.timeIntervalSince1970 - 1_717_201_815.25) < 0.06)
    }

    @Test(arguments: [
        "2024-06-01T00:30:15Z", "2024-06-01T00:30:15.250", "2024-06-01 00:30:15.250Z", "1717201815",
        "2024-02-31T00:30:15.250Z", "2024-06-01T00:30:15.Z",
    ])
    func timestampsWithoutFractionOrOffsetAreRejected(stamp: String) {
        let error = decode(changing: "timestamp", to: .string(stamp))
        #expect(error?.code == "ags.score.timestamp-format")
        #expect(error?.path == "$.timestamp")
        #expect(error?.status == 400)
    }

    @Test func scoreGivenWithoutScoreMaximumIs422() {
        let error = decode(changing: "scoreMaximum", to: nil)
        #expect(error?.code == "ags.score.score-maximum")
        #expect(error?.path == "$.scoreMaximum")
        #expect(error?.status == 422)
    }

    @Test func scoreGivenWithNegativeScoreMaximumIs422() {
        #expect(decode(changing: "scoreMaximum", to: -1)?.status == 422)
    }

    @Test func scoreMaximumOfZeroIsAllowed() throws {
        var object = Self.valid
        object["scoreGiven"] = 0
        object["scoreMaximum"] = 0
        #expect(try decode(object).scoreMaximum == 0)
    }

    @Test func noScoreGivenNeedsNoScoreMaximum() throws {
        var object = Self.valid
        object["scoreGiven"] = nil
        object["scoreMaximum"] = nil
        object["gradingProgress"] = "Pending"
        #expect(try decode(object).scoreGiven == nil)
    }

    @Test func negativeScoreGivenIsRejected() {
        #expect(decode(changing: "scoreGiven", to: -5)?.path == "$.scoreGiven")
    }

    @Test func scoreGivenAsTextIsAWrongType() {
        let error = decode(changing: "scoreGiven", to: "83")
        #expect(error?.code == "ags.score.wrong-type")
        #expect(error?.path == "$.scoreGiven")
    }

    @Test func aBodyThatIsNotAnObjectIsRejected() {
        #expect(ltiError { _ = try Score.decode(Data("[1,2]".utf8)) }?.code == "json.malformed")
    }

    // MARK: - Rules with stored state

    @Test func anOlderTimestampThanTheStoredOneIs400() throws {
        let score = try decode(Self.valid)
        let stored = score.timestamp.addingTimeInterval(0.001)
        #expect(score.isOlder(than: stored))
        let error = ltiError { try score.checkNotOlder(than: stored) }
        #expect(error?.code == "ags.score.timestamp-older")
        #expect(error?.status == 400)
    }

    @Test func aNewerOrEqualTimestampIsAccepted() throws {
        let score = try decode(Self.valid)
        #expect(!score.isOlder(than: score.timestamp))
        try score.checkNotOlder(than: score.timestamp.addingTimeInterval(-60))
        try score.checkNotOlder(than: nil)
    }

    @Test(arguments: GradingProgress.allCases)
    func onlyFullyGradedAndPendingManualChangeTheGrade(progress: GradingProgress) throws {
        var object = Self.valid
        object["gradingProgress"] = .string(progress.rawValue)
        let expected = progress == .fullyGraded || progress == .pendingManual
        #expect(try decode(object).changesGrade == expected)
    }

    @Test func aUserOutsideTheContextIs422() {
        #expect(LTIError.scoreUserNotInContext("x").status == 422)
    }

    @Test func encodingWritesTheTimestampInUTCWithMilliseconds() throws {
        let score = try decode(Self.valid)
        let object = try JSONDecoder().decode([String: LTIJSON].self, from: JSONEncoder().encode(score))
        #expect(object["timestamp"] == "2024-06-01T00:30:15.250Z")
        #expect(try Score.decode(JSONEncoder().encode(score)) == score)
    }
}
