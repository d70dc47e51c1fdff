import Crypto
import CryptoExtras
import Foundation
import JWTKit

/// The cost of the server's signing work per launch, measured the way the server does it (JWTKit
/// key collections, a `kid` in the header): leg 1 seals the launch (AES-256-GCM) into the
/// `lti_message_hint` and signs it (HS256, a key only the platform holds); leg 2 verifies and
/// opens it and signs the id_token (RS256, 2,048 bits). One thread, the operations one after
/// another; CPU time per operation (wall time too).
struct SigningBenchmark {
    var iterations: Int
    /// The claims of an id_token a launch of the run returned (its payload as JSON), if any:
    /// then the benchmark signs exactly that; otherwise a synthetic one of about 1.5 KB.
    var idTokenClaims: Data?

    struct Result: Codable, Sendable {
        var keyBits: Int
        var iterations: Int
        var idTokenPayload: String
        var idTokenPayloadBytes: Int
        var hintPayloadBytes: Int
        /// CPU milliseconds per operation (this process, one thread busy).
        var signHintMs: Double
        var signIDTokenMs: Double
        var verifyHintMs: Double
        /// The same through swift-crypto directly (a SHA-256 digest, PKCS#1 v1.5), without JWTKit.
        var rawSignMs: Double
        var rawVerifyMs: Double
        /// Wall milliseconds per operation, for comparison.
        var signIDTokenWallMs: Double
        var verifyHintWallMs: Double
        /// sign(hint) + verify(hint) + sign(id_token): the signing work of one launch.
        var perLaunchMs: Double
    }

    func run() async throws -> Result {
        let backing = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let privateKey = try Insecure.RSA.PrivateKey(backing: backing)
        let kid = JWKIdentifier(string: UUID().uuidString.lowercased())
        let keys = JWTKeyCollection()
        await keys.add(rsa: privateKey, digestAlgorithm: .sha256, kid: kid)

        var claims = Self.syntheticClaims()
        var source = "synthetic LTI resource link launch"
        if let idTokenClaims, let decoded = try? JSONDecoder().decode([String: JSONValue].self, from: idTokenClaims) {
            claims = decoded
            source = "the claims of an id_token of this run"
        }
        let idToken = ClaimSet(claims: claims)
        let sizer = JSONEncoder()
        sizer.outputFormatting = .withoutEscapingSlashes
        let idTokenBytes = try sizer.encode(idToken).count
        let hintKeys = JWTKeyCollection()
        await hintKeys.add(hmac: HMACKey(key: SymmetricKey(size: .bits256)), digestAlgorithm: .sha256, kid: "hint")
        let contextKey = SymmetricKey(size: .bits256)
        let context = HintPayload.context
        func makeHint() throws -> HintPayload {
            guard let sealed = try AES.GCM.seal(context, using: contextKey).combined else { throw StormError("AES-GCM sealing failed") }
            return HintPayload(now: Date(), ctx: sealed.base64EncodedString())
        }
        let hint = try makeHint()
        let hintBytes = try sizer.encode(hint).count
        var header = JWTHeader()
        header.typ = "JWT"
        let signedHint = try await hintKeys.sign(hint, kid: "hint")

        let signHint = try await Self.measure(iterations) { _ = try await hintKeys.sign(try makeHint(), kid: "hint") }
        let signToken = try await Self.measure(iterations) { _ = try await keys.sign(idToken, kid: kid, header: header) }
        let verifyHint = try await Self.measure(iterations) {
            let verified = try await hintKeys.verify(signedHint, as: HintPayload.self)
            guard let combined = Data(base64Encoded: verified.ctx) else { throw StormError("the sealed context is damaged") }
            _ = try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: contextKey)
        }

        let digest = SHA256.hash(data: Data("benchmark".utf8))
        let signature = try backing.signature(for: digest, padding: .insecurePKCS1v1_5)
        let rawSign = try await Self.measure(iterations) { _ = try backing.signature(for: digest, padding: .insecurePKCS1v1_5) }
        let rawVerify = try await Self.measure(iterations) {
            guard backing.publicKey.isValidSignature(signature, for: digest, padding: .insecurePKCS1v1_5) else { throw StormError("raw verification failed") }
        }
        let round = { (value: Double) in Report.round(value, places: 4) }
        return Result(
            keyBits: 2048, iterations: iterations, idTokenPayload: source, idTokenPayloadBytes: idTokenBytes, hintPayloadBytes: hintBytes,
            signHintMs: round(signHint.cpu), signIDTokenMs: round(signToken.cpu), verifyHintMs: round(verifyHint.cpu), rawSignMs: round(rawSign.cpu),
            rawVerifyMs: round(rawVerify.cpu), signIDTokenWallMs: round(signToken.wall), verifyHintWallMs: round(verifyHint.wall),
            perLaunchMs: round(signHint.cpu + verifyHint.cpu + signToken.cpu))
    }

    /// CPU and wall milliseconds per call, after a short warm-up.
    static func measure(_ iterations: Int, _ operation: () async throws -> Void) async throws -> (cpu: Double, wall: Double) {
        for _ in 0..<min(20, iterations) { try await operation() }
        let clock = ContinuousClock()
        let cpuStart = ProcessProbe.ownCPUSeconds()
        let wallStart = clock.now
        for _ in 0..<iterations { try await operation() }
        let wall = Storm.milliseconds(clock.now - wallStart)
        let cpu = (ProcessProbe.ownCPUSeconds() - cpuStart) * 1000
        return (cpu / Double(iterations), wall / Double(iterations))
    }

    /// A typical resource link launch of a student (about 1.5 KB of JSON): what the platform
    /// sends with the name and the roster ids allowed.
    static func syntheticClaims() -> [String: JSONValue] {
        let now = Int64(Date().timeIntervalSince1970)
        let base = "https://kakehashi.example"
        let deployment = "3b0c1d6e-5f3a-4c8e-9d2a-7e6f1b2c3d4e"
        let klass = "ac0671f8-c1fe-4548-b4e4-991089d441c1"
        let lti = "https://purl.imsglobal.org/spec/lti/claim/"
        return [
            "iss": .string(base), "aud": .string("0d4f3e2a-9b8c-4d7e-a6f5-1e2d3c4b5a69"),
            "azp": .string("0d4f3e2a-9b8c-4d7e-a6f5-1e2d3c4b5a69"),
            "sub": .string("7f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4"),
            "iat": .int(now), "exp": .int(now + 300), "nonce": .string("n12789436918273645x1"),
            "name": .string("平野 朱莉"), "given_name": .string("朱莉"), "family_name": .string("平野"),
            lti + "message_type": .string("LtiResourceLinkRequest"), lti + "version": .string("1.3.0"),
            lti + "deployment_id": .string(deployment), lti + "target_link_uri": .string("https://tool.example/launch"),
            lti + "resource_link": .object(["id": .string("5c2f1a7e-8b3d-4e6f-9a0b-1c2d3e4f5a6b"), "title": .string("Bench tool")]),
            lti + "roles": .array([
                .string("http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"),
                .string("http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"),
            ]),
            lti + "context": .object([
                "id": .string(klass), "title": .string("1年1組"),
                "type": .array([.string("http://purl.imsglobal.org/vocab/lis/v2/course#CourseSection")]),
            ]),
            lti + "tool_platform": .object([
                "guid": .string("9e8d7c6b-5a49-4837-a261-5f4e3d2c1b0a"), "name": .string("Kakehashi — Bench City"), "version": .string("0.4"),
                "product_family_code": .string("kakehashi"),
            ]),
            lti + "launch_presentation": .object(["locale": .string("ja-JP"), "return_url": .string(base + "/home"), "document_target": .string("window")]),
            lti + "lis": .object(["person_sourcedid": .string("f3610f48-360c-49d3-b17b-d5130a48c5d5"), "course_section_sourcedid": .string(klass)]),
            lti + "custom": .object(["context_id": .string(klass), "user_id": .string("7f1e2d3c4b5a69788796a5b4c3d2e1f0")]),
        ]
    }
}

/// The `lti_message_hint` as the server makes it: jti, aud, iat, exp and the sealed launch
/// context; checked after the signature.
struct HintPayload: JWTPayload {
    var jti: String
    var aud: String
    var iat: Int64
    var exp: Int64
    var ctx: String

    /// A launch context of the size the server seals (tenant, person, tool, deployment, type,
    /// link, class).
    static let context = Data(
        #"{"t":"0193a6f0-5b1c-7d2e-8f30-41a2b3c4d5e6","u":"S-0001-0123","o":"0193a6f0-5b1c-7d2e-8f30-41a2b3c4d5e7","d":"0193a6f0-5b1c-7d2e-8f30-41a2b3c4d5e8","m":"LtiResourceLinkRequest","l":"0193a6f0-5b1c-7d2e-8f30-41a2b3c4d5e9","c":"C-0001-3-1"}"#
            .utf8)

    init(now: Date, ctx: String) {
        jti = UUID().uuidString.lowercased()
        aud = "kakehashi:lti-message-hint"
        iat = Int64(now.timeIntervalSince1970)
        exp = iat + 300
        self.ctx = ctx
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        guard aud == "kakehashi:lti-message-hint" else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not a message hint") }
        guard exp > Int64(Date().timeIntervalSince1970) else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "expired") }
    }
}

/// An id_token's claims as a JWT payload (the server's LTIMessageSigner.ClaimSet).
struct ClaimSet: JWTPayload {
    var claims: [String: JSONValue]

    init(claims: [String: JSONValue]) { self.claims = claims }

    init(from decoder: any Decoder) throws {
        claims = try decoder.singleValueContainer().decode([String: JSONValue].self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(claims)
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

enum JSONValue: Codable, Sendable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}
