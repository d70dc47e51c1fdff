import Foundation

/// Timestamps and hashes the roster stores.
enum RosterDate {
    /// `YYYY-MM-DDTHH:MM:SS.sssZ`, the OneRoster DateTime form, in UTC.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let millis = (c.nanosecond ?? 0) / 1_000_000
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, millis)
    }

    /// A OneRoster DateTime with its fraction padded to three digits, so stored values compare
    /// correctly as text (`…:00Z` → `…:00.000Z`, `…:00.5Z` → `…:00.500Z`).
    static func normalized(_ value: String) -> String {
        guard value.hasSuffix("Z"), value.count >= 20 else { return value }
        let body = value.dropLast()
        if let dot = body.firstIndex(of: ".") {
            let fraction = body[body.index(after: dot)...]
            return String(body[..<dot]) + "." + String((fraction + "000").prefix(3)) + "Z"
        }
        return String(body) + ".000Z"
    }
}
