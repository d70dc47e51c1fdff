/// Writes compact JSON (no whitespace) into a byte buffer: the form the LRS stores and returns.
///
/// Strings are written as UTF-8 with only `"`, `\` and control characters escaped; integers
/// as integers; doubles in the shortest form that reads back to the same value.
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends `value`.
    public mutating func write(_ value: JSON) {
        switch value {
        case .null: appendASCII("null")
        case .bool(let flag): appendASCII(flag ? "true" : "false")
        case .number(let number): write(number)
        case .string(let string): write(string)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            var first = true
            for member in object.members {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                write(member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends raw, already-encoded JSON (for splicing stored statements into a result).
    public mutating func writeRaw(_ encoded: some Sequence<UInt8>) {
        bytes.append(contentsOf: encoded)
    }

    mutating func write(_ number: JSONNumber) {
        switch number {
        case .integer(let value):
            if value == 0 {
                bytes.append(UInt8(ascii: "0"))
                return
            }
            var magnitude = value.magnitude
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                         UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var count = 0
            withUnsafeMutableBytes(of: &digits) { buffer in
                while magnitude > 0 {
                    buffer[count] = UInt8(magnitude % 10) + 48
                    magnitude /= 10
                    count += 1
                }
                for position in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[position]) }
            }
        case .double(let value):
            appendASCII(value.description)
        }
    }

    mutating func write(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var utf8 = string.utf8
        let handled: Void? = utf8.withContiguousStorageIfAvailable { buffer in
            appendEscaped(buffer)
        }
        if handled == nil {
            utf8 = String(string).utf8
            for byte in utf8 { appendEscaped(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    @inline(__always) private mutating func appendEscaped(_ buffer: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for index in 0..<buffer.count {
            let byte = buffer[index]
            if byte >= 0x20, byte != 0x22, byte != 0x5C { continue }
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index])) }
            appendEscaped(byte)
            runStart = index + 1
        }
        if runStart < buffer.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart...])) }
    }

    @inline(__always) private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case 0x22: bytes.append(0x5C); bytes.append(0x22)
        case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
        case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(0x5C); bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(0x5C); bytes.append(UInt8(ascii: "f"))
        case 0..<0x20:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        default: bytes.append(byte)
        }
    }

    private mutating func appendASCII(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }
}

extension JSON {
    /// Compact JSON bytes of this value.
    public func encoded(capacity: Int = 1024) -> [UInt8] {
        var writer = JSONWriter(capacity: capacity)
        writer.write(self)
        return writer.bytes
    }

    /// Compact JSON text of this value.
    public var jsonString: String { String(decoding: encoded(), as: UTF8.self) }
}
