import Fluent
import Foundation
import LTI
import Testing
import VaporTesting

@testable import KakehashiApp

/// How a person an identity provider vouches for is found in the roster: by e-mail (refused when
/// the provider says it is unverified), by username, or by a `{type:identifier}` userIds entry.
/// The sign-in flow itself is proven against an independent OpenID provider (Tests/Interop).
@Suite struct ClaimMappingTests {
    @Test func rulesParseAndNameTheirDefaultClaim() {
        #expect(ClaimMapping("email") == .email && ClaimMapping("email")?.defaultClaim == "email")
        #expect(ClaimMapping("username")?.defaultClaim == "preferred_username")
        #expect(ClaimMapping("userIds:Google") == .userId(type: "Google") && ClaimMapping("userIds:Google")?.defaultClaim == "sub")
        #expect(ClaimMapping("userIds:") == nil && ClaimMapping("userIds:a}b") == nil && ClaimMapping("phone") == nil)
        let ids = IdentityProviders.userIds("{Google:1234},{Microsoft:ab_c%d}")
        #expect(ids.map(\.type) == ["Google", "Microsoft"] && ids.map(\.identifier) == ["1234", "ab_c%d"])
    }

    func identity(_ claims: [String: Any]) throws -> OIDCClient.Identity {
        var all: [String: Any] = ["iss": "https://idp.example", "sub": "subject-1", "aud": "client", "exp": 2_000_000_000, "iat": 1_700_000_000, "nonce": "n"]
        all.merge(claims) { $1 }
        let data = try JSONSerialization.data(withJSONObject: all)
        return OIDCClient.Identity(claims: try JSONDecoder().decode(IDTokenClaims.self, from: data), raw: try JSONDecoder().decode([String: LTIJSON].self, from: data))
    }

    @Test(arguments: TestDatabase.available)
    func eachRuleFindsExactlyOneRosterUser(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("claims")
            _ = try await importPackage(try demoPackage(schools: 1, students: 30), tenant: tenant, app: app)
            let student = try #require(try await Accounts(database: app.db).list(tenantCode: tenant, role: "student").first)
            let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == tenant).first()?.id)
            let providers = IdentityProviders(database: app.db, box: app.secretBox)
            func provider(_ rule: String, claim: String) -> IdentityProvider {
                let provider = IdentityProvider()
                provider.tenantID = tenantID
                provider.matchRule = rule
                provider.claim = claim
                return provider
            }
            // The demo roster gives every user the e-mail USERNAME@kakehashi.example and userIds {Kakehashi:USERNAME}.
            let email = "\(student.username.uppercased())@kakehashi.example"
            #expect(try await providers.username(for: try identity(["email": email]), provider: provider("email", claim: "email")) == student.username)
            #expect(try await providers.username(for: try identity(["email": email, "email_verified": false]), provider: provider("email", claim: "email")) == nil)
            #expect(try await providers.username(for: try identity(["preferred_username": student.username]), provider: provider("username", claim: "preferred_username")) == student.username)
            #expect(try await providers.username(for: try identity(["preferred_username": "nobody"]), provider: provider("username", claim: "preferred_username")) == nil)
            #expect(try await providers.username(for: try identity(["sub": student.username]), provider: provider("userIds:Kakehashi", claim: "sub")) == student.username)
            #expect(try await providers.username(for: try identity(["sub": student.username]), provider: provider("userIds:Google", claim: "sub")) == nil)
            // A pattern character in the claim matches only itself.
            #expect(try await providers.username(for: try identity(["sub": "s%"]), provider: provider("userIds:Kakehashi", claim: "sub")) == nil)
        }
    }
}
