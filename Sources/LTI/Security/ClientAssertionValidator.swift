import Foundation

/// Authenticates a tool at the token endpoint from its `client_assertion`: the RFC 7523
/// `private_key_jwt` method that LTI Security Framework 1.0 §4.1.1 prescribes for the
/// Advantage services.
///
/// Checks, in order: the signature (by `kid`, via ``ToolJWTVerifier``), `iss == sub ==
/// client_id`, `aud` names the token endpoint (a string or an array containing it), `exp` and
/// `iat` within `leeway`, and last a `jti` never used before — asked of the app's store through
/// `isFirstUse`, which must record the jti until its expiry and answer false for a repeat.
/// Every failure is reported as OAuth `invalid_client` (401) with the specific `code` kept.
///
/// ```swift
/// let validator = ClientAssertionValidator(
///     audiences: ["https://kakehashi.example/lti/token"],
///     verifier: ToolJWTVerifier(cache: jwksCache),
///     isFirstUse: { jti, expiry in try await JTIRecord.insertIfNew(jti, until: expiry, on: db) })
/// let clientID = try ClientAssertionValidator.claimedClientID(in: request.clientAssertion)
/// let tool = try await Tool.find(clientID: clientID, on: db)
/// let assertion = try await validator.validate(request.clientAssertion, clientID: clientID, jwksURL: tool.jwksURL)
/// ```
public struct ClientAssertionValidator: Sendable {
    /// "Is this the first time `jti` is seen?" — stores it until `expiry` when it is.
    public typealias FirstUseCheck = @Sendable (_ jti: String, _ expiry: Date) async throws -> Bool

    /// The values `aud` may contain: the token endpoint URL and any configured audience.
    public var audiences: [String]
    public var verifier: ToolJWTVerifier
    public var isFirstUse: FirstUseCheck
    /// Allowed clock difference for `exp` and `iat`, in seconds.
    public var leeway: TimeInterval

    public init(
        audiences: [String], verifier: ToolJWTVerifier, leeway: TimeInterval = 60,
        isFirstUse: @escaping FirstUseCheck
    ) {
        self.audiences = audiences
        self.verifier = verifier
        self.leeway = leeway
        self.isFirstUse = isFirstUse
    }

    /// The client_id an assertion claims to come from (its `sub`, else `iss`), unverified: only
    /// to find the registration whose keys must then verify it.
    public static func claimedClientID(in assertion: String) throws -> String {
        do {
            let claims = try ToolJWTVerifier.unverifiedClaims(of: assertion)
            guard let id = claims.string("sub") ?? claims.string("iss"), !id.isEmpty else {
                throw LTIError.jwtMissingClaim("sub")
            }
            return id
        } catch let error as LTIError {
            throw error.asOAuth("invalid_client", status: 401)
        }
    }

    // MARK: - Validating

    /// Validates `assertion` for the registration `clientID`, whose keys are at `jwksURL`.
    public func validate(_ assertion: String, clientID: String, jwksURL: URL, now: Date = Date()) async throws
        -> ClientAssertion
    {
        do {
            let verified = try await verifier.verify(assertion, jwksURL: jwksURL)
            return try await check(verified, clientID: clientID, now: now)
        } catch let error as LTIError {
            throw error.asOAuth("invalid_client", status: 401)
        }
    }

    /// Checks the claims of an assertion whose signature is already verified.
    public func check(_ verified: VerifiedJWT, clientID: String, now: Date = Date()) async throws -> ClientAssertion {
        do {
            let claims = verified.claims
            guard let iss = claims.string("iss") else { throw LTIError.jwtMissingClaim("iss") }
            guard let sub = claims.string("sub") else { throw LTIError.jwtMissingClaim("sub") }
            guard iss == clientID, sub == clientID else {
                throw LTIError.assertionIssuerSubject(iss: iss, sub: sub, clientID: clientID)
            }
            guard let aud = claims["aud"]?.stringOrStrings else { throw LTIError.jwtMissingClaim("aud") }
            guard aud.contains(where: audiences.contains) else { throw LTIError.assertionAudience(expected: audiences) }
            try TimeClaims.check(claims, now: now, leeway: leeway)
            guard let jti = claims.string("jti"), !jti.isEmpty else { throw LTIError.jwtMissingClaim("jti") }
            let expiry = claims.date("exp")!  // checked by TimeClaims
            guard try await isFirstUse(jti, expiry) else { throw LTIError.jwtReplayedJTI(jti) }
            return ClientAssertion(clientID: clientID, jti: jti, expiresAt: expiry, kid: verified.kid, claims: claims)
        } catch let error as LTIError {
            throw error.asOAuth("invalid_client", status: 401)
        }
    }
}

/// A client assertion that passed ``ClientAssertionValidator``: the tool is authenticated.
public struct ClientAssertion: Sendable, Equatable {
    public var clientID: String
    public var jti: String
    public var expiresAt: Date
    /// The key the tool signed with, for audit logs.
    public var kid: String
    public var claims: JWTClaims
}
