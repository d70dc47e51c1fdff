import Foundation

/// A streaming RFC 4180 reader over UTF-8 bytes.
///
/// OneRoster CSV binding §2: RFC 4180 syntax, UTF-8, a leading byte order mark is accepted and
/// skipped, rows end in CRLF or LF, and a carriage return may not appear inside a field.
/// The reader works on bytes (not `Character`s) so a million-row package parses in seconds.
public struct CSVReader: Sendable {
    /// One parsed row: its fields and the 1-based physical line on which it starts.
    public struct Row: Sendable, Equatable {
        public var fields: [String]
        public var line: Int
    }

    /// A syntax problem found while reading; the row it belongs to is skipped.
    public struct SyntaxError: Error, Sendable, Equatable {
        public enum Kind: String, Sendable {
            case invalidUTF8 = "csv.encoding"
            case unterminatedQuote = "csv.unterminated-quote"
            case strayQuote = "csv.stray-quote"
            case carriageReturnInField = "csv.cr-in-field"
        }
        public var kind: Kind
        public var line: Int
        /// 1-based field position within the row.
        public var column: Int
    }

    private let bytes: [UInt8]
    private var index: Int
    private var line = 1
    /// Whether the input began with a UTF-8 byte order mark (EF BB BF).
    public let hadByteOrderMark: Bool

    public init(data: Data) {
        self.init(bytes: [UInt8](data))
    }

    public init(string: String) {
        self.init(bytes: Array(string.utf8))
    }

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        self.hadByteOrderMark = bom
        self.index = bom ? 3 : 0
    }

    /// Reads the next row, `nil` at the end of input. A row with a syntax error is consumed and
    /// reported as `.failure` so the caller can go on and report every problem in one run.
    public mutating func next() -> Result<Row, SyntaxError>? {
        let count = bytes.count
        guard index < count else { return nil }
        let startLine = line
        var fields: [String] = []
        fields.reserveCapacity(32)
        var failure: SyntaxError?

        return bytes.withUnsafeBufferPointer { buffer -> Result<Row, SyntaxError>? in
            var i = index
            var field: [UInt8] = []
            fieldLoop: while true {
                field.removeAll(keepingCapacity: true)
                if i < count, buffer[i] == UInt8(ascii: "\"") {
                    // Quoted field.
                    i += 1
                    var closed = false
                    while i < count {
                        let b = buffer[i]
                        if b == UInt8(ascii: "\"") {
                            if i + 1 < count, buffer[i + 1] == UInt8(ascii: "\"") {
                                field.append(b)
                                i += 2
                                continue
                            }
                            i += 1
                            closed = true
                            break
                        }
                        if b == 0x0D {
                            if failure == nil {
                                failure = SyntaxError(kind: .carriageReturnInField, line: line, column: fields.count + 1)
                            }
                        } else if b == 0x0A {
                            line += 1
                        }
                        field.append(b)
                        i += 1
                    }
                    if !closed {
                        if failure == nil {
                            failure = SyntaxError(kind: .unterminatedQuote, line: startLine, column: fields.count + 1)
                        }
                        index = count
                        return .failure(failure!)
                    }
                    // After a closing quote only a separator or a line end may follow.
                    if i < count, buffer[i] != UInt8(ascii: ","), buffer[i] != 0x0A, buffer[i] != 0x0D {
                        if failure == nil {
                            failure = SyntaxError(kind: .strayQuote, line: line, column: fields.count + 1)
                        }
                        while i < count, buffer[i] != UInt8(ascii: ","), buffer[i] != 0x0A, buffer[i] != 0x0D {
                            field.append(buffer[i])
                            i += 1
                        }
                    }
                } else {
                    let start = i
                    while i < count {
                        let b = buffer[i]
                        if b == UInt8(ascii: ",") || b == 0x0A || b == 0x0D { break }
                        if b == UInt8(ascii: "\""), failure == nil {
                            failure = SyntaxError(kind: .strayQuote, line: line, column: fields.count + 1)
                        }
                        i += 1
                    }
                    field.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<i]))
                }
                if let text = String(validating: field, as: UTF8.self) {
                    fields.append(text)
                } else {
                    if failure == nil {
                        failure = SyntaxError(kind: .invalidUTF8, line: line, column: fields.count + 1)
                    }
                    fields.append(String(decoding: field, as: UTF8.self))
                }
                if i >= count { break fieldLoop }
                switch buffer[i] {
                case UInt8(ascii: ","):
                    i += 1
                    if i >= count {
                        fields.append("")
                        break fieldLoop
                    }
                case 0x0D:
                    i += 1
                    if i < count, buffer[i] == 0x0A { i += 1 }
                    line += 1
                    break fieldLoop
                default:  // LF
                    i += 1
                    line += 1
                    break fieldLoop
                }
            }
            index = i
            if let failure { return .failure(failure) }
            return .success(Row(fields: fields, line: startLine))
        }
    }

    /// Whether a row is a blank line (a single empty field), which readers skip.
    public static func isBlank(_ row: Row) -> Bool {
        row.fields.count == 1 && row.fields[0].isEmpty
    }
}
