import Foundation

/// Reads and writes the ISO 8601 date-times of LTI Advantage services. AGS 2.0 §3.4.5 asks for
/// the score `timestamp` "formatted as ISO 8601 with a sub-second precision", so the strict form
/// requires fractional seconds and an explicit offset (`Z` or `±hh:mm`).
public enum ISO8601Timestamp {
    /// `2024-04-01T09:30:15.250+09:00` → the instant, or nil when it is not in that form.
    ///
    /// - Parameter requireFraction: false also accepts `2024-04-01T09:30:15Z` (line item
    ///   `startDateTime`/`endDateTime`, which the spec does not require to be sub-second).
    public static func parse(_ text: String, requireFraction: Bool = true) -> Date? {
        let chars = Array(text.utf8)
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= chars.count else { return nil }
            var value = 0
            for c in chars[i..<(i + count)] {
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            i += count
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard i < chars.count, chars[i] == byte else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2),
            i < chars.count, chars[i] == 84 || chars[i] == 116  // T or t
        else { return nil }
        i += 1
        guard let hour = digits(2), expect(58), let minute = digits(2), expect(58), let second = digits(2)
        else { return nil }
        var fraction = 0.0
        if i < chars.count, chars[i] == 46 {  // .
            i += 1
            var scale = 0.1
            var count = 0
            while i < chars.count, chars[i] >= 48, chars[i] <= 57 {
                fraction += Double(chars[i] - 48) * scale
                scale /= 10
                count += 1
                i += 1
            }
            guard count > 0 else { return nil }
        } else if requireFraction {
            return nil
        }
        guard i < chars.count else { return nil }  // the offset is required
        var offsetSeconds = 0
        if chars[i] == 90 || chars[i] == 122 {  // Z or z
            i += 1
        } else if chars[i] == 43 || chars[i] == 45 {  // + or -
            let sign = chars[i] == 45 ? -1 : 1
            i += 1
            guard let hours = digits(2) else { return nil }
            _ = expect(58)
            guard let minutes = digits(2), hours <= 23, minutes <= 59 else { return nil }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard i == chars.count, (1...12).contains(month), (1...31).contains(day), hour <= 23, minute <= 59,
            second <= 60
        else { return nil }

        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let base = calendar.date(from: components),
            calendar.component(.day, from: base) == day  // rejects 2024-02-31
        else { return nil }
        return base.addingTimeInterval(fraction - Double(offsetSeconds))
    }

    /// `date` in UTC with milliseconds: `2024-04-01T00:30:15.250Z`.
    public static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let whole = date.timeIntervalSince1970.rounded(.down)
        var millis = Int(((date.timeIntervalSince1970 - whole) * 1000).rounded())
        var seconds = Date(timeIntervalSince1970: whole)
        if millis == 1000 {
            millis = 0
            seconds = seconds.addingTimeInterval(1)
        }
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: seconds)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):"
            + "\(pad(c.second, 2)).\(pad(millis, 3))Z"
    }
}
