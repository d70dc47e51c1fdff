import Foundation
import JWTKit

/// The registered claims of an OpenID Connect ID token (OpenID Connect Core 1.0 §2) that
/// Kakehashi checks. JWTKit checks the signature; ``OIDCClient`` checks these claims, with the
/// clock leeway and the nonce it alone knows.
struct IDTokenClaims: JWTPayload {
    var iss: String
    var sub: String
    var aud: AudienceClaim
    var exp: Date
    var iat: Date
    var nonce: String?
    var azp: String?
    var amr: [String]?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, nonce, azp, amr
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iss = try container.decode(String.self, forKey: .iss)
        sub = try container.decode(String.self, forKey: .sub)
        aud = try container.decode(AudienceClaim.self, forKey: .aud)
        exp = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .exp))
        iat = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .iat))
        nonce = try container.decodeIfPresent(String.self, forKey: .nonce)
        azp = try container.decodeIfPresent(String.self, forKey: .azp)
        amr = try container.decodeIfPresent([String].self, forKey: .amr)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(iss, forKey: .iss)
        try container.encode(sub, forKey: .sub)
        try container.encode(aud, forKey: .aud)
        try container.encode(exp.timeIntervalSince1970, forKey: .exp)
        try container.encode(iat.timeIntervalSince1970, forKey: .iat)
        try container.encodeIfPresent(nonce, forKey: .nonce)
        try container.encodeIfPresent(azp, forKey: .azp)
        try container.encodeIfPresent(amr, forKey: .amr)
    }

    /// Claims are checked by ``OIDCClient/validate(_:nonce:now:)``, which knows the expected values.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
