import Foundation

/// UUIDs in the standard string form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (xAPI Data §4.4,
/// RFC 4122), either case. Any version and variant is accepted: the spec's own examples use
/// UUIDs such as `12345678-1234-5678-1234-567812345678`.
public enum UUIDText {
    /// The UUID, or nil when `text` is not in the standard form.
    public static func parse(_ text: String) -> UUID? {
        guard text.utf8.count == 36 else { return nil }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &raw) { out -> Bool in
            var position = 0
            var written = 0
            var high: UInt8 = 0
            var haveHigh = false
            for byte in text.utf8 {
                defer { position += 1 }
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard byte == UInt8(ascii: "-") else { return false }
                    continue
                }
                guard let nibble = hexValue(byte) else { return false }
                if haveHigh {
                    out[written] = high << 4 | nibble
                    written += 1
                    haveHigh = false
                } else {
                    high = nibble
                    haveHigh = true
                }
            }
            return written == 16
        }
        return ok ? UUID(uuid: raw) : nil
    }

    /// The canonical lowercase form stored and compared by the LRS.
    public static func format(_ uuid: UUID) -> String { uuid.uuidString.lowercased() }

    @inline(__always) static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - 55
        default: nil
        }
    }
}
