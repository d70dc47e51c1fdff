/// A JSON value as the LRS receives, validates, stores and returns it.
///
/// Objects keep their members in the order they arrived (``JSONObject``), so the `exact` statement
/// format returns a statement as it was sent, and numbers keep whether they were written as
/// integers (``JSONNumber``), so `"raw": 1` comes back as `1`, never `1.0`.
/// Equality follows JSON semantics: object member order does not matter and `1 == 1.0`.
///
/// Parse with ``JSONParser``, write with ``JSON/encoded()``.
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSON])
    case object(JSONObject)

    /// The string value, or nil for any other kind.
    @inlinable public var string: String? { if case .string(let value) = self { value } else { nil } }
    /// The object value, or nil for any other kind.
    @inlinable public var object: JSONObject? { if case .object(let value) = self { value } else { nil } }
    /// The array value, or nil for any other kind.
    @inlinable public var array: [JSON]? { if case .array(let value) = self { value } else { nil } }
    /// The number value, or nil for any other kind.
    @inlinable public var number: JSONNumber? { if case .number(let value) = self { value } else { nil } }
    /// The boolean value, or nil for any other kind.
    @inlinable public var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    /// True for `null`.
    @inlinable public var isNull: Bool { if case .null = self { true } else { false } }

    /// The member `key` when this is an object.
    @inlinable public subscript(key: String) -> JSON? {
        if case .object(let object) = self { object[key] } else { nil }
    }

    /// The name of the kind, for messages: `object`, `array`, `string`, `number`, `boolean`, `null`.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

// MARK: - Literals

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .number(.integer(value)) }
    public init(floatLiteral value: Double) { self = .number(.double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    /// Members in the order written.
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(JSONObject(elements.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }
}
