import Testing

@testable import XAPI

/// Data §2.4.5: the result and its score.
@Suite("Result and score")
struct ResultRulesTests {
    func withResult(_ result: JSON) -> JSON { Fixture.minimal(setting: ["result"], to: result) }
    func withScore(_ score: JSON) -> JSON { withResult(["score": score]) }

    @Test func aFullResultIsAccepted() {
        expectAccepted(
            withResult([
                "score": ["scaled": 0.8, "raw": 8, "min": 0, "max": 10], "success": true, "completion": false,
                "response": "b", "duration": "PT1M30.25S", "extensions": ["http://example.com/x": 1],
            ]))
    }

    @Test(arguments: [-1.0, 0.0, 1.0, 0.95])
    func scaledWithinMinusOneAndOneIsAccepted(scaled: Double) {
        expectAccepted(withScore(["scaled": .number(.double(scaled))]))
    }

    @Test(arguments: [-1.01, 1.5, 100.0])
    func scaledOutsideMinusOneAndOneIsRejected(scaled: Double) {
        expectRejected(withScore(["scaled": .number(.double(scaled))]), code: "score.scaled-out-of-range", path: "$.result.score.scaled")
    }

    @Test func rawBelowMinIsRejected() {
        expectRejected(withScore(["raw": -1, "min": 0, "max": 10]), code: "score.raw-below-min", path: "$.result.score.raw")
    }

    @Test func rawAboveMaxIsRejected() {
        expectRejected(withScore(["raw": 11, "min": 0, "max": 10]), code: "score.raw-above-max", path: "$.result.score.raw")
    }

    @Test func rawOnTheBoundsIsAccepted() {
        expectAccepted(withScore(["raw": 0, "min": 0, "max": 10]))
        expectAccepted(withScore(["raw": 10, "min": 0, "max": 10]))
        expectAccepted(withScore(["raw": 1000]))
    }

    @Test func maxMustNotBeBelowMin() {
        expectRejected(withScore(["min": 10, "max": 5]), code: "score.max-below-min", path: "$.result.score.max")
        expectRejected(withScore(["min": 0, "max": -0.5]), code: "score.max-below-min", path: "$.result.score.max")
    }

    @Test func anItemWorthNothingIsAccepted() {
        expectAccepted(withScore(["raw": 0, "min": 0, "max": 0]))
        expectAccepted(withScore(["raw": 5, "min": 5, "max": 5]))
    }

    @Test(arguments: ["scaled", "raw", "min", "max"])
    func scoreValuesMustBeNumbersNotStrings(key: String) {
        expectRejected(withScore(.object(JSONObject([(key, "100")]))), code: "value.wrong-type", path: "$.result.score.\(key)")
    }

    @Test(arguments: ["success", "completion"])
    func successAndCompletionMustBeBooleansNotStrings(key: String) {
        expectRejected(withResult(.object(JSONObject([(key, "false")]))), code: "value.wrong-type", path: "$.result.\(key)")
    }

    @Test func responseMustBeAString() {
        expectRejected(withResult(["response": 3]), code: "value.wrong-type", path: "$.result.response")
    }

    @Test(arguments: ["PT1H0M0.1S", "PT4H35M59.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W", "PT16559.14S", "PT0.001S", "P1DT12H"])
    func iso8601DurationsAreAccepted(duration: String) {
        expectAccepted(withResult(["duration": .string(duration)]))
    }

    @Test(arguments: ["PA1H0M0S", "should fail", "P4W1D", "P", "PT", "1H", "P1H", "PT1.5H30M", "P0001-02-03T04:05:06"])
    func nonDurationsAreRejected(duration: String) {
        expectRejected(withResult(["duration": .string(duration)]), code: "duration.invalid", path: "$.result.duration")
    }

    @Test func durationMustBeAString() {
        expectRejected(withResult(["duration": 12345]), code: "value.wrong-type", path: "$.result.duration")
    }

    @Test func aResultHasNoOtherProperties() {
        expectRejected(withResult(["Success": true]), code: "property.unknown", path: "$.result.Success")
        expectRejected(withScore(["percent": 50]), code: "property.unknown", path: "$.result.score.percent")
    }

    @Test func resultExtensionsMayHoldNull() {
        expectAccepted(withResult(["extensions": ["http://example.com/null": nil]]))
    }
}
