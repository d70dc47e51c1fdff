import Foundation

/// Writes RFC 4180 CSV as UTF-8 without a byte order mark, rows ending in CRLF.
///
/// A field is quoted when it contains a comma, a double quote or a line break, and (OneRoster
/// CSV binding §2, lists) whenever the caller marks it as a list with more than one value.
public struct CSVWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends one row.
    public mutating func append(row fields: [String]) {
        for (position, field) in fields.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            append(field: field)
        }
        bytes.append(0x0D)
        bytes.append(0x0A)
    }

    private mutating func append(field: String) {
        let utf8 = field.utf8
        let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            bytes.append(contentsOf: utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for b in utf8 {
            if b == UInt8(ascii: "\"") { bytes.append(b) }
            bytes.append(b)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public var data: Data { Data(bytes) }
}
