import Foundation

/// Makes time-ordered UUIDs (RFC 9562 version 7: 48-bit Unix milliseconds, then random bits)
/// quickly: one seed from the system's generator, then SplitMix64, so a million keys cost no
/// system calls. Keys made in one import land next to each other in the primary-key index
/// instead of at random places, which keeps bulk inserts fast on SQLite and PostgreSQL alike.
/// These are row keys, not secrets.
struct UUIDVersion7Generator {
    private var state: UInt64

    init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    private mutating func nextRandom() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(at date: Date = Date()) -> UUID {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let a = nextRandom(), b = nextRandom()
        let bytes: uuid_t = (
            UInt8(truncatingIfNeeded: milliseconds >> 40), UInt8(truncatingIfNeeded: milliseconds >> 32),
            UInt8(truncatingIfNeeded: milliseconds >> 24), UInt8(truncatingIfNeeded: milliseconds >> 16),
            UInt8(truncatingIfNeeded: milliseconds >> 8), UInt8(truncatingIfNeeded: milliseconds),
            0x70 | UInt8(truncatingIfNeeded: a >> 60), UInt8(truncatingIfNeeded: a >> 52),  // version 7
            0x80 | UInt8(truncatingIfNeeded: (a >> 46) & 0x3F), UInt8(truncatingIfNeeded: a >> 38),  // RFC variant
            UInt8(truncatingIfNeeded: b >> 56), UInt8(truncatingIfNeeded: b >> 48),
            UInt8(truncatingIfNeeded: b >> 40), UInt8(truncatingIfNeeded: b >> 32),
            UInt8(truncatingIfNeeded: b >> 24), UInt8(truncatingIfNeeded: b >> 16)
        )
        return UUID(uuid: bytes)
    }
}

extension UUID {
    /// The canonical upper-case text form (as `uuidString` gives it), without going through
    /// `sprintf`: the form UUIDs take in SQLite text columns.
    var fastUUIDString: String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        withUnsafeBytes(of: uuid) { raw in
            for (index, byte) in raw.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { out.append(UInt8(ascii: "-")) }
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
