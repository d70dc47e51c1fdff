import CryptoExtras
import Fluent
import Foundation
import JWTKit
import LTI
import Testing
import VaporTesting

@testable import KakehashiApp

/// The Advantage services from a tool's side: token endpoint, AGS, NRPS and Deep Linking, with
/// a tool key the test holds. (Interop with pylti1p3 is in Tests/Interop.)
@Suite struct LTIServicesTests {
    /// A tool's signing key and its JWKS.
    struct ToolKey {
        let keys = JWTKeyCollection()
        let jwks: Data

        init() async throws {
            let key = try Insecure.RSA.PrivateKey(backing: .init(keySize: .bits2048))
            await keys.add(rsa: key, digestAlgorithm: .sha256, kid: "tool-key-1")
            let (n, e) = try key.publicKey.getKeyPrimitives()
            jwks = try JSONEncoder().encode(["keys": [["kty": "RSA", "kid": "tool-key-1", "alg": "RS256", "use": "sig", "n": n.base64URLEncodedString(), "e": e.base64URLEncodedString()]]])
        }

        func sign(_ claims: [String: LTIJSON], kid: String = "tool-key-1") async throws -> String {
            try await keys.sign(LTIMessageSigner.ClaimSet(claims: claims), kid: JWKIdentifier(string: kid))
        }
    }

    static let scopes = [AGSScope.lineItem, AGSScope.resultReadOnly, AGSScope.score, NRPSScope.contextMembershipReadOnly]

    struct World {
        var tenant: String
        var tool: ToolRegistry.Registration
        var classID: String
        var student: Accounts.Account
        var teacher: Accounts.Account
        var linkID: String
        var key: ToolKey
    }

    func world(_ app: Application, schools: Int = 1) async throws -> World {
        let key = try await ToolKey()
        let jwks = key.jwks
        app.storage[JWKSCacheKey.self] = JWKSCache { _ in jwks }
        let tenant = uniqueTenant("ags")
        _ = try await importPackage(try demoPackage(schools: schools, students: 30), tenant: tenant, app: app)
        let accounts = Accounts(database: app.db)
        let student = try #require(try await accounts.list(tenantCode: tenant, role: "student").first)
        let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == tenant).first()?.id)
        let classID = try #require(try await BulkSQL(app.db).run(
            "SELECT \"class_sourced_id\" FROM \"roster_enrollments\" WHERE \"tenant_id\" = ? AND \"user_sourced_id\" = ?",
            [.uuid(tenantID), .text(student.sourcedId)], columns: ["class_sourced_id"]).first?[0] ?? nil)
        let teacherID = try #require(try await BulkSQL(app.db).run(
            "SELECT \"user_sourced_id\" FROM \"roster_enrollments\" WHERE \"tenant_id\" = ? AND \"class_sourced_id\" = ? AND \"role\" = 'teacher'",
            [.uuid(tenantID), .text(classID)], columns: ["user_sourced_id"]).first?[0] ?? nil)
        let teacher = try #require(try await accounts.list(tenantCode: tenant, role: "teacher").first { $0.sourcedId == teacherID })
        try await accounts.setPassword(tenantCode: tenant, username: student.username, password: "sakura-2026", actor: "test")
        try await accounts.setPassword(tenantCode: tenant, username: teacher.username, password: "kokuban-2026", actor: "test")
        var description = LTILaunchTests.tool
        description.scope = Self.scopes.joined(separator: " ")
        description.messages = ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"]
        let registry = ToolRegistry(database: app.db)
        let tool = try await registry.register(description, tenantCode: tenant, status: .active, source: "test", actor: "test")
        let link = try await registry.place(clientID: tool.client_id, tenantCode: tenant, classSourcedID: classID, title: "ドリル", actor: "test")
        return World(tenant: tenant, tool: tool, classID: classID, student: student, teacher: teacher, linkID: link.linkID, key: key)
    }

    /// A client assertion (RFC 7523) as a tool library makes one.
    func assertion(_ world: World, _ settings: Settings, jti: String = UUID().uuidString, kid: String = "tool-key-1") async throws -> String {
        let now = Date().timeIntervalSince1970
        return try await world.key.sign([
            "iss": .string(world.tool.client_id), "sub": .string(world.tool.client_id), "aud": .string(settings.baseURL + "/lti/token"),
            "iat": .number(now.rounded(.down)), "exp": .number(now.rounded(.down) + 300), "jti": .string(jti),
        ], kid: kid)
    }

    func token(_ app: Application, assertion: String, scope: String) async throws -> (HTTPStatus, [String: String]) {
        var result: (HTTPStatus, [String: String]) = (.ok, [:])
        try await app.testing().test(.POST, "lti/token", beforeRequest: { request in
            try request.content.encode([
                "grant_type": "client_credentials", "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion, "scope": scope,
            ], as: .urlEncodedForm)
        }) { response async in
            let body = (try? JSONDecoder().decode([String: LTIJSON].self, from: Data(buffer: response.body))) ?? [:]
            result = (response.status, body.compactMapValues { $0.string ?? $0.number.map { String(Int($0)) } })
        }
        return result
    }

    func call(_ app: Application, _ method: HTTPMethod, _ url: String, bearer: String, contentType: String? = nil, body: String? = nil)
        async throws -> (HTTPStatus, String, HTTPHeaders)
    {
        var result: (HTTPStatus, String, HTTPHeaders) = (.ok, "", [:])
        let path = String(url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })  // strip scheme and host
        try await app.testing().test(method, path, beforeRequest: { request in
            request.headers.bearerAuthorization = BearerAuthorization(token: bearer)
            if let contentType { request.headers.replaceOrAdd(name: .contentType, value: contentType) }
            if let body { request.body = ByteBuffer(string: body) }
        }) { response async in result = (response.status, response.body.string, response.headers) }
        return result
    }

    /// Signs a person in and runs a launch to its id_token; returns the verified claims.
    func launch(_ app: Application, _ browser: inout Browser, path: String) async throws -> [String: LTIJSON] {
        let first = try await browser.get(app, path)
        let login = try #require(first.location)
        let authorized = try await browser.get(app, "lti/authorize?" + (try LTILaunchTests().authenticationQuery(from: login)))
        let idToken = try #require(LTILaunchTests().formFields(authorized.body)["id_token"])
        var jwks = ""
        try await app.testing().test(.GET, "lti/jwks") { response async in jwks = response.body.string }
        return try await JWTKeyCollection().add(jwksJSON: jwks).verify(idToken, as: LTIMessageSigner.ClaimSet.self).claims
    }

    @Test(arguments: TestDatabase.available)
    func aToolPostsAScoreThatTheTeacherSees(database: TestDatabase) async throws {
        try await withApp(database) { app, settings in
            let world = try await world(app)
            var pupil = Browser()
            _ = try await pupil.signIn(app, tenant: world.tenant, username: world.student.username, password: "sakura-2026")
            let claims = try await launch(app, &pupil, path: "launch/\(world.linkID)")
            let ags = try #require(claims[LTIClaimName.agsEndpoint]?.object)
            let lineItems = try #require(ags["lineitems"]?.string)
            #expect(ags["scope"]?.array?.count == 3)
            let memberships = try #require(claims[LTIClaimName.namesRoleService]?.object?["context_memberships_url"]?.string)
            let sub = try #require(claims["sub"]?.string)

            // Token: granted scopes only; the same assertion twice is refused; an unknown key is refused.
            let signed = try await assertion(world, settings)
            let (status, granted) = try await token(app, assertion: signed, scope: Self.scopes.joined(separator: " "))
            #expect(status == .ok && granted["token_type"] == "Bearer")
            let bearer = try #require(granted["access_token"])
            #expect(try await token(app, assertion: signed, scope: AGSScope.score).1["error"] == "invalid_client")
            #expect(try await token(app, assertion: try await assertion(world, settings, kid: "nope"), scope: AGSScope.score).1["error"] == "invalid_client")
            #expect(try await token(app, assertion: try await assertion(world, settings), scope: "https://purl.imsglobal.org/spec/lti-ags/scope/other").1["error"] == "invalid_scope")

            // A line item, a score for the launched student, the result back, the gradebook.
            let created = try await call(app, .POST, lineItems, bearer: bearer, contentType: AGSMediaType.lineItem, body: #"{"label":"漢字テスト","scoreMaximum":100}"#)
            #expect(created.0 == .created)
            let itemURL = try #require(try JSONDecoder().decode(LineItem.self, from: Data(created.1.utf8)).id)
            let now = ISO8601DateFormatter()
            now.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let score = #"{"userId":"\#(sub)","scoreGiven":87,"scoreMaximum":100,"activityProgress":"Completed","gradingProgress":"FullyGraded","timestamp":"\#(now.string(from: Date()))"}"#
            #expect(try await call(app, .POST, AGSURL.scores(of: itemURL), bearer: bearer, contentType: AGSMediaType.score, body: score).0 == .noContent)
            let older = #"{"userId":"\#(sub)","scoreGiven":10,"scoreMaximum":100,"activityProgress":"Completed","gradingProgress":"FullyGraded","timestamp":"2020-01-01T00:00:00.000Z"}"#
            #expect(try await call(app, .POST, AGSURL.scores(of: itemURL), bearer: bearer, contentType: AGSMediaType.score, body: older).0 == .badRequest)
            let stranger = #"{"userId":"not-here","activityProgress":"Completed","gradingProgress":"Pending","timestamp":"\#(now.string(from: Date()))"}"#
            #expect(try await call(app, .POST, AGSURL.scores(of: itemURL), bearer: bearer, contentType: AGSMediaType.score, body: stranger).0 == .unprocessableEntity)
            let results = try await call(app, .GET, AGSURL.results(of: itemURL), bearer: bearer)
            #expect(results.0 == .ok && results.1.contains(#""resultScore":87"#) && results.1.contains(sub))

            var teacher = Browser()
            _ = try await teacher.signIn(app, tenant: world.tenant, username: world.teacher.username, password: "kokuban-2026")
            try await teacher.enrollSecondFactor(app)
            let gradebook = try await teacher.get(app, "t/\(world.tenant)/classes/\(world.classID)/gradebook")
            #expect(gradebook.status == .ok && gradebook.body.contains("漢字テスト / 100") && gradebook.body.contains(#"<td class="number">87</td>"#))

            // Names and roles: paged by the Link header; no names unless the board allowed them.
            let page1 = try await call(app, .GET, memberships + "?limit=2", bearer: bearer)
            #expect(page1.0 == .ok && page1.2.first(name: "Link")?.contains(#"rel="next""#) == true)
            let container = try JSONDecoder().decode(MembershipContainer.self, from: Data(page1.1.utf8))
            #expect(container.members.count == 2 && container.members.allSatisfy { $0.name == nil && $0.email == nil && !$0.userId.isEmpty })
            let next = try #require(LinkHeader.parse(page1.2.first(name: "Link") ?? "").next)
            #expect(try await call(app, .GET, next.lowercased(), bearer: bearer).0 == .ok, "a lowercased next link still works")

            // The token opens only this tool's contexts: another class id under its deployment is 404.
            let foreign = lineItems.replacingOccurrences(of: world.classID, with: "no-such-class")
            #expect(try await call(app, .GET, foreign, bearer: bearer).0 == .notFound)
            #expect(try await call(app, .GET, lineItems, bearer: "forged").0 == .unauthorized)
        }
    }

    @Test func aTeacherPicksContentThroughDeepLinking() async throws {
        try await withApp(.sqlite) { app, settings in
            let world = try await world(app)
            var teacher = Browser()
            _ = try await teacher.signIn(app, tenant: world.tenant, username: world.teacher.username, password: "kokuban-2026")
            try await teacher.enrollSecondFactor(app)
            let claims = try await launch(app, &teacher, path: "t/\(world.tenant)/classes/\(world.classID)/tools/\(world.tool.client_id)/deep-link")
            #expect(claims[LTIClaimName.messageType] == .string("LtiDeepLinkingRequest"))
            #expect(claims[LTIClaimName.resourceLink] == nil)
            let dl = try #require(claims[LTIClaimName.deepLinkingSettings]?.object)
            #expect(dl["deep_link_return_url"]?.string == settings.baseURL + "/lti/deep-linking/return")
            let data = try #require(dl["data"]?.string)

            let now = Date().timeIntervalSince1970.rounded(.down)
            let response = try await world.key.sign([
                "iss": .string(world.tool.client_id), "aud": .string(settings.baseURL), "iat": .number(now), "exp": .number(now + 300),
                "nonce": .string("dl-nonce"), LTIClaimName.deploymentID: claims[LTIClaimName.deploymentID]!,
                LTIClaimName.messageType: .string("LtiDeepLinkingResponse"), LTIClaimName.version: .string("1.3.0"),
                LTIClaimName.deepLinkingData: .string(data),
                LTIClaimName.contentItems: .array([.object([
                    "type": .string("ltiResourceLink"), "title": .string("単元テスト 1"), "url": .string("https://tool.example/launch?unit=1"),
                    "lineItem": .object(["scoreMaximum": .number(50), "label": .string("単元テスト 1")]),
                ])]),
            ])
            let back = try await teacher.post(app, "lti/deep-linking/return", ["JWT": response])
            #expect(back.status == .seeOther && back.location == "/t/\(world.tenant)/classes/\(world.classID)")
            #expect(try await teacher.get(app, "t/\(world.tenant)/classes/\(world.classID)").body.contains("単元テスト 1"))
            let item = try #require(try await LTILineItem.query(on: app.db).filter(\.$label == "単元テスト 1").first())
            #expect(item.scoreMaximum == 50 && item.linkID != nil)
            // The same response again is refused.
            #expect(try await teacher.post(app, "lti/deep-linking/return", ["JWT": response]).status != .seeOther)
        }
    }

    @Test func theBoardDistributesOneContentItemToEveryClassOfAGrade() async throws {
        try await withApp(.sqlite) { app, settings in
            let world = try await world(app, schools: 3)
            let accounts = Accounts(database: app.db)
            let board = try #require(try await accounts.list(tenantCode: world.tenant, role: "districtAdministrator").first)
            try await accounts.setPassword(tenantCode: world.tenant, username: board.username, password: "kyouiku-2026", actor: "test")
            var admin = Browser()
            _ = try await admin.signIn(app, tenant: world.tenant, username: board.username, password: "kyouiku-2026")
            try await admin.enrollSecondFactor(app)
            let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == world.tenant).first()?.id)
            let fifthGrade = try await DeepLinkingController.classes(ofGrade: "P5", tenantID: tenantID, database: app.db)
            #expect(fifthGrade.count == 2, "two elementary schools, one 5th-grade class each")
            #expect(try await admin.get(app, "t/\(world.tenant)/admin/tools").body.contains("/distribute"))
            let claims = try await launch(app, &admin, path: "t/\(world.tenant)/admin/tools/\(world.tool.client_id)/distribute?grade=P5")
            let data = try #require(claims[LTIClaimName.deepLinkingSettings]?.object?["data"]?.string)
            let now = Date().timeIntervalSince1970.rounded(.down)
            let response = try await world.key.sign([
                "iss": .string(world.tool.client_id), "aud": .array([.string(settings.baseURL)]), "iat": .number(now), "exp": .number(now + 300),
                "nonce": .string("n"), LTIClaimName.deploymentID: claims[LTIClaimName.deploymentID]!,
                LTIClaimName.messageType: .string("LtiDeepLinkingResponse"), LTIClaimName.version: .string("1.3.0"), LTIClaimName.deepLinkingData: .string(data),
                LTIClaimName.contentItems: .array([.object(["type": .string("ltiResourceLink"), "title": .string("全国学力テスト練習"),
                                                            "lineItem": .object(["scoreMaximum": .number(100), "label": .string("練習")])])]),
            ])
            let done = try await admin.post(app, "lti/deep-linking/return", ["JWT": response])
            #expect(done.status == .ok && done.body.contains("2 クラス"))
            let links = try await LTIResourceLink.query(on: app.db).filter(\.$title == "全国学力テスト練習").all()
            #expect(Set(links.map(\.classSourcedID)) == Set(fifthGrade))
            #expect(try await LTILineItem.query(on: app.db).filter(\.$label == "練習").count() == 2)
            #expect(try await AuditLog(database: app.db).events(tenant: world.tenant).contains { $0.action == "tool.distribute" && $0.subject.hasSuffix("/P5") })
        }
    }

    @Test func dynamicRegistrationWaitsForApproval() async throws {
        try await withApp(.sqlite) { app, settings in
            _ = try await importPackage(try demoPackage(schools: 1, students: 30), tenant: "dynreg", app: app)
            let tenant = try #require(try await Tenant.query(on: app.db).filter(\.$code == "dynreg").first())
            let url = try await DynamicRegistrationController.registrationURL(
                toolURL: "https://tool.example/register", tenant: tenant, actor: "test", baseURL: settings.baseURL, database: app.db)
            let query = try #require(URLComponents(string: url)?.queryItems)
            #expect(query.first { $0.name == "openid_configuration" }?.value == settings.baseURL + "/.well-known/openid-configuration")
            let token = try #require(query.first { $0.name == "registration_token" }?.value)
            var configuration = ""
            try await app.testing().test(.GET, ".well-known/openid-configuration") { response async in configuration = response.body.string }
            #expect(configuration.contains(#""registration_endpoint":"\#(settings.baseURL)/lti/register""#))
            #expect(configuration.contains("https://purl.imsglobal.org/spec/lti-platform-configuration"))
            let registration = #"""
                {"application_type":"web","grant_types":["client_credentials","implicit"],"response_types":["id_token"],
                 "redirect_uris":["https://tool.example/launch"],"initiate_login_uri":"https://tool.example/login","client_name":"自動登録ドリル",
                 "jwks_uri":"https://tool.example/jwks","token_endpoint_auth_method":"private_key_jwt",
                 "scope":"https://purl.imsglobal.org/spec/lti-ags/scope/score https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                 "https://purl.imsglobal.org/spec/lti-tool-configuration":{"domain":"tool.example","target_link_uri":"https://tool.example/launch",
                   "messages":[{"type":"LtiDeepLinkingRequest"}]}}
                """#
            func register() async throws -> (HTTPStatus, String) {
                var result: (HTTPStatus, String) = (.ok, "")
                try await app.testing().test(.POST, "lti/register", beforeRequest: { request in
                    request.headers.bearerAuthorization = BearerAuthorization(token: token)
                    request.headers.contentType = .json
                    request.body = ByteBuffer(string: registration)
                }) { response async in result = (response.status, response.body.string) }
                return result
            }
            let (status, body) = try await register()
            #expect(status == .ok && body.contains(#""client_id""#) && body.contains(#""deployment_id""#))
            let tool = try #require(try await LTITool.query(on: app.db).filter(\.$name == "自動登録ドリル").first())
            #expect(tool.status == "pending" && tool.messageTypes.contains("LtiDeepLinkingRequest"))
            // The token is single-use.
            #expect(try await register().0 == .unauthorized)
            try await ToolRegistry(database: app.db).approve(clientID: tool.clientID, actor: "test")
            #expect(try await LTITool.find(tool.id, on: app.db)?.status == "active")
        }
    }
}
