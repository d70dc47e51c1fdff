/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, seedable generator whose output is the
/// same on every platform and toolchain, so synthetic data is reproducible from its seed.
///
/// Deliberately not a `RandomNumberGenerator`: standard-library algorithms that take one may
/// change how many values they draw between releases, which would change the output.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// A generator for an independent stream, derived from a seed and a stream number.
    init(seed: UInt64, stream: UInt64) {
        state = Self.mix(seed ^ Self.mix(stream &+ 0x632B_E59B_D9B4_E019))
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A value in `0..<bound` (multiply-high; the bias is below 2⁻⁵⁰ for the bounds used here).
    mutating func next(below bound: Int) -> Int {
        precondition(bound > 0)
        return Int(truncatingIfNeeded: UInt64(bound).multipliedFullWidth(by: next()).high)
    }

    /// A value in `[0, 1)`.
    mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A random (version 4 layout) UUID in lowercase, e.g. `3f2b…-…`: 36 characters of
    /// `[0-9a-f-]`, which is valid OneRoster GUID syntax.
    mutating func uuid() -> String {
        let high = (next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            func put(_ value: UInt64, digits: Int) {
                var shift = (digits - 1) * 4
                while shift >= 0 {
                    buffer[position] = hexDigits[Int((value >> UInt64(shift)) & 0xF)]
                    position += 1
                    shift -= 4
                }
            }
            func dash() {
                buffer[position] = UInt8(ascii: "-")
                position += 1
            }
            put(high >> 32, digits: 8)
            dash()
            put(high >> 16, digits: 4)
            dash()
            put(high, digits: 4)
            dash()
            put(low >> 48, digits: 4)
            dash()
            put(low, digits: 12)
            return position
        }
    }

    /// The SplitMix64 finaliser (a bijective 64-bit mixer).
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// Cheap fixed-format text for the generator (no `String(format:)`).
enum DemoText {
    /// `value` in decimal, left-padded with zeros to `width` digits.
    static func zeroPadded(_ value: Int, width: Int) -> String {
        precondition(value >= 0)
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var rest = value
        var index = width - 1
        while rest > 0 && index >= 0 {
            digits[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            index -= 1
        }
        return rest > 0 ? String(value) : String(decoding: digits, as: UTF8.self)
    }

    /// `YYYY-MM-DD`.
    static func date(year: Int, month: Int, day: Int) -> String {
        String(unsafeUninitializedCapacity: 10) { buffer in
            var position = 0
            func put(_ value: Int, digits: Int) {
                var divisor = 1
                for _ in 1..<digits { divisor *= 10 }
                while divisor > 0 {
                    buffer[position] = UInt8(ascii: "0") + UInt8((value / divisor) % 10)
                    position += 1
                    divisor /= 10
                }
            }
            put(year, digits: 4)
            buffer[position] = UInt8(ascii: "-")
            position += 1
            put(month, digits: 2)
            buffer[position] = UInt8(ascii: "-")
            position += 1
            put(day, digits: 2)
            return position
        }
    }

    /// The civil date `days` days after 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days from 1970-01-01 to a civil date (inverse of ``civil(fromDays:)``).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// A number in kanji numerals (一, 十二, 百六十七), for 1 ... 9999.
    static func kanjiNumeral(_ value: Int) -> String {
        precondition(value > 0 && value < 10_000)
        let digits = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        var text = ""
        var rest = value
        for (unit, name) in [(1000, "千"), (100, "百"), (10, "十")] {
            let digit = rest / unit
            rest %= unit
            if digit > 0 { text += (digit == 1 ? "" : digits[digit]) + name }
        }
        return text + digits[rest]
    }
}
