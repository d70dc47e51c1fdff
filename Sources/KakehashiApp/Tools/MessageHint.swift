import Crypto
import Foundation
import JWTKit

/// The `lti_message_hint`: a short-lived JWT naming one launch in flight, signed HS256 with a key
/// derived from the secret key (only this platform reads it back). It carries the launch itself
/// (``LaunchContext``), sealed, so the first leg writes nothing; the second leg records the
/// launch as used (its `jti` is unique in `lti_launches`), so it is used once. Tampering breaks
/// the signature; `exp` bounds its life.
struct MessageHint: JWTPayload {
    static let lifetime: TimeInterval = 5 * 60
    static let audience = "kakehashi:lti-message-hint"

    var jti: String
    var aud: String
    var iat: Date
    var exp: Date
    /// The launch, sealed with AES-GCM: the hint passes through the tool, which must not read
    /// the person's roster identifier or class in it.
    var ctx: String

    init(launchID: String, context: String, now: Date = Date()) {
        jti = launchID
        aud = Self.audience
        iat = now
        exp = now.addingTimeInterval(Self.lifetime)
        ctx = context
    }

    enum CodingKeys: String, CodingKey { case jti, aud, iat, exp, ctx }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        jti = try container.decode(String.self, forKey: .jti)
        aud = try container.decode(String.self, forKey: .aud)
        iat = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .iat))
        exp = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .exp))
        ctx = try container.decode(String.self, forKey: .ctx)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jti, forKey: .jti)
        try container.encode(aud, forKey: .aud)
        try container.encode(Int64(iat.timeIntervalSince1970), forKey: .iat)
        try container.encode(Int64(exp.timeIntervalSince1970), forKey: .exp)
        try container.encode(ctx, forKey: .ctx)
    }

    /// Checked here (JWTKit calls it after the signature): our audience, not expired.
    func verify(using algorithm: some JWTAlgorithm) async throws {
        guard aud == Self.audience else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not a message hint") }
        guard exp > Date() else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "expired") }
    }
}

/// What a launch in flight is about: who opens which tool, for which class and link.
struct LaunchContext: Codable, Sendable {
    var tenantID: UUID
    var userSourcedID: String
    var toolID: UUID
    var deploymentID: String
    var messageType: String
    var linkID: String?
    var classSourcedID: String
    /// A board administrator's district-wide distribution (一斉配信): the grade it goes to.
    var distributionGrade: String?

    enum CodingKeys: String, CodingKey {
        case tenantID = "t", userSourcedID = "u", toolID = "o", deploymentID = "d", messageType = "m", linkID = "l", classSourcedID = "c"
        case distributionGrade = "g"
    }

    struct Damaged: Error {}

    func sealed(with key: SymmetricKey) throws -> String {
        guard let combined = try AES.GCM.seal(try JSONEncoder().encode(self), using: key).combined else { throw Damaged() }
        return combined.base64URLEncodedString()
    }

    static func open(_ sealed: String, with key: SymmetricKey) throws -> LaunchContext {
        guard let combined = Data(base64URLEncoded: sealed) else { throw Damaged() }
        return try JSONDecoder().decode(LaunchContext.self, from: AES.GCM.open(try AES.GCM.SealedBox(combined: combined), using: key))
    }

    /// The launch row this context becomes when its hint is used.
    func launch(hint: MessageHint) -> LTILaunch {
        let launch = LTILaunch()
        launch.hintID = hint.jti
        launch.tenantID = tenantID
        launch.userSourcedID = userSourcedID
        launch.toolID = toolID
        launch.deploymentID = deploymentID
        launch.messageType = messageType
        launch.linkID = linkID
        launch.classSourcedID = classSourcedID
        launch.distributionGrade = distributionGrade
        launch.createdAt = hint.iat
        launch.expiresAt = hint.exp
        return launch
    }
}
