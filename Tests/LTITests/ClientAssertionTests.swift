import Foundation
import JWTKit
import Testing

@testable import LTI

/// LTI Security Framework 1.0 §4.1.1, RFC 7523: authenticating a tool at the token endpoint.
@Suite("Client assertion")
struct ClientAssertionTests {
    static let tokenEndpoint = "https://kakehashi.example/lti/token"
    static let clientID = "drill-tool"
    static let jwksURL = URL(string: "https://tool.example/jwks")!
    static let now = Date(timeIntervalSince1970: 1_717_200_000)

    /// A validator backed by a JWKS with one RSA and one EC key, and an in-memory jti store.
    struct Harness {
        let endpoint = FakeJWKSEndpoint(keys: [
            TestKeys.rsaJWK(kid: "rsa-1"), TestKeys.ecJWK(kid: "ec-1"), TestKeys.rsaJWK(kid: "pss-1", alg: JWK.Algorithm.ps256),
        ])
        let seen = JTIStore()
        var validator: ClientAssertionValidator {
            let endpoint = self.endpoint
            let cache = JWKSCache(now: { ClientAssertionTests.now }) { try await endpoint.fetch($0) }
            let seen = self.seen
            return ClientAssertionValidator(
                audiences: [ClientAssertionTests.tokenEndpoint], verifier: ToolJWTVerifier(cache: cache), leeway: 30,
                isFirstUse: { jti, expiry in await seen.insert(jti, expiry) })
        }

        func validate(_ token: String) async throws -> ClientAssertion {
            try await validator.validate(
                token, clientID: ClientAssertionTests.clientID, jwksURL: ClientAssertionTests.jwksURL,
                now: ClientAssertionTests.now)
        }
    }

    actor JTIStore {
        var jtis: [String: Date] = [:]
        func insert(_ jti: String, _ expiry: Date) -> Bool {
            guard jtis[jti] == nil else { return false }
            jtis[jti] = expiry
            return true
        }
    }

    static func claims(jti: String = UUID().uuidString) -> [String: LTIJSON] {
        [
            "iss": .string(clientID), "sub": .string(clientID), "aud": .string(tokenEndpoint),
            "iat": .number(now.timeIntervalSince1970 - 5), "exp": .number(now.timeIntervalSince1970 + 300),
            "jti": .string(jti),
        ]
    }

    func error(_ harness: Harness, _ token: String) async -> LTIError? {
        await ltiError { _ = try await harness.validate(token) }
    }

    func signed(_ edit: (inout [String: LTIJSON]) -> Void = { _ in }, with signer: TestKeys.Signer = .rs256(TestKeys.rsa), kid: String? = "rsa-1")
        async throws -> String
    {
        var claims = Self.claims()
        edit(&claims)
        return try await TestKeys.sign(claims, with: signer, kid: kid)
    }

    // MARK: - Accepted

    @Test func aGoodRS256AssertionAuthenticatesTheClient() async throws {
        let harness = Harness()
        let assertion = try await harness.validate(signed())
        #expect(assertion.clientID == Self.clientID)
        #expect(assertion.kid == "rsa-1")
        #expect(await harness.seen.jtis[assertion.jti] == assertion.expiresAt)
    }

    @Test func ES256AndPS256AreAccepted() async throws {
        let harness = Harness()
        #expect(try await harness.validate(signed(with: .es256, kid: "ec-1")).kid == "ec-1")
        #expect(try await harness.validate(signed(with: .ps256(TestKeys.rsa), kid: "pss-1")).kid == "pss-1")
    }

    @Test func audMayBeAnArrayContainingTheTokenEndpoint() async throws {
        let harness = Harness()
        let token = try await signed { $0["aud"] = ["https://x.example", .string(Self.tokenEndpoint)] }
        #expect(try await harness.validate(token).clientID == Self.clientID)
    }

    @Test func theClaimedClientIDCanBeReadBeforeVerifying() async throws {
        #expect(try ClientAssertionValidator.claimedClientID(in: await signed()) == Self.clientID)
    }

    // MARK: - Rejected

    @Test func issDifferentFromSubIsRejected() async throws {
        let harness = Harness()
        let error = await error(harness, try await signed { $0["iss"] = "someone-else" })
        #expect(error?.code == "jwt.iss-sub-mismatch")
        #expect(error?.oauthError == "invalid_client")
        #expect(error?.status == 401)
    }

    @Test func subDifferentFromTheClientIsRejected() async throws {
        let harness = Harness()
        let token = try await signed { $0["iss"] = "other"; $0["sub"] = "other" }
        #expect(await error(harness, token)?.code == "jwt.iss-sub-mismatch")
    }

    @Test func aWrongAudienceIsRejected() async throws {
        let harness = Harness()
        let error = await error(harness, try await signed { $0["aud"] = "https://kakehashi.example/lti/auth" })
        #expect(error?.code == "jwt.aud-mismatch")
        #expect(error?.oauthError == "invalid_client")
    }

    @Test func anExpiredAssertionIsRejected() async throws {
        let harness = Harness()
        let token = try await signed { $0["exp"] = .number(Self.now.timeIntervalSince1970 - 60) }
        #expect(await error(harness, token)?.code == "jwt.expired")
    }

    @Test func anAssertionIssuedInTheFutureIsRejected() async throws {
        let harness = Harness()
        let token = try await signed { $0["iat"] = .number(Self.now.timeIntervalSince1970 + 120) }
        #expect(await error(harness, token)?.code == "jwt.iat-future")
    }

    @Test func aReplayedJTIIsRejected() async throws {
        let harness = Harness()
        let token = try await signed()
        _ = try await harness.validate(token)
        let error = await error(harness, token)
        #expect(error?.code == "jwt.replayed-jti")
        #expect(error?.oauthError == "invalid_client")
    }

    @Test func aMissingJTIIsRejected() async throws {
        let harness = Harness()
        #expect(await error(harness, try await signed { $0["jti"] = nil })?.code == "jwt.missing-claim")
    }

    @Test func aMissingKidIsRejected() async throws {
        let harness = Harness()
        #expect(await error(harness, try await signed(kid: nil))?.code == "jwt.missing-kid")
    }

    @Test func algNoneIsRejected() async throws {
        let harness = Harness()
        let error = await error(harness, try TestKeys.unsigned(Self.claims(), kid: "rsa-1"))
        #expect(error?.code == "jwt.unsupported-alg")
        #expect(await harness.endpoint.fetchCount == 0)
    }

    @Test func HS256IsRejectedEvenWithAKnownKid() async throws {
        let harness = Harness()
        let token = try await signed(with: .hs256("the-public-key-misused-as-an-hmac-secret"), kid: "rsa-1")
        #expect(await error(harness, token)?.code == "jwt.unsupported-alg")
    }

    @Test func aSignatureByAnotherKeyIsRejected() async throws {
        let harness = Harness()
        let token = try await signed(with: .rs256(TestKeys.otherRSA), kid: "rsa-1")
        #expect(await error(harness, token)?.code == "jwt.bad-signature")
    }

    @Test func anRSASignatureUnderAnECKidIsRejected() async throws {
        let harness = Harness()
        let token = try await signed(kid: "ec-1")
        #expect(await error(harness, token)?.code == "jwt.key-alg-mismatch")
    }

    @Test func aTamperedPayloadIsRejected() async throws {
        let harness = Harness()
        let parts = try await signed().split(separator: ".").map(String.init)
        var claims = Self.claims()
        claims["sub"] = "admin"
        let forged = Base64URL.encode(try JSONEncoder().encode(claims))
        #expect(await error(harness, "\(parts[0]).\(forged).\(parts[2])")?.code == "jwt.bad-signature")
    }

    @Test func garbageIsMalformed() async {
        let harness = Harness()
        #expect(await error(harness, "not-a-jwt")?.code == "jwt.malformed")
    }
}

/// RFC 6749 §4.4 and §5.2: the token request form and its errors.
@Suite("Token request")
struct TokenRequestTests {
    static let form = [
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": "eyJ.eyJ.sig",
        "scope": "https://purl.imsglobal.org/spec/lti-ags/scope/score https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    ]

    func oauthError(_ edit: (inout [String: String]) -> Void) -> String? {
        var form = Self.form
        edit(&form)
        return ltiError { _ = try TokenRequest(form: form) }?.oauthError
    }

    @Test func aCompleteFormIsRead() throws {
        let request = try TokenRequest(form: Self.form)
        #expect(request.clientAssertion == "eyJ.eyJ.sig")
        #expect(request.scopes == [AGSScope.score, AGSScope.lineItem])
    }

    @Test func aURLEncodedBodyIsRead() throws {
        let body =
            "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
            + "&client_assertion=eyJ.eyJ.sig&scope=https%3A%2F%2Fpurl.imsglobal.org%2Fspec%2Flti-ags%2Fscope%2Fscore+openid"
        let request = try TokenRequest(formBody: body)
        #expect(request.scopes == [AGSScope.score, "openid"])
    }

    @Test func errorsFollowRFC6749() {
        #expect(oauthError { $0["grant_type"] = "authorization_code" } == "unsupported_grant_type")
        #expect(oauthError { $0["grant_type"] = nil } == "invalid_request")
        #expect(oauthError { $0["client_assertion_type"] = "urn:other" } == "invalid_request")
        #expect(oauthError { $0["client_assertion"] = nil } == "invalid_request")
        #expect(oauthError { $0["scope"] = "" } == "invalid_scope")
    }

    @Test func aRepeatedFieldIsAnInvalidRequest() {
        let error = ltiError { _ = try TokenRequest(formBody: "grant_type=client_credentials&grant_type=client_credentials") }
        #expect(error?.oauthError == "invalid_request")
    }

    @Test func grantedScopesAreTheIntersectionInRequestOrder() throws {
        let granted = try TokenRequest.grantedScopes(
            requested: [AGSScope.score, AGSScope.lineItem, NRPSScope.contextMembershipReadOnly, AGSScope.score],
            registered: [NRPSScope.contextMembershipReadOnly, AGSScope.score])
        #expect(granted == [AGSScope.score, NRPSScope.contextMembershipReadOnly])
    }

    @Test func nothingGrantableIsInvalidScope() {
        let error = ltiError { _ = try TokenRequest.grantedScopes(requested: [AGSScope.lineItem], registered: [AGSScope.score]) }
        #expect(error?.oauthError == "invalid_scope")
        #expect(error?.status == 400)
    }

    @Test func theResponseUsesOAuthNames() throws {
        let response = TokenResponse(accessToken: "abc", scopes: [AGSScope.score])
        let json = try JSONDecoder().decode([String: LTIJSON].self, from: JSONEncoder().encode(response))
        #expect(json == ["access_token": "abc", "token_type": "Bearer", "expires_in": 3600, "scope": .string(AGSScope.score)])
    }
}
