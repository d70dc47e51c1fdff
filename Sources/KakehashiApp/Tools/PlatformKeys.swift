import Crypto
import CryptoExtras
import Fluent
import Foundation
import JWTKit
import LTI
import Vapor

/// The platform's signing keys: created on first use, rotated with overlap
/// (`kakehashi keys rotate`), kept in the database (private keys sealed) so every instance signs
/// with the same key and publishes the same JWKS.
struct PlatformKeys: Sendable {
    let database: any Database
    let box: SecretBox

    /// Makes sure a current and a next key exist.
    func ensure() async throws {
        let states = Set(try await PlatformKey.query(on: database).all().map(\.state))
        if !states.contains(PlatformKey.State.current.rawValue) {
            try await create(state: .current)
        }
        if !states.contains(PlatformKey.State.next.rawValue) {
            try await create(state: .next)
        }
    }

    /// The next key starts signing; the current one stays published for verification; the one
    /// before retires; a new next key is published. Returns the kid that now signs.
    @discardableResult
    func rotate(actor: String) async throws -> String {
        try await ensure()
        let kid = try await database.writeTransaction { tx in
            let keys = try await PlatformKey.query(on: tx).all()
            let now = Date()
            for key in keys {
                switch PlatformKey.State(rawValue: key.state) {
                case .previous:
                    key.state = PlatformKey.State.retired.rawValue
                    key.retiredAt = now
                case .current:
                    key.state = PlatformKey.State.previous.rawValue
                case .next:
                    key.state = PlatformKey.State.current.rawValue
                    key.activatedAt = now
                default:
                    continue
                }
                try await key.update(on: tx)
            }
            guard let signing = keys.first(where: { $0.state == PlatformKey.State.current.rawValue }) else { throw ConfigurationError("no next key to rotate to") }
            try await PlatformKeys(database: tx, box: box).create(state: .next)
            try await AuditLog(database: tx).append(.init(actor: actor, action: "keys.rotate", subject: "kid:\(signing.kid)"), tenant: nil)
            return signing.kid
        }
        return kid
    }

    private func create(state: PlatformKey.State) async throws {
        let backing = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let privateKey = try Insecure.RSA.PrivateKey(backing: backing)
        let (modulus, exponent) = try privateKey.publicKey.getKeyPrimitives()
        let kid = UUID().uuidString.lowercased()
        let jwk: [String: String] = ["kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig", "n": modulus.base64URLEncodedString(), "e": exponent.base64URLEncodedString()]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let key = PlatformKey()
        key.kid = kid
        key.privateKeySealed = try box.seal(Data(privateKey.pemRepresentation.utf8))
        key.publicJWK = String(decoding: try encoder.encode(jwk), as: UTF8.self)
        key.state = state.rawValue
        key.createdAt = Date()
        key.activatedAt = state == .current ? Date() : nil
        try await key.create(on: database)
    }

    /// What signs and what verifies, loaded from the database.
    func load() async throws -> PlatformKeyring.Snapshot {
        try await ensure()
        let keys = try await PlatformKey.query(on: database).filter(\.$state != PlatformKey.State.retired.rawValue).all()
        let collection = JWTKeyCollection()
        var currentKid = ""
        var published: [String] = []
        for key in keys.sorted(by: { $0.createdAt < $1.createdAt }) {
            let pem = String(decoding: try box.open(key.privateKeySealed), as: UTF8.self)
            let privateKey = try Insecure.RSA.PrivateKey(pem: pem)
            await collection.add(rsa: privateKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: key.kid))
            if key.state == PlatformKey.State.current.rawValue { currentKid = key.kid }
            published.append(key.publicJWK)
        }
        // Message hints are read only by this platform: an HMAC (HS256) with a key derived from the
        // secret key signs them, sparing an RSA signature per launch; every instance derives the same.
        let hints = JWTKeyCollection()
        await hints.add(hmac: HMACKey(key: box.derivedKey("lti-message-hint")), digestAlgorithm: .sha256, kid: "hint")
        return PlatformKeyring.Snapshot(
            keys: collection, signingKid: currentKid, jwks: "{\"keys\":[" + published.joined(separator: ",") + "]}", hintKeys: hints,
            launchContextKey: box.derivedKey("lti-launch-context"), loadedAt: Date())
    }
}

/// The keys of this process, reloaded from the database once a minute (a rotation by another
/// instance or the command line reaches every instance within that time; the next key is
/// published a rotation ahead, so no tool ever sees an unknown `kid`).
actor PlatformKeyring {
    struct Snapshot: Sendable {
        var keys: JWTKeyCollection
        var signingKid: String
        var jwks: String
        /// Signs and verifies `lti_message_hint`s.
        var hintKeys: JWTKeyCollection
        /// Seals the launch a message hint carries (``LaunchContext``).
        var launchContextKey: SymmetricKey
        var loadedAt: Date
    }

    static let refresh: TimeInterval = 60
    private var snapshot: Snapshot?

    func current(_ load: @Sendable () async throws -> Snapshot) async throws -> Snapshot {
        if let snapshot, Date().timeIntervalSince(snapshot.loadedAt) < Self.refresh { return snapshot }
        let fresh = try await load()
        snapshot = fresh
        return fresh
    }

    func invalidate() {
        snapshot = nil
    }
}

struct PlatformKeyringKey: StorageKey {
    typealias Value = PlatformKeyring
}

extension Request {
    /// The platform's keys (signing and published).
    func platformKeys() async throws -> PlatformKeyring.Snapshot {
        let keyring = application.storage[PlatformKeyringKey.self] ?? PlatformKeyring()
        let keys = PlatformKeys(database: db, box: application.secretBox)
        return try await keyring.current { try await keys.load() }
    }
}
