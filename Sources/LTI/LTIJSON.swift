import Foundation

/// Any JSON value: the claims of a message are built and read as this, so a claim the library
/// does not model still travels intact.
public enum LTIJSON: Sendable, Equatable, Codable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([LTIJSON])
    case object([String: LTIJSON])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([LTIJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: LTIJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value):
            // Whole numbers (exp, iat) as integers: some tools reject `1.7e9`.
            if value.rounded() == value, abs(value) < 9.0e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var object: [String: LTIJSON]? { if case .object(let value) = self { value } else { nil } }
    public var array: [LTIJSON]? { if case .array(let value) = self { value } else { nil } }

    /// A JSON value from any `Encodable` (the typed claims of the library).
    public static func from(_ value: some Encodable) throws -> LTIJSON {
        let data = try JSONEncoder().encode(value)
        return try JSONDecoder().decode(LTIJSON.self, from: data)
    }
}
