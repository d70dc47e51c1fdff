import Crypto
import Foundation
import Vapor

/// Seals secrets kept in the database (TOTP secrets, identity-provider client secrets) with
/// AES-256-GCM, so a copy of the database alone does not reveal them.
///
/// The key comes from `KAKEHASHI_SECRET_KEY` (32 bytes, base64), which every instance behind a
/// load balancer must share; without it, from `secret.key` in the data folder, created (mode
/// 0600) on first start. Losing the key means staff enroll their second factor again and
/// identity providers are registered again; roster and learning data are not affected.
struct SecretBox: Sendable {
    private let key: SymmetricKey

    init(key: SymmetricKey) {
        self.key = key
    }

    static func load(_ settings: Settings) throws -> SecretBox {
        if let encoded = settings.secretKey {
            guard let data = Data(base64Encoded: encoded), data.count == 32 else {
                throw ConfigurationError(
                    "KAKEHASHI_SECRET_KEY must be 32 bytes in base64 (openssl rand -base64 32) / KAKEHASHI_SECRET_KEY は32バイトをbase64で書いてください")
            }
            return SecretBox(key: SymmetricKey(data: data))
        }
        let file = settings.dataDirectory.appendingPathComponent("secret.key")
        let manager = FileManager.default
        if let data = manager.contents(atPath: file.path), let decoded = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)), decoded.count == 32 {
            return SecretBox(key: SymmetricKey(data: decoded))
        }
        try manager.createDirectory(at: settings.dataDirectory, withIntermediateDirectories: true)
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() }
        guard manager.createFile(atPath: file.path, contents: Data((encoded + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("cannot write \(file.path) / \(file.path) を書けません")
        }
        return SecretBox(key: key)
    }

    /// A key for one purpose, derived from the secret key (HKDF-SHA256), so one secret serves
    /// several uses without them sharing a key.
    func derivedKey(_ label: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data(("kakehashi:" + label).utf8), outputByteCount: 32)
    }

    func seal(_ plaintext: Data) throws -> String {
        let box = try AES.GCM.seal(plaintext, using: key)
        guard let combined = box.combined else { throw ConfigurationError("AES-GCM sealing failed") }
        return "v1:" + combined.base64EncodedString()
    }

    func open(_ sealed: String) throws -> Data {
        guard sealed.hasPrefix("v1:"), let combined = Data(base64Encoded: String(sealed.dropFirst(3))) else {
            throw ConfigurationError("a sealed secret is damaged")
        }
        return try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: key)
    }
}

/// A setting that keeps the server from starting, with the reason.
struct ConfigurationError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct SecretBoxKey: StorageKey {
    typealias Value = SecretBox
}

extension Application {
    /// The box that seals secrets at rest (set up by `configure`).
    var secretBox: SecretBox {
        guard let box = storage[SecretBoxKey.self] else { fatalError("configure() sets up the secret box") }
        return box
    }
}
