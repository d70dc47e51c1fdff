/// The result (xAPI Data §2.4.5) and its score (§2.4.5.1).
extension Validation {
    static let resultKeys = ["score", "success", "completion", "response", "duration", "extensions"]
    static let scoreKeys = ["scaled", "raw", "min", "max"]

    mutating func result(_ value: JSON) throws(XAPIError) {
        let result = try object(value, "a result", allowed: Self.resultKeys)
        for member in result.members {
            try at(member.key) { v throws(XAPIError) in
                switch member.key {
                case "score": try v.score(member.value)
                case "success", "completion": try v.bool(member.value)
                case "response": _ = try v.string(member.value)
                case "duration":
                    let text = try v.string(member.value)
                    guard ISODuration.isValid(text) else {
                        throw v.error("duration.invalid", "duration must be an ISO 8601 duration such as PT1H30M5.25S; got \"\(text)\".")
                    }
                default: try v.extensions(member.value)
                }
            }
        }
    }

    /// `scaled` in −1…1; `min` < `max`; `min` ≤ `raw` ≤ `max` where present.
    mutating func score(_ value: JSON) throws(XAPIError) {
        let score = try object(value, "a score", allowed: Self.scoreKeys)
        var numbers: [String: Double] = [:]
        for member in score.members {
            numbers[member.key] = try at(member.key) { v throws(XAPIError) in try v.number(member.value) }
        }
        if let scaled = numbers["scaled"], !(-1...1).contains(scaled) {
            try at("scaled") { v throws(XAPIError) in
                throw v.error("score.scaled-out-of-range", "score.scaled must be between -1 and 1 inclusive; got \(scaled).")
            }
        }
        // Data 2.4.5.1 calls max "greater than min"; XAPI-00080 rejects a max *below* min. An
        // item worth nothing (min = max = raw = 0) is real data, so only max < min is refused.
        if let min = numbers["min"], let max = numbers["max"], max < min {
            try at("max") { v throws(XAPIError) in
                throw v.error("score.max-below-min", "score.max (\(max)) must not be less than score.min (\(min)).")
            }
        }
        if let raw = numbers["raw"] {
            if let min = numbers["min"], raw < min {
                try at("raw") { v throws(XAPIError) in
                    throw v.error("score.raw-below-min", "score.raw (\(raw)) must not be less than score.min (\(min)).")
                }
            }
            if let max = numbers["max"], raw > max {
                try at("raw") { v throws(XAPIError) in
                    throw v.error("score.raw-above-max", "score.raw (\(raw)) must not be greater than score.max (\(max)).")
                }
            }
        }
    }
}
