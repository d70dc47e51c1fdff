import Crypto
import Foundation

/// Time-based one-time passwords as authenticator apps compute them: RFC 6238 with HMAC-SHA-1,
/// 6 digits, 30-second steps (the parameters every common app assumes).
enum TOTP {
    static let digits = 6
    static let period: Int64 = 30
    /// Steps accepted either side of now, for clocks a little off.
    static let window: Int64 = 1

    static func step(at date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970) / period
    }

    /// The code for one time step (RFC 4226 dynamic truncation).
    static func code(secret: [UInt8], step: Int64) -> String {
        var counter = UInt64(step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Crypto.Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let value = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let code = String(value % 1_000_000)
        return String(repeating: "0", count: digits - code.count) + code
    }

    /// The step `code` belongs to, within the window around `now` and after `lastStep` (a code is
    /// accepted once), or nil.
    static func matchingStep(_ code: String, secret: [UInt8], now: Date, after lastStep: Int64) -> Int64? {
        let code = code.filter { !$0.isWhitespace }
        guard code.count == digits, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else { return nil }
        let current = step(at: now)
        for candidate in (current - window)...(current + window) where candidate > lastStep {
            if constantTimeEquals(Self.code(secret: secret, step: candidate), code) { return candidate }
        }
        return nil
    }

    /// The `otpauth://` URI authenticator apps import (Key Uri Format).
    static func provisioningURI(secret: [UInt8], account: String, issuer: String) -> String {
        var components = URLComponents()
        components.scheme = "otpauth"
        components.host = "totp"
        components.path = "/" + issuer + ":" + account
        components.queryItems = [
            .init(name: "secret", value: Base32.encode(secret)), .init(name: "issuer", value: issuer),
            .init(name: "algorithm", value: "SHA1"), .init(name: "digits", value: String(digits)), .init(name: "period", value: String(period)),
        ]
        return components.string ?? ""
    }
}

/// RFC 4648 base32 (the alphabet authenticator apps use for secrets), without padding.
enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    static func encode(_ bytes: [UInt8]) -> String {
        var output = ""
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return output
    }

    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.uppercased() where character != "=" && character != " " {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return output
    }
}
