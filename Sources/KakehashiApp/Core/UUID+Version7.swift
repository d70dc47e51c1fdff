import Foundation

extension UUID {
    /// A time-ordered UUID (RFC 9562 version 7: 48-bit Unix milliseconds, then random bits).
    /// Keys made in one import land next to each other in the primary-key index instead of at
    /// random places, which keeps bulk inserts fast on SQLite and PostgreSQL alike.
    static func version7(at date: Date = Date()) -> UUID {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var random = SystemRandomNumberGenerator()
        let a = random.next() as UInt64
        let b = random.next() as UInt64
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        bytes.0 = UInt8(truncatingIfNeeded: milliseconds >> 40)
        bytes.1 = UInt8(truncatingIfNeeded: milliseconds >> 32)
        bytes.2 = UInt8(truncatingIfNeeded: milliseconds >> 24)
        bytes.3 = UInt8(truncatingIfNeeded: milliseconds >> 16)
        bytes.4 = UInt8(truncatingIfNeeded: milliseconds >> 8)
        bytes.5 = UInt8(truncatingIfNeeded: milliseconds)
        bytes.6 = 0x70 | UInt8(truncatingIfNeeded: a >> 60)  // version 7
        bytes.7 = UInt8(truncatingIfNeeded: a >> 52)
        bytes.8 = 0x80 | UInt8(truncatingIfNeeded: (a >> 46) & 0x3F)  // RFC variant
        bytes.9 = UInt8(truncatingIfNeeded: a >> 38)
        bytes.10 = UInt8(truncatingIfNeeded: b >> 56)
        bytes.11 = UInt8(truncatingIfNeeded: b >> 48)
        bytes.12 = UInt8(truncatingIfNeeded: b >> 40)
        bytes.13 = UInt8(truncatingIfNeeded: b >> 32)
        bytes.14 = UInt8(truncatingIfNeeded: b >> 24)
        bytes.15 = UInt8(truncatingIfNeeded: b >> 16)
        return UUID(uuid: bytes)
    }
}
