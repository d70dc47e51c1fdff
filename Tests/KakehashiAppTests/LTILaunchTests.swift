import Crypto
import Fluent
import Foundation
import JWTKit
import LTI
import Testing
import VaporTesting

@testable import KakehashiApp

/// The platform's three-leg launch (login initiation → authorization → id_token), its checks
/// and its refusals. Interop with a real tool library is in Tests/Interop (pylti1p3).
@Suite struct LTILaunchTests {
    struct Stage {
        var tenant: String
        var student: Accounts.Account
        var other: Accounts.Account
        var classID: String
        var registration: ToolRegistry.Registration
        var linkID: String
    }

    static let tool = ToolRegistry.Description(
        client_name: "漢字ドリル", description: nil, initiate_login_uri: "https://tool.example/login", redirect_uris: ["https://tool.example/launch"],
        jwks_uri: "https://tool.example/jwks", target_link_uri: "https://tool.example/launch", scope: nil,
        custom_parameters: ["grade": "$Kakehashi.grade", "context": "$Context.id"], messages: ["LtiResourceLinkRequest"], privacy: nil)

    func stage(_ app: Application) async throws -> Stage {
        let tenant = uniqueTenant("lti")
        _ = try await importPackage(try demoPackage(schools: 1, students: 30), tenant: tenant, app: app)
        let accounts = Accounts(database: app.db)
        let students = try await accounts.list(tenantCode: tenant, role: "student")
        for student in students.prefix(2) { try await accounts.setPassword(tenantCode: tenant, username: student.username, password: "sakura-2026", actor: "test") }
        let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == tenant).first()?.id)
        let classID = try #require(try await BulkSQL(app.db).run(
            "SELECT \"class_sourced_id\" FROM \"roster_enrollments\" WHERE \"tenant_id\" = ? AND \"user_sourced_id\" = ? AND \"role\" = 'student'",
            [.uuid(tenantID), .text(students[0].sourcedId)], columns: ["class_sourced_id"]).first?[0] ?? nil)
        let registry = ToolRegistry(database: app.db)
        let registration = try await registry.register(Self.tool, tenantCode: tenant, status: .active, source: "test", actor: "test")
        let link = try await registry.place(clientID: registration.client_id, tenantCode: tenant, classSourcedID: classID, title: "かん字", actor: "test")
        return Stage(tenant: tenant, student: students[0], other: students[1], classID: classID, registration: registration, linkID: link.linkID)
    }

    /// The tool's side of leg 2: the authentication request built from the login initiation.
    func authenticationQuery(from login: String, redirectURI: String = "https://tool.example/launch", nonce: String = "nonce-1") throws -> String {
        let query = try #require(URLComponents(string: login)?.queryItems)
        func value(_ name: String) -> String { query.first { $0.name == name }?.value ?? "" }
        var components = URLComponents()
        components.queryItems = [
            .init(name: "scope", value: "openid"), .init(name: "response_type", value: "id_token"), .init(name: "response_mode", value: "form_post"),
            .init(name: "prompt", value: "none"), .init(name: "client_id", value: value("client_id")), .init(name: "redirect_uri", value: redirectURI),
            .init(name: "login_hint", value: value("login_hint")), .init(name: "state", value: "state-1"), .init(name: "nonce", value: nonce),
            .init(name: "lti_message_hint", value: value("lti_message_hint")),
        ]
        return components.percentEncodedQuery!.replacingOccurrences(of: "+", with: "%2B")
    }

    func formFields(_ html: String) -> [String: String] {
        Dictionary(html.matches(of: /<input type="hidden" name="([a-z_]+)" value="([^"]*)"/).map { (String($0.output.1), String($0.output.2)) }, uniquingKeysWith: { a, _ in a })
    }

    @Test(arguments: TestDatabase.available)
    func aStudentLaunchesAToolWithASignedMinimalIDToken(database: TestDatabase) async throws {
        try await withApp(database) { app, settings in
            let stage = try await stage(app)
            var browser = Browser()
            _ = try await browser.signIn(app, tenant: stage.tenant, username: stage.student.username, password: "sakura-2026")

            // The student's home lists the tool, opening in a new window.
            let home = try await browser.get(app, "home")
            #expect(home.body.contains(#"href="/launch/\#(stage.linkID)" target="_blank""#))

            // Leg 1: to the tool's login initiation, with everything the tool needs.
            let first = try await browser.get(app, "launch/\(stage.linkID)")
            #expect(first.status == .seeOther)
            let login = try #require(first.location)
            #expect(login.hasPrefix("https://tool.example/login?"))
            let query = try #require(URLComponents(string: login)?.queryItems)
            let names = Set(query.map(\.name))
            #expect(names.isSuperset(of: ["iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id", "lti_deployment_id"]))
            #expect(query.first { $0.name == "lti_deployment_id" }?.value == stage.registration.deployment_id)
            #expect(!login.contains(stage.student.sourcedId) && !login.contains(stage.student.username), "the login hint is opaque")

            // Leg 2 → 3: an auto-posting form with the id_token, to the registered redirect URI only.
            let authorized = try await browser.get(app, "lti/authorize?" + (try authenticationQuery(from: login)))
            #expect(authorized.status == .ok)
            #expect(authorized.body.contains(#"action="https://tool.example/launch""#))
            let fields = formFields(authorized.body)
            #expect(fields["state"] == "state-1")
            let idToken = try #require(fields["id_token"])

            // Verify as a tool would: with the published JWKS.
            var jwks = ""
            try await app.testing().test(.GET, "lti/jwks") { response async in jwks = response.body.string }
            let keys = try await JWTKeyCollection().add(jwksJSON: jwks)
            let claims = try await keys.verify(idToken, as: LTIMessageSigner.ClaimSet.self).claims
            #expect(claims["iss"] == .string(settings.baseURL) && claims["aud"] == .string(stage.registration.client_id))
            #expect(claims["nonce"] == .string("nonce-1"))
            #expect(claims[LTIClaimName.messageType] == .string("LtiResourceLinkRequest"))
            #expect(claims[LTIClaimName.deploymentID] == .string(stage.registration.deployment_id))
            #expect(claims[LTIClaimName.resourceLink]?.object?["id"] == .string(stage.linkID))
            #expect(claims[LTIClaimName.context]?.object?["id"] == .string(stage.classID))
            #expect(claims[LTIClaimName.roles]?.array?.contains(.string(LTIRole.learner)) == true)
            // Least data by default: a pseudonymous subject, no name, no e-mail, no grade.
            let subject = try #require(claims["sub"]?.string)
            #expect(subject != stage.student.sourcedId && !subject.isEmpty)
            #expect(claims["name"] == nil && claims["email"] == nil && claims[LTIClaimName.lis]?.object?["person_sourcedid"] == nil)
            #expect(claims[LTIClaimName.custom]?.object?["grade"] == .string("$Kakehashi.grade"), "not expanded: the tool may not have the grade")
            #expect(claims[LTIClaimName.custom]?.object?["context"] == .string(stage.classID))
            #expect(claims["locale"] == .string("ja-JP"))

            // Used once: the same request again is answered with launch_no_longer_valid.
            let replay = try await browser.get(app, "lti/authorize?" + (try authenticationQuery(from: login)))
            #expect(formFields(replay.body)["error"] == "launch_no_longer_valid")
            #expect(try await AuditLog(database: app.db).events(tenant: stage.tenant).contains { $0.action == "lti.launch" })
        }
    }

    @Test func theAuthorizationEndpointRefusesWhatItMust() async throws {
        try await withApp(.sqlite) { app, _ in
            let stage = try await stage(app)
            var student = Browser()
            _ = try await student.signIn(app, tenant: stage.tenant, username: stage.student.username, password: "sakura-2026")
            func login() async throws -> String {
                let page = try await student.get(app, "launch/\(stage.linkID)")
                guard let location = page.location else { throw NoRedirect() }
                return location
            }

            // An unregistered redirect URI: an error page, and no form posting to it.
            let wrong = try await student.get(app, "lti/authorize?" + authenticationQuery(from: try await login(), redirectURI: "https://evil.example/steal"))
            #expect(wrong.status == .badRequest && !wrong.body.contains("evil.example/steal\""))
            // A tampered message hint: 400.
            var tampered = try authenticationQuery(from: try await login())
            tampered = tampered.replacingOccurrences(of: "lti_message_hint=ey", with: "lti_message_hint=eyX")
            #expect(try await student.get(app, "lti/authorize?" + tampered).status == .badRequest)
            // Another person's browser presents the launch: login_required, posted back to the tool.
            var other = Browser()
            _ = try await other.signIn(app, tenant: stage.tenant, username: stage.other.username, password: "sakura-2026")
            let stolen = try await other.get(app, "lti/authorize?" + (try authenticationQuery(from: try await login())))
            #expect(formFields(stolen.body)["error"] == "login_required" && formFields(stolen.body)["id_token"] == nil)
            // Without a nonce: invalid_request_object.
            let noNonce = try await student.get(app, "lti/authorize?" + (try authenticationQuery(from: try await login(), nonce: "")))
            #expect(formFields(noNonce.body)["error"] == "invalid_request_object")
            // A student of another class may not launch this class's tool.
            let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == stage.tenant).first()?.id)
            let elsewhere = try #require(try await BulkSQL(app.db).run(
                "SELECT \"user_sourced_id\" FROM \"roster_enrollments\" WHERE \"tenant_id\" = ? AND \"class_sourced_id\" <> ? AND \"role\" = 'student'",
                [.uuid(tenantID), .text(stage.classID)], columns: ["user_sourced_id"]).first?[0] ?? nil)
            let accounts = Accounts(database: app.db)
            let outsider = try #require(try await accounts.list(tenantCode: stage.tenant, role: "student").first { $0.sourcedId == elsewhere })
            try await accounts.setPassword(tenantCode: stage.tenant, username: outsider.username, password: "sakura-2026", actor: "test")
            var stranger = Browser()
            _ = try await stranger.signIn(app, tenant: stage.tenant, username: outsider.username, password: "sakura-2026")
            #expect(try await stranger.get(app, "launch/\(stage.linkID)").status == .forbidden)
        }
    }

    struct NoRedirect: Error {}

    @Test func keysRotateWithOverlap() async throws {
        try await withApp(.sqlite) { app, _ in
            let keys = PlatformKeys(database: app.db, box: app.secretBox)
            let before = try await keys.load()
            let published = try JSONDecoder().decode([String: [[String: String]]].self, from: Data(before.jwks.utf8))["keys"] ?? []
            #expect(published.count == 2 && published.allSatisfy { $0["alg"] == "RS256" && $0["kid"] != nil && $0["use"] == "sig" })
            let next = try #require(published.map { $0["kid"]! }.first { $0 != before.signingKid })
            // The key that signs after a rotation was published before it.
            let signing = try await keys.rotate(actor: "test")
            #expect(signing == next)
            let after = try await keys.load()
            let kids = (try JSONDecoder().decode([String: [[String: String]]].self, from: Data(after.jwks.utf8))["keys"] ?? []).compactMap { $0["kid"] }
            #expect(kids.count == 3 && kids.contains(before.signingKid) && kids.contains(next))
            // A server started with another secret key refuses to start rather than fail every launch.
            await #expect(throws: ConfigurationError.self) { try await SecretBox(key: .init(size: .bits256)).checkOpens(app.db) }
            try await app.secretBox.checkOpens(app.db)
            // Private keys are sealed at rest.
            #expect(try await PlatformKey.query(on: app.db).all().allSatisfy { $0.privateKeySealed.hasPrefix("v1:") && !$0.privateKeySealed.contains("PRIVATE KEY") })
        }
    }
}
