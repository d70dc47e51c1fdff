import Foundation

/// The walk over one statement (or SubStatement) that applies the xAPI data rules and collects
/// the facts the LRS indexes. One extension per concept holds that concept's rules:
/// `Agent.swift`, `Verb.swift`, `Activity.swift`, `StatementObject.swift`, `Result.swift`,
/// `Context.swift`, `Attachment.swift`, `LanguageMap.swift`, `Extensions.swift`, `Statement.swift`.
struct Validation {
    let version: XAPIVersion
    var path = JSONPath()
    var facts = StatementFacts()
    /// True while inside the object of a statement that is a SubStatement.
    var inSubStatement = false

    init(version: XAPIVersion) {
        self.version = version
    }

    // MARK: - Errors

    func error(_ code: String, _ message: String) -> XAPIError {
        XAPIError(code: code, path: path.rendered, message: message)
    }

    func wrongType(_ value: JSON, expected: String) -> XAPIError {
        if value.isNull {
            return error("value.null", "\(path.rendered) must not be null (null is only allowed inside extensions).")
        }
        return error("value.wrong-type", "\(path.rendered) must be \(expected), not \(value.kindName).")
    }

    // MARK: - Walking

    /// Runs `body` with `key` appended to the path.
    @inline(__always)
    mutating func at<T>(_ key: String, _ body: (inout Validation) throws(XAPIError) -> T) throws(XAPIError) -> T {
        path.push(key)
        let result = try body(&self)
        path.pop()
        return result
    }

    /// Runs `body` with `[index]` appended to the path.
    @inline(__always)
    mutating func at<T>(_ index: Int, _ body: (inout Validation) throws(XAPIError) -> T) throws(XAPIError) -> T {
        path.push(index)
        let result = try body(&self)
        path.pop()
        return result
    }

    /// The value as an object whose keys are all in `allowed` and whose values are not null
    /// (Data §2.2.s4.b1.b1, b5, b7: no nulls, keys in the spec's case, no keys the spec does
    /// not allow).
    mutating func object(_ value: JSON, _ what: String, allowed: [String]) throws(XAPIError) -> JSONObject {
        guard case .object(let object) = value else { throw wrongType(value, expected: "\(what) (a JSON object)") }
        for member in object.members {
            var known = false
            for key in allowed where key == member.key {
                known = true
                break
            }
            if !known {
                path.push(member.key)
                defer { path.pop() }
                throw error(
                    "property.unknown",
                    "\"\(member.key)\" is not a property of \(what) (keys are case-sensitive; allowed: \(allowed.joined(separator: ", "))).")
            }
            if member.value.isNull {
                path.push(member.key)
                defer { path.pop() }
                throw error("value.null", "\(path.rendered) must not be null (null is only allowed inside extensions).")
            }
        }
        return object
    }

    /// The required member `key`, or `property.missing`.
    func required(_ object: JSONObject, _ key: String, of what: String) throws(XAPIError) -> JSON {
        guard let value = object[key] else {
            throw XAPIError(
                code: "property.missing", path: JSONPath.render(path.components + [.key(key)]),
                message: "\(what) requires the property \"\(key)\".")
        }
        return value
    }

    mutating func string(_ value: JSON) throws(XAPIError) -> String {
        guard case .string(let string) = value else { throw wrongType(value, expected: "a string") }
        return string
    }

    mutating func bool(_ value: JSON) throws(XAPIError) {
        guard case .bool = value else { throw wrongType(value, expected: "a boolean (true or false)") }
    }

    mutating func number(_ value: JSON) throws(XAPIError) -> Double {
        guard case .number(let number) = value else { throw wrongType(value, expected: "a number") }
        return number.doubleValue
    }

    mutating func array(_ value: JSON, of what: String) throws(XAPIError) -> [JSON] {
        guard case .array(let array) = value else { throw wrongType(value, expected: "an array of \(what)") }
        return array
    }

    // MARK: - Formats

    mutating func iri(_ value: JSON, what: String = "an IRI") throws(XAPIError) -> String {
        let text = try string(value)
        guard IRI.isValid(text) else {
            throw error("iri.invalid", "\(path.rendered) must be \(what) with a scheme, such as http://example.com/x; got \"\(text)\".")
        }
        return text
    }

    mutating func irl(_ value: JSON) throws(XAPIError) -> String {
        let text = try string(value)
        guard IRI.isValidIRL(text) else {
            throw error("irl.invalid", "\(path.rendered) must be an IRL (a resolvable IRI with a scheme); got \"\(text)\".")
        }
        return text
    }

    mutating func uuid(_ value: JSON) throws(XAPIError) -> UUID {
        let text = try string(value)
        guard let uuid = UUIDText.parse(text) else {
            throw error("uuid.invalid", "\(path.rendered) must be a UUID in standard form (8-4-4-4-12 hex digits); got \"\(text)\".")
        }
        return uuid
    }

    mutating func timestamp(_ value: JSON) throws(XAPIError) -> Timestamp {
        let text = try string(value)
        guard let timestamp = Timestamp.parse(text, profile: Timestamp.Profile(version)) else {
            let form = version == .v1_0_3 ? "an ISO 8601 date-time" : "an RFC 3339 date-time with a time zone"
            throw error("timestamp.invalid", "\(path.rendered) must be \(form), such as 2024-06-01T09:30:15.250+09:00; got \"\(text)\".")
        }
        return timestamp
    }
}
