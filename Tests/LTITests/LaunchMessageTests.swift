import Foundation
import JWTKit
import Testing

@testable import LTI

/// The platform's launch message: required claims, exact names and values tools compare, roles
/// as full URIs, and a signature with `kid`.
@Suite struct LaunchMessageTests {
    func message(_ type: LTIMessageType = .resourceLink) -> LaunchMessage {
        var message = LaunchMessage(
            issuer: "https://portal.example.jp", clientID: "client-1", deploymentID: "dep-1", subject: "pseudo-123", nonce: "n-1",
            messageType: type, targetLinkURI: "https://tool.example/launch", roles: LTIRole.roles(oneRosterRole: "student", enrollmentRole: "student"),
            locale: "ja-JP", issuedAt: Date(timeIntervalSince1970: 1_800_000_000))
        message.resourceLink = .init(id: "link-1", title: "漢字ドリル")
        message.context = .init(id: "class-1", label: "1-1", title: "1年1組")
        return message
    }

    @Test func aResourceLinkLaunchCarriesEveryRequiredClaim() throws {
        let claims = try message().claims()
        #expect(claims["iss"] == .string("https://portal.example.jp") && claims["aud"] == .string("client-1") && claims["sub"] == .string("pseudo-123"))
        #expect(claims[LTIClaimName.messageType] == .string("LtiResourceLinkRequest"))
        #expect(claims[LTIClaimName.version] == .string("1.3.0"))
        #expect(claims[LTIClaimName.deploymentID] == .string("dep-1"))
        #expect(claims[LTIClaimName.resourceLink]?.object?["id"] == .string("link-1"))
        #expect(claims[LTIClaimName.roles] == .array([.string(LTIRole.learner), .string(LTIRole.student)]))
        #expect(claims[LTIClaimName.context]?.object?["type"] == .array([.string("http://purl.imsglobal.org/vocab/lis/v2/course#CourseSection")]))
        // iat a few seconds in the past, exp minutes ahead.
        #expect(claims["iat"] == .number(1_800_000_000 - 5) && claims["exp"] == .number(1_800_000_000 + 300))
        #expect(claims["email"] == nil && claims["name"] == nil, "no personal data unless the tool may have it")
    }

    @Test func missingClaimsKeepALaunchFromLeaving() {
        var noLink = message()
        noLink.resourceLink = nil
        #expect(throws: LaunchMessage.Incomplete.self) { try noLink.claims() }
        var noSubject = message()
        noSubject.subject = ""
        #expect(throws: LaunchMessage.Incomplete.self) { try noSubject.claims() }
        #expect(throws: LaunchMessage.Incomplete.self) { try message(.deepLinking).claims() }
    }

    @Test func rolesAreFullURIsFromOneRosterRoles() {
        #expect(LTIRole.roles(oneRosterRole: "teacher", enrollmentRole: "teacher") == [
            "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor", "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty",
        ])
        #expect(LTIRole.roles(oneRosterRole: "teacher", enrollmentRole: "aide").contains("http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"))
        #expect(LTIRole.roles(oneRosterRole: "principal", enrollmentRole: nil).contains(LTIRole.contextAdministrator))
        #expect(LTIRole.roles(oneRosterRole: "guardian", enrollmentRole: nil) == [LTIRole.institutionMentor])
    }

    @Test func theAuthenticationRequestsFixedParametersAreChecked() {
        let good: [String: String] = [
            "scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none", "client_id": "c",
            "redirect_uri": "https://tool/launch", "login_hint": "u", "state": "s", "nonce": "n", "lti_message_hint": "h",
        ]
        #expect(AuthenticationRequest(parameters: good).check() == nil)
        var noNonce = good
        noNonce["nonce"] = nil
        #expect(AuthenticationRequest(parameters: noNonce).check()?.code == .invalidRequestObject)
        var wrongPrompt = good
        wrongPrompt["prompt"] = "login"
        #expect(AuthenticationRequest(parameters: wrongPrompt).check()?.code == .invalidRequestObject)
        var noOpenID = good
        noOpenID["scope"] = "profile"
        #expect(AuthenticationRequest(parameters: noOpenID).check()?.code == .invalidScope)
    }

    @Test func customParametersExpandKnownVariablesOnly() {
        let expanded = SubstitutionVariables.expand(
            ["grade": "$Kakehashi.grade", "who": "$Person.name.full", "plain": "x", "unknown": "$Nope"], with: ["$Kakehashi.grade": "P1"])
        #expect(expanded == ["grade": "P1", "who": "$Person.name.full", "plain": "x", "unknown": "$Nope"])
    }

    @Test func theSignatureNamesItsKeyAndVerifiesWithTheJWKS() async throws {
        let key = try Insecure.RSA.PrivateKey(pem: Self.testKeyPEM)
        let keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256, kid: "k1")
        let token = try await LTIMessageSigner(keys: keys, kid: "k1").sign(try message().claims())
        let header = try JSONDecoder().decode([String: String].self, from: Data(base64URL: String(token.split(separator: ".")[0]))!)
        #expect(header["kid"] == "k1" && header["alg"] == "RS256" && header["typ"] == "JWT")
        let verifier = JWTKeyCollection()
        await verifier.add(rsa: key.publicKey, digestAlgorithm: .sha256, kid: "k1")
        let verified = try await verifier.verify(token, as: LTIMessageSigner.ClaimSet.self)
        #expect(verified.claims["sub"] == .string("pseudo-123"))
    }

    /// A 2048-bit RSA key for this test only.
    static let testKeyPEM: String = {
        (try? Insecure.RSA.PrivateKey(backing: .init(keySize: .bits2048)).pemRepresentation) ?? ""
    }()
}

extension Data {
    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
