import CryptoExtras
import Foundation
import JWTKit

@testable import LTI

/// Real keys generated once for the whole test run, and helpers that sign real JWTs with them,
/// so the verifier is tested against JWTKit's signatures rather than against fixtures.
enum TestKeys {
    static let rsa: JWTKit.Insecure.RSA.PrivateKey = {
        try! JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
    }()
    static let otherRSA: JWTKit.Insecure.RSA.PrivateKey = {
        try! JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
    }()
    static let ec = ES256PrivateKey()

    static func rsaJWK(_ key: JWTKit.Insecure.RSA.PrivateKey = rsa, kid: String, alg: JWK.Algorithm? = .rs256) -> JWK {
        let primitives = try! key.publicKey.getKeyPrimitives()
        return .rsa(
            alg, identifier: JWKIdentifier(string: kid), modulus: Base64URL.encode(primitives.modulus),
            exponent: Base64URL.encode(primitives.publicExponent))
    }

    static func ecJWK(kid: String) -> JWK {
        let parameters = ec.publicKey.parameters!
        return .ecdsa(.es256, identifier: JWKIdentifier(string: kid), x: parameters.x, y: parameters.y, curve: .p256)
    }

    static func jwksData(_ keys: [JWK]) -> Data {
        try! JSONEncoder().encode(JWKS(keys: keys))
    }

    enum Signer {
        case rs256(JWTKit.Insecure.RSA.PrivateKey)
        case ps256(JWTKit.Insecure.RSA.PrivateKey)
        case es256
        case hs256(String)
    }

    /// `claims` signed by `signer`, with `kid` in the header (none when nil).
    static func sign(_ claims: [String: LTIJSON], with signer: Signer = .rs256(rsa), kid: String?) async throws
        -> String
    {
        let keys = JWTKeyCollection()
        let id = kid.map { JWKIdentifier(string: $0) }
        switch signer {
        case .rs256(let key): await keys.add(rsa: key, digestAlgorithm: .sha256, kid: id)
        case .ps256(let key): await keys.add(pss: key, digestAlgorithm: .sha256, kid: id)
        case .es256: await keys.add(ecdsa: ec, kid: id)
        case .hs256(let secret): await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: id)
        }
        return try await keys.sign(JWTClaims(claims), kid: id)
    }

    /// An unsigned token: `{"alg":"none"}` — which must never be accepted.
    static func unsigned(_ claims: [String: LTIJSON], kid: String) throws -> String {
        let header = try JSONEncoder().encode(["alg": "none", "kid": kid, "typ": "JWT"])
        let payload = try JSONEncoder().encode(claims)
        return "\(Base64URL.encode(header)).\(Base64URL.encode(payload))."
    }
}

/// A clock the tests move by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_717_200_000)) {
        current = start
    }

    var now: Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }
}

/// A JWKS endpoint stand-in that counts how often it is fetched.
actor FakeJWKSEndpoint {
    private(set) var fetchCount = 0
    var keys: [JWK]
    var failing = false

    init(keys: [JWK]) {
        self.keys = keys
    }

    func publish(_ keys: [JWK]) { self.keys = keys }
    func setFailing(_ failing: Bool) { self.failing = failing }

    func fetch(_ url: URL) throws -> Data {
        fetchCount += 1
        if failing { throw URLError(.cannotConnectToHost) }
        return TestKeys.jwksData(keys)
    }
}

extension LTIError {
    /// For `#expect(throws:)` checks on the code only.
    static func code(_ code: String) -> (any Error) -> Bool {
        { ($0 as? LTIError)?.code == code }
    }
}

/// The error `body` throws, as an LTIError (nil when it throws none or another kind).
func ltiError(_ body: () throws -> Void) -> LTIError? {
    do {
        try body()
        return nil
    } catch {
        return error as? LTIError
    }
}

func ltiError(_ body: () async throws -> Void) async -> LTIError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? LTIError
    }
}

// MARK: - Literals for fixtures

extension LTIJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: LTIJSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, LTIJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
