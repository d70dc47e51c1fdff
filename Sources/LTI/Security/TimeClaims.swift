import Foundation

/// The `exp` and `iat` checks shared by every tool-signed JWT (RFC 7519 §4.1.4, §4.1.6; LTI
/// Security Framework 1.0 §5.1.3 items 7–8). `leeway` absorbs clock skew between the tool and
/// us in both directions.
enum TimeClaims {
    static func check(_ claims: JWTClaims, now: Date, leeway: TimeInterval) throws {
        guard let exp = claims.date("exp") else { throw LTIError.jwtMissingClaim("exp") }
        guard let iat = claims.date("iat") else { throw LTIError.jwtMissingClaim("iat") }
        guard exp.addingTimeInterval(leeway) > now else { throw LTIError.jwtExpired(exp) }
        guard iat.addingTimeInterval(-leeway) <= now else { throw LTIError.jwtIssuedInFuture(iat) }
        if let nbf = claims.date("nbf"), nbf.addingTimeInterval(-leeway) > now {
            throw LTIError.jwtIssuedInFuture(nbf)
        }
    }
}
