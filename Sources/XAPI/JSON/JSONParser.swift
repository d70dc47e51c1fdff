import Foundation

/// A strict, fast RFC 8259 JSON parser for statement bodies and documents.
///
/// - Rejects duplicate keys in an object (xAPI Data §2.2.s2.b2: "A Statement MUST use each
///   property no more than one time"), invalid UTF-8, control characters in strings, lone
///   surrogates, trailing data and nesting deeper than `maxDepth`.
/// - Keeps integers as integers (``JSONNumber/integer(_:)``) and member order (``JSONObject``).
/// - Errors are ``XAPIError`` values with code `json.*`, the byte `offset` and the JSON path of
///   the enclosing value (`$.actor`).
///
/// ```swift
/// let json = try JSONParser.parse(Array(body))
/// ```
public enum JSONParser {
    /// The default nesting limit: far deeper than any statement, shallow enough for the stack.
    public static let defaultMaxDepth = 200

    /// Parses one JSON value filling the whole of `bytes` (surrounding whitespace allowed).
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth) throws(XAPIError) -> JSON {
        let result: Result<JSON, XAPIError>? = bytes.withContiguousStorageIfAvailable { buffer in
            parseBuffer(buffer, maxDepth: maxDepth)
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { parseBuffer($0, maxDepth: maxDepth) }.get()
    }

    /// Parses a UTF-8 string (for tests and query parameters such as `agent`).
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(XAPIError) -> JSON {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    private static func parseBuffer(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Result<JSON, XAPIError> {
        var reader = Reader(buffer: buffer, maxDepth: maxDepth)
        do throws(Failure) {
            reader.skipWhitespace()
            let value = try reader.parseValue(depth: 0)
            reader.skipWhitespace()
            if reader.index != buffer.count {
                throw Failure(code: "json.trailing-data", offset: reader.index, message: "Unexpected data after the JSON value.")
            }
            return .success(value)
        } catch {
            return .failure(
                XAPIError(code: error.code, path: JSONPath.render(error.path.reversed()), offset: error.offset, message: error.message))
        }
    }

    /// An error on its way up; each enclosing value adds its path component.
    struct Failure: Error {
        var code: String
        var offset: Int
        var message: String
        var path: [JSONPath.Component] = []
    }

    struct Reader {
        let base: UnsafePointer<UInt8>
        let count: Int
        let maxDepth: Int
        var index = 0
        var scratch: [UInt8] = []

        init(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            // An empty buffer may have a nil base address; point at a static byte instead.
            self.base = buffer.baseAddress ?? UnsafePointer(Reader.emptyByte)
            self.count = buffer.count
            self.maxDepth = maxDepth
        }

        nonisolated(unsafe) static let emptyByte: UnsafeMutablePointer<UInt8> = {
            let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
            pointer.initialize(to: 0)
            return pointer
        }()

        @inline(__always) func peek() -> UInt8? { index < count ? base[index] : nil }

        @inline(__always) mutating func skipWhitespace() {
            while index < count {
                let byte = base[index]
                guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
                index += 1
            }
        }

        func fail(_ code: String, _ message: String, at offset: Int? = nil) -> Failure {
            Failure(code: code, offset: offset ?? index, message: message)
        }

        mutating func parseValue(depth: Int) throws(Failure) -> JSON {
            guard let byte = peek() else { throw fail("json.unexpected-end", "The JSON ends where a value was expected.") }
            switch byte {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw fail("json.unexpected-character", "Unexpected character where a JSON value was expected.")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(Failure) {
            let length = literal.utf8CodeUnitCount
            guard index + length <= count, memcmp(base + index, literal.utf8Start, length) == 0 else {
                throw fail("json.invalid-literal", "Expected \(literal).")
            }
            index += length
        }

        mutating func parseObject(depth: Int) throws(Failure) -> JSON {
            guard depth <= maxDepth else { throw fail("json.too-deep", "The JSON is nested more than \(maxDepth) levels deep.") }
            index += 1  // {
            var members: [JSONObject.Member] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                index += 1
                return .object(JSONObject(members))
            }
            var seen: Set<String>? = nil
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw fail("json.expected-key", "Expected a string key in the object.") }
                let keyOffset = index
                let key = try parseString()
                // Small objects: a linear scan beats hashing; large ones switch to a set.
                if members.count < 16 {
                    for member in members where member.key == key {
                        throw fail("json.duplicate-key", "The key \"\(key)\" appears more than once in the object.", at: keyOffset)
                    }
                    if members.count == 15 { seen = Set(members.map(\.key)); seen!.insert(key) }
                } else if seen!.insert(key).inserted == false {
                    throw fail("json.duplicate-key", "The key \"\(key)\" appears more than once in the object.", at: keyOffset)
                }
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw fail("json.expected-colon", "Expected ':' after the key.") }
                index += 1
                skipWhitespace()
                let value: JSON
                do throws(Failure) {
                    value = try parseValue(depth: depth)
                } catch {
                    var failure = error
                    failure.path.append(.key(key))
                    throw failure
                }
                members.append(JSONObject.Member(key: key, value: value))
                skipWhitespace()
                guard let next = peek() else { throw fail("json.unexpected-end", "The JSON ends inside an object.") }
                index += 1
                if next == UInt8(ascii: ",") { continue }
                if next == UInt8(ascii: "}") { return .object(JSONObject(members)) }
                throw fail("json.expected-comma", "Expected ',' or '}' in the object.", at: index - 1)
            }
        }

        mutating func parseArray(depth: Int) throws(Failure) -> JSON {
            guard depth <= maxDepth else { throw fail("json.too-deep", "The JSON is nested more than \(maxDepth) levels deep.") }
            index += 1  // [
            var elements: [JSON] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                do throws(Failure) {
                    elements.append(try parseValue(depth: depth))
                } catch {
                    var failure = error
                    failure.path.append(.index(elements.count))
                    throw failure
                }
                skipWhitespace()
                guard let next = peek() else { throw fail("json.unexpected-end", "The JSON ends inside an array.") }
                index += 1
                if next == UInt8(ascii: ",") { continue }
                if next == UInt8(ascii: "]") { return .array(elements) }
                throw fail("json.expected-comma", "Expected ',' or ']' in the array.", at: index - 1)
            }
        }

        mutating func parseString() throws(Failure) -> String {
            index += 1  // opening quote
            let start = index
            var nonASCII = false
            // Fast path: no escapes.
            while index < count {
                let byte = base[index]
                if byte == UInt8(ascii: "\"") {
                    let buffer = UnsafeBufferPointer(start: base + start, count: index - start)
                    if nonASCII, !UTF8Validation.isValid(buffer) {
                        throw fail("json.invalid-utf8", "The string is not valid UTF-8.", at: start)
                    }
                    index += 1
                    return String(decoding: buffer, as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw fail("json.control-character", "Control characters must be escaped in strings.") }
                if byte >= 0x80 { nonASCII = true }
                index += 1
            }
            guard index < count else { throw fail("json.unterminated-string", "The string is not closed.", at: start - 1) }
            // Slow path: copy with escapes decoded.
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: index - start))
            while index < count {
                let byte = base[index]
                if byte == UInt8(ascii: "\"") {
                    if nonASCII, !scratch.withUnsafeBufferPointer({ UTF8Validation.isValid($0) }) {
                        throw fail("json.invalid-utf8", "The string is not valid UTF-8.", at: start)
                    }
                    index += 1
                    return String(decoding: scratch, as: UTF8.self)
                }
                if byte < 0x20 { throw fail("json.control-character", "Control characters must be escaped in strings.") }
                if byte >= 0x80 { nonASCII = true }
                if byte != UInt8(ascii: "\\") {
                    scratch.append(byte)
                    index += 1
                    continue
                }
                index += 1
                guard index < count else { break }
                let escape = base[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < count, base[index] == UInt8(ascii: "\\"), base[index + 1] == UInt8(ascii: "u") else {
                            throw fail("json.lone-surrogate", "A \\u escape holds half of a surrogate pair.")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw fail("json.lone-surrogate", "A \\u escape holds half of a surrogate pair.")
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("json.lone-surrogate", "A \\u escape holds half of a surrogate pair.")
                    }
                    appendUTF8(scalar)
                default:
                    throw fail("json.invalid-escape", "Unknown escape sequence in a string.", at: index - 2)
                }
            }
            throw fail("json.unterminated-string", "The string is not closed.", at: start - 1)
        }

        mutating func parseHex4() throws(Failure) -> UInt32 {
            guard index + 4 <= count else { throw fail("json.invalid-escape", "A \\u escape needs four hex digits.") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = base[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - 48
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - 87
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - 55
                default: throw fail("json.invalid-escape", "A \\u escape needs four hex digits.")
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }

        mutating func appendUTF8(_ scalar: UInt32) {
            switch scalar {
            case 0..<0x80:
                scratch.append(UInt8(scalar))
            case 0x80..<0x800:
                scratch.append(UInt8(0xC0 | (scalar >> 6)))
                scratch.append(UInt8(0x80 | (scalar & 0x3F)))
            case 0x800..<0x10000:
                scratch.append(UInt8(0xE0 | (scalar >> 12)))
                scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                scratch.append(UInt8(0x80 | (scalar & 0x3F)))
            default:
                scratch.append(UInt8(0xF0 | (scalar >> 18)))
                scratch.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
                scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                scratch.append(UInt8(0x80 | (scalar & 0x3F)))
            }
        }

        mutating func parseNumber() throws(Failure) -> JSONNumber {
            let start = index
            var negative = false
            if base[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            guard index < count, (48...57).contains(base[index]) else {
                throw fail("json.invalid-number", "A number needs digits.", at: start)
            }
            var integer: UInt64 = 0
            var overflow = false
            var digits = 0
            if base[index] == UInt8(ascii: "0") {
                index += 1
                if index < count, (48...57).contains(base[index]) {
                    throw fail("json.invalid-number", "Numbers must not have leading zeros.", at: start)
                }
                digits = 1
            } else {
                while index < count, (48...57).contains(base[index]) {
                    let (times, o1) = integer.multipliedReportingOverflow(by: 10)
                    let (plus, o2) = times.addingReportingOverflow(UInt64(base[index] - 48))
                    overflow = overflow || o1 || o2
                    integer = plus
                    digits += 1
                    index += 1
                }
            }
            var isInteger = true
            if index < count, base[index] == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                guard index < count, (48...57).contains(base[index]) else {
                    throw fail("json.invalid-number", "A decimal point must be followed by digits.", at: start)
                }
                while index < count, (48...57).contains(base[index]) { index += 1 }
            }
            if index < count, base[index] == UInt8(ascii: "e") || base[index] == UInt8(ascii: "E") {
                isInteger = false
                index += 1
                if index < count, base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-") { index += 1 }
                guard index < count, (48...57).contains(base[index]) else {
                    throw fail("json.invalid-number", "An exponent must have digits.", at: start)
                }
                while index < count, (48...57).contains(base[index]) { index += 1 }
            }
            if isInteger, !overflow {
                if negative {
                    if integer <= UInt64(Int64.max) { return .integer(-Int64(integer)) }
                    if integer == UInt64(Int64.max) + 1 { return .integer(Int64.min) }
                } else if integer <= UInt64(Int64.max) {
                    return .integer(Int64(integer))
                }
            }
            let text = String(decoding: UnsafeBufferPointer(start: base + start, count: index - start), as: UTF8.self)
            guard let value = Double(text), value.isFinite else {
                throw fail("json.invalid-number", "The number is out of range.", at: start)
            }
            return .double(value)
        }
    }
}
