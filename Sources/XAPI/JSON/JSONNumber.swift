/// A JSON number that remembers whether it was an integer (`1`) or not (`1.0`, `0.95`, `1e3`).
///
/// xAPI Data §2.2 asks the LRS to keep at least IEEE 754 single precision; integers are kept
/// exactly up to 64 bits so identifiers and `raw` scores round-trip unchanged. Two numbers are
/// equal when their values are (`1 == 1.0`), as in JSON.
public enum JSONNumber: Sendable, Hashable, CustomStringConvertible {
    case integer(Int64)
    case double(Double)

    /// The value as a Double (integers beyond 2^53 lose precision).
    @inlinable public var doubleValue: Double {
        switch self {
        case .integer(let value): Double(value)
        case .double(let value): value
        }
    }

    /// The value as an exact integer: integers, and doubles with no fractional part in range.
    public var integerValue: Int64? {
        switch self {
        case .integer(let value): return value
        case .double(let value):
            guard value.rounded(.towardZero) == value, abs(value) < 9.2e18 else { return nil }
            return Int64(value)
        }
    }

    /// The JSON text of the number.
    public var description: String {
        switch self {
        case .integer(let value): String(value)
        case .double(let value): value.description
        }
    }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)): a == b
        default: lhs.doubleValue == rhs.doubleValue
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(doubleValue)
    }
}
