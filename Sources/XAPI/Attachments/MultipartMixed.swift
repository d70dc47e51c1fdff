/// Reading and writing `multipart/mixed` bodies (RFC 2046 §5.1.1) as xAPI uses them for
/// attachments (Communication §1.5.2).
///
/// The parser accepts CRLF (the standard) and bare LF line breaks, `Name: value` and
/// `Name:value` header fields, a preamble and an epilogue; it requires the close delimiter.
public enum MultipartMixed {
    /// The boundary of a `multipart/mixed` Content-Type, or `multipart.*` errors when the type is
    /// not multipart/mixed or has no boundary.
    public static func boundary(contentType: String) throws(XAPIError) -> String {
        guard MediaType.essence(contentType) == "multipart/mixed" else {
            throw XAPIError(code: "multipart.content-type", message: "The Content-Type must be multipart/mixed; got \"\(contentType)\".")
        }
        guard let boundary = MediaType.parameter("boundary", in: contentType), !boundary.isEmpty, boundary.utf8.count <= 70 else {
            throw XAPIError(code: "multipart.boundary-missing", message: "The multipart/mixed Content-Type has no boundary parameter.")
        }
        return boundary
    }

    /// The parts of `body`, in order.
    public static func parse(_ body: [UInt8], boundary: String) throws(XAPIError) -> [MultipartPart] {
        let delimiter = Array(("--" + boundary).utf8)
        var positions: [Int] = []  // start of each delimiter line
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            let atLineStart = found == 0 || body[found - 1] == 0x0A
            if atLineStart { positions.append(found) }
            index = found + delimiter.count
        }
        guard !positions.isEmpty else {
            throw XAPIError(code: "multipart.boundary-not-found", message: "The body does not contain the boundary \"\(boundary)\".")
        }
        var parts: [MultipartPart] = []
        for (number, start) in positions.enumerated() {
            var cursor = start + delimiter.count
            if cursor + 1 < body.count, body[cursor] == UInt8(ascii: "-"), body[cursor + 1] == UInt8(ascii: "-") {
                return parts  // close delimiter
            }
            while cursor < body.count, body[cursor] == 0x20 || body[cursor] == 0x09 { cursor += 1 }
            if cursor < body.count, body[cursor] == 0x0D { cursor += 1 }
            guard cursor < body.count, body[cursor] == 0x0A else {
                throw XAPIError(code: "multipart.malformed", message: "A boundary line must end with a line break.")
            }
            cursor += 1
            guard number + 1 < positions.count else { break }
            var end = positions[number + 1] - 1  // the LF before the next delimiter
            if end > cursor, body[end - 1] == 0x0D { end -= 1 }
            parts.append(try part(Array(body[cursor..<max(cursor, end)])))
        }
        throw XAPIError(code: "multipart.unterminated", message: "The multipart body has no closing boundary \"--\(boundary)--\".")
    }

    static func part(_ bytes: [UInt8]) throws(XAPIError) -> MultipartPart {
        var headers: [MultipartPart.Header] = []
        var cursor = 0
        while true {
            guard let lineEnd = bytes[cursor...].firstIndex(of: 0x0A) else {
                throw XAPIError(code: "multipart.malformed", message: "A part's header section does not end with an empty line.")
            }
            var line = bytes[cursor..<lineEnd]
            if line.last == 0x0D { line = line.dropLast() }
            cursor = lineEnd + 1
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw XAPIError(code: "multipart.header-invalid", message: "A part header line has no colon: \"\(String(decoding: line, as: UTF8.self))\".")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).trimmingCharacters(in: " \t")
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: " \t")
            headers.append(MultipartPart.Header(name: name, value: value))
        }
        return MultipartPart(headers: headers, body: Array(bytes[cursor...]))
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    /// A `multipart/mixed` body: CRLF line breaks, each part's headers then its bytes, and the
    /// close delimiter. Use with `Content-Type: multipart/mixed; boundary=<boundary>`.
    public static func write(_ parts: [MultipartPart], boundary: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(parts.reduce(256) { $0 + $1.body.count + 200 })
        for part in parts {
            out.append(contentsOf: Array("--\(boundary)\r\n".utf8))
            for header in part.headers { out.append(contentsOf: Array("\(header.name): \(header.value)\r\n".utf8)) }
            out.append(contentsOf: [0x0D, 0x0A])
            out.append(contentsOf: part.body)
            out.append(contentsOf: [0x0D, 0x0A])
        }
        out.append(contentsOf: Array("--\(boundary)--\r\n".utf8))
        return out
    }
}
