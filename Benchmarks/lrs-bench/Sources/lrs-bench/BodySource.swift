import Foundation
import NIOCore

/// The request bodies of a run, handed out one at a time to whichever client asks next: the
/// lines of a file that `generate` wrote (each a JSON array of statements, or one statement), or
/// statements made on the fly from the seed.
final class BodySource: Sendable {
    struct Body: Sendable {
        /// Position of the body in the source (0, 1, …).
        var index: Int
        var bytes: ByteBuffer
        /// Statements in the body: the server must answer with as many ids.
        var statements: Int
    }

    struct Line: Sendable {
        var range: Range<Int>
        var statements: Int
    }

    private enum Origin: Sendable {
        case file(Data, [Line])
        case generated(StatementUniverse, start: UInt64, count: UInt64, batch: Int, asArray: Bool)
    }

    private let origin: Origin
    private let cursor = LockedBox(0)
    /// How many bodies there are.
    let count: Int
    /// How many statements they hold.
    let statementCount: Int

    /// The lines of `path` (mapped, not read; indexed once, before any request).
    init(file path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        let lines = Self.lines(of: data)
        origin = .file(data, lines)
        count = lines.count
        statementCount = lines.reduce(0) { $0 + $1.statements }
    }

    /// Statements `start ..< start + count` of `universe`, `batch` to a body; a batch of one is
    /// sent as a single statement (an object) unless `asArray`.
    init(universe: StatementUniverse, start: UInt64, count: UInt64, batch: Int, asArray: Bool) {
        origin = .generated(universe, start: start, count: count, batch: batch, asArray: asArray || batch > 1)
        self.count = Int((count + UInt64(batch) - 1) / UInt64(batch))
        statementCount = Int(count)
    }

    /// The next body, or nil when all have been handed out.
    func take() -> Body? {
        let index = cursor.mutate { value -> Int in
            defer { value += 1 }
            return value
        }
        guard index < count else { return nil }
        switch origin {
        case .file(let data, let lines):
            let line = lines[index]
            return data.withUnsafeBytes { raw in
                Body(index: index, bytes: ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: raw[line.range])), statements: line.statements)
            }
        case .generated(let universe, let start, let total, let batch, let asArray):
            let first = start + UInt64(index * batch)
            let end = min(first + UInt64(batch), start + total)
            var buffer = ByteBuffer()
            buffer.reserveCapacity(Int(end - first) * 2_000 + 2)
            if asArray { buffer.writeStaticString("[") }
            for statement in first..<end {
                if statement > first { buffer.writeStaticString(",") }
                buffer.writeString(universe.statement(statement).json)
            }
            if asArray { buffer.writeStaticString("]") }
            return Body(index: index, bytes: buffer, statements: Int(end - first))
        }
    }

    /// Lines of the file, each with the number of statements it holds: the members of a top-level
    /// array (commas at depth one, outside strings, plus one), or 1 for an object.
    static func lines(of data: Data) -> [Line] {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Line] in
            var lines: [Line] = []
            var start = 0
            var depth = 0
            var inString = false
            var escaped = false
            var members = 0
            var isArray = false
            var empty = true
            for (offset, byte) in raw.enumerated() {
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\n"):
                    if offset > start {
                        lines.append(Line(range: start..<offset, statements: isArray ? (empty ? 0 : members + 1) : 1))
                    }
                    start = offset + 1
                    depth = 0
                    members = 0
                    isArray = false
                    empty = true
                case UInt8(ascii: "\""):
                    inString = true
                    if depth == 1 { empty = false }
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    if depth == 0 { isArray = byte == UInt8(ascii: "[") } else if depth == 1 { empty = false }
                    depth += 1
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    depth -= 1
                case UInt8(ascii: ","):
                    if depth == 1 { members += 1 }
                case UInt8(ascii: " "), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                    break
                default:
                    if depth == 1 { empty = false }
                }
            }
            if raw.count > start {
                lines.append(Line(range: start..<raw.count, statements: isArray ? (empty ? 0 : members + 1) : 1))
            }
            return lines
        }
    }
}
