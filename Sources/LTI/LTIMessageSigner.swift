import Foundation
import JWTKit

/// Signs platform messages (id_tokens) with the platform's current key: RS256, `kid` and `typ`
/// always in the header (a JWT without `kid` breaks every launch in some tools).
public struct LTIMessageSigner: Sendable {
    let keys: JWTKeyCollection
    let kid: String

    /// `keys` must hold the RSA private key registered under `kid`.
    public init(keys: JWTKeyCollection, kid: String) {
        self.keys = keys
        self.kid = kid
    }

    public func sign(_ claims: [String: LTIJSON]) async throws -> String {
        var header = JWTHeader()
        header.typ = "JWT"
        return try await keys.sign(ClaimSet(claims: claims), kid: JWKIdentifier(string: kid), header: header)
    }

    /// A claim set as a JWT payload. Its `verify` checks nothing beyond the signature: whoever
    /// reads one checks the claims they expect.
    public struct ClaimSet: JWTPayload {
        public var claims: [String: LTIJSON]

        public init(claims: [String: LTIJSON]) {
            self.claims = claims
        }

        public init(from decoder: any Decoder) throws {
            claims = try decoder.singleValueContainer().decode([String: LTIJSON].self)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(claims)
        }

        public func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
}
