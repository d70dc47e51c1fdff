import Foundation

/// Reading helpers the validators use on claims and request bodies held as ``LTIJSON``.
extension LTIJSON {
    public var number: Double? { if case .number(let value) = self { value } else { nil } }
    public var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The member `key` of an object, nil for anything else.
    public subscript(key: String) -> LTIJSON? { object?[key] }

    /// A string, or every string of an array of strings: how `aud` may be written (RFC 7519 §4.1.3).
    public var stringOrStrings: [String]? {
        switch self {
        case .string(let value): return [value]
        case .array(let values):
            let strings = values.compactMap(\.string)
            return strings.count == values.count ? strings : nil
        default: return nil
        }
    }

    /// Re-reads this value as a `Decodable` type, e.g. one content item of a Deep Linking response.
    public func decode<T: Decodable>(as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(self))
    }
}
