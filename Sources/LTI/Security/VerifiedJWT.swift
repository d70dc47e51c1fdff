/// A tool-signed JWT whose signature has been checked against the tool's key `kid`.
/// Its claims are not yet checked: pass them to ``ClientAssertionValidator`` or
/// ``DeepLinkingResponse``.
public struct VerifiedJWT: Sendable, Equatable {
    public var kid: String
    public var algorithm: String
    public var header: [String: LTIJSON]
    public var claims: JWTClaims
}
