import Foundation
import JWTKit

/// The `lti_message_hint`: a short-lived JWT naming one launch in flight, signed HS256 with a key
/// derived from the secret key (only this platform reads it back). Tampering breaks the
/// signature; `exp` bounds its life; the launch row it names is used once.
struct MessageHint: JWTPayload {
    static let lifetime: TimeInterval = 5 * 60
    static let audience = "kakehashi:lti-message-hint"

    var jti: String
    var aud: String
    var iat: Date
    var exp: Date

    init(launchID: String, now: Date = Date()) {
        jti = launchID
        aud = Self.audience
        iat = now
        exp = now.addingTimeInterval(Self.lifetime)
    }

    enum CodingKeys: String, CodingKey { case jti, aud, iat, exp }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        jti = try container.decode(String.self, forKey: .jti)
        aud = try container.decode(String.self, forKey: .aud)
        iat = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .iat))
        exp = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .exp))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jti, forKey: .jti)
        try container.encode(aud, forKey: .aud)
        try container.encode(Int64(iat.timeIntervalSince1970), forKey: .iat)
        try container.encode(Int64(exp.timeIntervalSince1970), forKey: .exp)
    }

    /// Checked here (JWTKit calls it after the signature): our audience, not expired.
    func verify(using algorithm: some JWTAlgorithm) async throws {
        guard aud == Self.audience else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not a message hint") }
        guard exp > Date() else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "expired") }
    }
}
