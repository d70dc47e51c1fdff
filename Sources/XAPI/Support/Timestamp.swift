import Foundation

/// Timestamps of statements (`timestamp`, `stored`) and of the `since`/`until` query
/// parameters, parsed to an instant and re-written in UTC.
///
/// - 1.0.3 (Data §4.5): ISO 8601 combined date and time, extended or basic format, optional
///   seconds and fraction, optional zone (a missing zone is read as UTC). The offsets `-00`,
///   `-0000` and `-00:00` are rejected (the conformance suite requires it: RFC 3339 reserves
///   them for "unknown local offset").
/// - 2.0 (IEEE 9274.1.1 §4.2.7): RFC 3339 `date-time` only — full date, `T` (or space) and full
///   time with seconds, optional fraction, and a required `Z` or `±hh:mm` zone.
public struct Timestamp: Sendable, Hashable {
    /// How strictly to read: ISO 8601 (1.0.3) or RFC 3339 (2.0).
    public enum Profile: Sendable {
        case iso8601
        case rfc3339

        public init(_ version: XAPIVersion) { self = version == .v1_0_3 ? .iso8601 : .rfc3339 }
    }

    /// The instant.
    public var date: Date
    /// The same instant in UTC, `2024-06-01T00:30:15.250Z`, keeping the fraction digits that
    /// were sent (at least three).
    public var utcString: String

    /// Parses `text`, or returns nil when it is not a timestamp under `profile`.
    public static func parse(_ text: String, profile: Profile) -> Timestamp? {
        var scanner = Scanner(Array(text.utf8))
        return scanner.timestamp(profile: profile)
    }

    /// A timestamp for an instant set by the LRS (`stored`), with millisecond precision.
    public init(_ date: Date) {
        self.date = date
        let millis = (date.timeIntervalSince1970 * 1000).rounded(.down)
        let seconds = Int64((millis / 1000).rounded(.down))
        let fraction = Int(millis - Double(seconds) * 1000)
        var digits = String(fraction)
        while digits.count < 3 { digits = "0" + digits }
        self.utcString = Timestamp.utcText(epochSeconds: seconds, fractionDigits: Array(digits.utf8))
    }

    init(date: Date, utcString: String) {
        self.date = date
        self.utcString = utcString
    }

    /// `2024-06-01T00:30:15.250Z` for `date`.
    public static func format(_ date: Date) -> String { Timestamp(date).utcString }

    // MARK: - Calendar arithmetic (proleptic Gregorian, H. Hinnant's days-from-civil)

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func utcText(epochSeconds: Int64, fractionDigits: [UInt8]) -> String {
        let days = epochSeconds >= 0 ? epochSeconds / 86400 : (epochSeconds - 86399) / 86400
        let secondOfDay = Int(epochSeconds - days * 86400)
        let (year, month, day) = civilFromDays(days)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        func pad(_ value: Int, _ width: Int) {
            // Fixed-width decimal without intermediate strings (this runs for every statement).
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var remaining = value
            if remaining >= divisor * 10 {
                out.append(contentsOf: String(value).utf8)
                return
            }
            while divisor > 0 {
                out.append(UInt8(48 + remaining / divisor))
                remaining %= divisor
                divisor /= 10
            }
        }
        pad(year, 4)
        out.append(UInt8(ascii: "-"))
        pad(month, 2)
        out.append(UInt8(ascii: "-"))
        pad(day, 2)
        out.append(UInt8(ascii: "T"))
        pad(secondOfDay / 3600, 2)
        out.append(UInt8(ascii: ":"))
        pad(secondOfDay / 60 % 60, 2)
        out.append(UInt8(ascii: ":"))
        pad(secondOfDay % 60, 2)
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: fractionDigits)
        for _ in 0..<max(0, 3 - fractionDigits.count) { out.append(48) }
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Scanner

    struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }
        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += count
            return value
        }

        mutating func take(_ byte: UInt8) -> Bool {
            if peek() == byte {
                index += 1
                return true
            }
            return false
        }

        mutating func timestamp(profile: Profile) -> Timestamp? {
            let strict = profile == .rfc3339
            guard let year = digits(4) else { return nil }
            let extended = take(UInt8(ascii: "-"))
            if strict, !extended { return nil }
            guard let month = digits(2) else { return nil }
            if extended, !take(UInt8(ascii: "-")) { return nil }
            guard let day = digits(2) else { return nil }
            guard (1...12).contains(month), (1...daysInMonth(year: year, month: month)).contains(day) else { return nil }
            guard let separator = peek(), separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == 0x20
            else { return nil }
            index += 1
            guard let hour = digits(2) else { return nil }
            if extended, !take(UInt8(ascii: ":")) { return nil }
            guard let minute = digits(2) else { return nil }
            var second = 0
            var fraction: [UInt8] = []
            let hasSeconds: Bool
            if extended {
                hasSeconds = take(UInt8(ascii: ":"))
            } else {
                hasSeconds = peek().map { (48...57).contains($0) } ?? false
            }
            if hasSeconds {
                guard let value = digits(2) else { return nil }
                second = value
                if let mark = peek(), mark == UInt8(ascii: ".") || (!strict && mark == UInt8(ascii: ",")) {
                    index += 1
                    while let byte = peek(), (48...57).contains(byte) {
                        fraction.append(byte)
                        index += 1
                    }
                    guard !fraction.isEmpty else { return nil }
                }
            } else if strict {
                return nil
            }
            guard hour <= 23, minute <= 59, second <= 60 else { return nil }
            // Zone
            var offsetSeconds = 0
            if atEnd {
                if strict { return nil }
            } else if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) {
                // UTC
            } else if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                index += 1
                guard let offsetHours = digits(2) else { return nil }
                var offsetMinutes = 0
                if take(UInt8(ascii: ":")) {
                    guard let value = digits(2) else { return nil }
                    offsetMinutes = value
                } else if !atEnd {
                    if strict { return nil }
                    guard let value = digits(2) else { return nil }
                    offsetMinutes = value
                } else if strict {
                    return nil
                }
                guard offsetHours <= 23, offsetMinutes <= 59 else { return nil }
                // "-00", "-0000", "-00:00" mean "unknown local offset" (RFC 3339 §4.3).
                if sign == UInt8(ascii: "-"), offsetHours == 0, offsetMinutes == 0 { return nil }
                offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
            } else {
                return nil
            }
            guard atEnd else { return nil }
            let localSeconds = daysFromCivil(year: year, month: month, day: day) * 86400
                + Int64(hour * 3600 + minute * 60 + second)
            let epochSeconds = localSeconds - Int64(offsetSeconds)
            var fractionValue = 0.0
            var scale = 0.1
            for digit in fraction.prefix(9) {
                fractionValue += Double(digit - 48) * scale
                scale /= 10
            }
            let date = Date(timeIntervalSince1970: Double(epochSeconds) + fractionValue)
            return Timestamp(date: date, utcString: utcText(epochSeconds: epochSeconds, fractionDigits: fraction))
        }
    }
}
