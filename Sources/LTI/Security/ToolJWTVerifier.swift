import Foundation
import JWTKit

/// Verifies the signature of a JWT signed by a tool — a Deep Linking response (DL 2.0 §4.2) or a
/// client assertion at the token endpoint (LTI Security Framework 1.0 §4.1.1) — against the
/// tool's published keys.
///
/// What it insists on, because tools and attackers both get these wrong:
/// - the header names a `kid` (the spec requires it; without one the key is a guess);
/// - `alg` is RS256, ES256 or PS256 — never `none` and never an HMAC, which would let anyone
///   who knows the public key forge a token;
/// - the key found for `kid` is of the family `alg` needs (and agrees with its own `alg`).
///
/// It only checks the signature; the claims come back unchecked in ``VerifiedJWT``.
public struct ToolJWTVerifier: Sendable {
    /// The signature algorithms accepted from tools.
    public static let acceptedAlgorithms: Set<String> = ["RS256", "ES256", "PS256"]

    public let cache: JWKSCache

    public init(cache: JWKSCache) {
        self.cache = cache
    }

    // MARK: - Verifying

    /// Verifies `token` with the key named by its `kid` in the JWKS at `jwksURL` (fetched again
    /// once if the kid is new, see ``JWKSCache``).
    public func verify(_ token: String, jwksURL: URL) async throws -> VerifiedJWT {
        try await Self.verify(token) { kid in try await cache.key(kid: kid, jwksURL: jwksURL) }
    }

    /// Verifies `token` against a key set registered by hand (a tool without a JWKS URL).
    public static func verify(_ token: String, keys: [JWK]) async throws -> VerifiedJWT {
        try await verify(token) { kid in
            guard let key = keys.first(where: { $0.keyIdentifier?.string == kid }) else {
                throw LTIError.jwtUnknownKid(kid)
            }
            return key
        }
    }

    static func verify(_ token: String, key lookup: (String) async throws -> JWK) async throws -> VerifiedJWT {
        let header = try Self.header(of: token)
        let alg = header["alg"]?.string
        guard let alg, acceptedAlgorithms.contains(alg) else { throw LTIError.jwtUnsupportedAlgorithm(alg) }
        guard let kid = header["kid"]?.string, !kid.isEmpty else { throw LTIError.jwtMissingKid() }

        var jwk = try await lookup(kid)
        guard Self.key(jwk, fits: alg) else { throw LTIError.jwtKeyMismatch(kid: kid, alg: alg) }
        // Pin the algorithm to the one checked above, so JWTKit cannot pick another for this key.
        jwk.algorithm = JWK.Algorithm(rawValue: alg)

        // A collection holding only this key: JWTKit falls back to a default key for unknown
        // kids, which must not happen here.
        let collection = JWTKeyCollection()
        let claims: JWTClaims
        do {
            try await collection.add(jwk: jwk)
        } catch {
            throw LTIError.jwtKeyMismatch(kid: kid, alg: alg)
        }
        do {
            claims = try await collection.verify(token, as: JWTClaims.self)
        } catch let error as JWTError where error.errorType == .malformedToken {
            throw LTIError.jwtMalformed("the payload is not a JSON object")
        } catch {
            throw LTIError.jwtBadSignature()
        }
        return VerifiedJWT(kid: kid, algorithm: alg, header: header, claims: claims)
    }

    // MARK: - Header

    /// The decoded JOSE header of `token`, without verifying anything.
    public static func header(of token: String) throws -> [String: LTIJSON] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw LTIError.jwtMalformed(parts.count == 5 ? "encrypted JWTs are not accepted" : "expected three parts")
        }
        guard let data = Base64URL.decode(parts[0]),
            let header = try? JSONDecoder().decode(LTIJSON.self, from: data).object
        else { throw LTIError.jwtMalformed("the header is not base64url JSON") }
        return header
    }

    /// The claims of `token` without checking its signature: only to find which registration
    /// (client_id) to verify it against.
    public static func unverifiedClaims(of token: String) throws -> JWTClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw LTIError.jwtMalformed("expected three parts") }
        guard let data = Base64URL.decode(parts[1]),
            let claims = try? JSONDecoder().decode(LTIJSON.self, from: data).object
        else { throw LTIError.jwtMalformed("the payload is not base64url JSON") }
        return JWTClaims(claims)
    }

    private static func key(_ jwk: JWK, fits alg: String) -> Bool {
        if let own = jwk.algorithm, own.rawValue != alg { return false }
        switch alg {
        case "RS256", "PS256": return jwk.keyType == .rsa
        case "ES256": return jwk.keyType == .ecdsa && jwk.curve?.rawValue == "P-256"
        default: return false
        }
    }
}
