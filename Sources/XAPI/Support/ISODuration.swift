/// ISO 8601 durations as used by `result.duration` (xAPI Data §4.6): the format of ISO
/// 8601:2004 §4.4.3.2 — `PnYnMnDTnHnMnS` or `PnW` — never the alternative `PYYYY-MM-DD…`.
///
/// Each component is optional but at least one is required, `T` must be followed by a time
/// component, weeks stand alone (`P4W1D` is invalid), and only the last component may carry a
/// decimal fraction (`PT1H0M0.1S`, `P0.5D`).
public struct ISODuration: Sendable, Hashable {
    public var years: Double = 0
    public var months: Double = 0
    public var weeks: Double = 0
    public var days: Double = 0
    public var hours: Double = 0
    public var minutes: Double = 0
    public var seconds: Double = 0

    /// Parses `text`, or returns nil when it is not an ISO 8601 duration.
    public static func parse(_ text: String) -> ISODuration? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 3, bytes[0] == UInt8(ascii: "P") else { return nil }
        var duration = ISODuration()
        var index = 1
        var inTime = false
        var lastRank = -1  // order: Y M W D | H M S
        var components = 0
        var sawFraction = false
        var timeComponents = 0
        var sawWeeks = false
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "T") {
                guard !inTime else { return nil }
                inTime = true
                index += 1
                continue
            }
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            guard index > start else { return nil }
            var number = Double(String(decoding: bytes[start..<index], as: UTF8.self)) ?? 0
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
                index += 1
                let fractionStart = index
                while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
                guard index > fractionStart else { return nil }
                number += Double("0." + String(decoding: bytes[fractionStart..<index], as: UTF8.self)) ?? 0
                sawFraction = true
            } else if sawFraction {
                return nil
            }
            guard index < bytes.count else { return nil }
            let designator = bytes[index]
            index += 1
            let rank: Int
            switch (inTime, designator) {
            case (false, UInt8(ascii: "Y")): rank = 0; duration.years = number
            case (false, UInt8(ascii: "M")): rank = 1; duration.months = number
            case (false, UInt8(ascii: "W")): rank = 2; duration.weeks = number; sawWeeks = true
            case (false, UInt8(ascii: "D")): rank = 3; duration.days = number
            case (true, UInt8(ascii: "H")): rank = 4; duration.hours = number
            case (true, UInt8(ascii: "M")): rank = 5; duration.minutes = number
            case (true, UInt8(ascii: "S")): rank = 6; duration.seconds = number
            default: return nil
            }
            guard rank > lastRank else { return nil }
            // A fraction is only allowed on the last component.
            if sawFraction, index != bytes.count { return nil }
            lastRank = rank
            components += 1
            if inTime { timeComponents += 1 }
        }
        guard components > 0, !inTime || timeComponents > 0 else { return nil }
        // Weeks cannot be combined with other components.
        if sawWeeks, components != 1 { return nil }
        return duration
    }

    /// Whether `text` is a valid ISO 8601 duration.
    public static func isValid(_ text: String) -> Bool { parse(text) != nil }

    /// Seconds with months of 30 days and years of 365 days: for sorting and reports only, as
    /// the spec notes durations cannot be converted exactly (Data §2.3.1.b8).
    public var approximateSeconds: Double {
        seconds + minutes * 60 + hours * 3600 + (days + weeks * 7) * 86400 + months * 30 * 86400 + years * 365 * 86400
    }

    /// The components with seconds truncated to 0.01 s, for statement comparison (Data
    /// §4.6.s1.b5: precision beyond 0.01 s SHOULD* NOT be compared).
    var comparisonKey: [Double] {
        [years, months, weeks, days, hours, minutes, (seconds * 100).rounded(.towardZero)]
    }
}
