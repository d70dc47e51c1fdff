import Fluent
import Foundation
import JWTKit
import LTI
import Testing
import VaporTesting

@testable import KakehashiApp

/// A tool the board deploys to a school appears in the launcher of that school's students and
/// teachers, under a deployment of its own, and opens without a class (no context, no class
/// services); people of other schools neither see it nor open it.
@Suite struct SchoolLauncherTests {
    let launch = LTILaunchTests()

    @Test(arguments: TestDatabase.available)
    func aToolDeployedToASchoolIsInItsLauncherOnly(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("launcher")
            _ = try await importPackage(try demoPackage(schools: 2, students: 20), tenant: tenant, app: app)
            let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == tenant).first()?.id)
            let accounts = Accounts(database: app.db)
            let students = try await accounts.list(tenantCode: tenant, role: "student")
            let rows = try await BulkSQL(app.db).run(
                "SELECT \"sourced_id\", \"primary_org_sourced_id\" FROM \"roster_users\" WHERE \"tenant_id\" = ?", [.uuid(tenantID)],
                columns: ["sourced_id", "primary_org_sourced_id"])
            let schoolOf = Dictionary(rows.map { ($0[0] ?? "", $0[1] ?? "") }, uniquingKeysWith: { a, _ in a })
            let here = try #require(students.first)
            let hereSchool = try #require(schoolOf[here.sourcedId])
            let there = try #require(students.first { schoolOf[$0.sourcedId] != hereSchool })
            for student in [here, there] {
                try await accounts.setPassword(tenantCode: tenant, username: student.username, password: "sakura-2026", actor: "test")
            }
            var description = LTILaunchTests.tool
            description.scope = AGSScope.all.sorted().joined(separator: " ")
            let registration = try await ToolRegistry(database: app.db).register(description, tenantCode: tenant, status: .active, source: "test", actor: "test")

            // The board administrator ticks one school on the tools page.
            var admin = try await AdminPagesTests().boardAdmin(app, tenant: tenant)
            let page = try await admin.get(app, "t/\(tenant)/admin/tools")
            #expect(page.body.contains(#"action="/t/\#(tenant)/admin/tools/\#(registration.client_id)/schools""#))
            let csrf = try #require(hiddenValue("csrf", in: page.body))
            let saved = try await admin.post(
                app, "t/\(tenant)/admin/tools/\(registration.client_id)/schools", encodedForm: "csrf=\(csrf)&school=\(hereSchool)")
            #expect(saved.status == .seeOther)
            let toolID = try #require(try await LTITool.query(on: app.db).filter(\.$clientID == registration.client_id).first()?.id)
            let deployment = try #require(
                try await LTIDeployment.query(on: app.db).filter(\.$toolID == toolID).filter(\.$schoolSourcedID == hereSchool).first())
            #expect(deployment.deploymentID != registration.deployment_id, "a school's deployment is its own")
            let link = try #require(try await LTIResourceLink.query(on: app.db).filter(\.$deploymentID == deployment.deploymentID).first())
            #expect(link.classSourcedID.isEmpty)

            // A student of that school sees it and opens it: no class in the launch.
            var student = Browser()
            _ = try await student.signIn(app, tenant: tenant, username: here.username, password: "sakura-2026")
            #expect(try await student.get(app, "home").body.contains(#"href="/launch/\#(link.linkID)""#))
            let first = try await student.get(app, "launch/\(link.linkID)")
            let login = try #require(first.location)
            #expect(URLComponents(string: login)?.queryItems?.first { $0.name == "lti_deployment_id" }?.value == deployment.deploymentID)
            let authorized = try await student.get(app, "lti/authorize?" + (try launch.authenticationQuery(from: login)))
            let idToken = try #require(launch.formFields(authorized.body)["id_token"])
            var jwks = ""
            try await app.testing().test(.GET, "lti/jwks") { response async in jwks = response.body.string }
            let claims = try await JWTKeyCollection().add(jwksJSON: jwks).verify(idToken, as: LTIMessageSigner.ClaimSet.self).claims
            #expect(claims[LTIClaimName.deploymentID] == .string(deployment.deploymentID))
            #expect(claims[LTIClaimName.resourceLink]?.object?["id"] == .string(link.linkID))
            #expect(claims[LTIClaimName.context] == nil, "no class: no context")
            #expect(claims[LTIClaimName.agsEndpoint] == nil, "no class: no gradebook")
            #expect(claims[LTIClaimName.custom]?.object?["context"] == .string("$Context.id"), "no class to substitute")

            // A student of the other school neither sees it nor opens it.
            var other = Browser()
            _ = try await other.signIn(app, tenant: tenant, username: there.username, password: "sakura-2026")
            #expect(!(try await other.get(app, "home").body.contains(link.linkID)))
            #expect(try await other.get(app, "launch/\(link.linkID)").status == .forbidden)

            // Both schools ticked (a browser repeats the name): the first keeps its deployment id.
            let thereSchool = try #require(schoolOf[there.sourcedId])
            let both = try #require(hiddenValue("csrf", in: try await admin.get(app, "t/\(tenant)/admin/tools").body))
            _ = try await admin.post(
                app, "t/\(tenant)/admin/tools/\(registration.client_id)/schools", encodedForm: "csrf=\(both)&school=\(hereSchool)&school=\(thereSchool)")
            let deployed = try await LTIDeployment.query(on: app.db).filter(\.$toolID == toolID).filter(\.$schoolSourcedID != nil).all()
            #expect(Set(deployed.compactMap(\.schoolSourcedID)) == [hereSchool, thereSchool])
            #expect(deployed.contains { $0.deploymentID == deployment.deploymentID })
            _ = try await admin.post(
                app, "t/\(tenant)/admin/tools/\(registration.client_id)/schools",
                encodedForm: "csrf=\(both)&school=\(hereSchool)")

            // Unticking the school withdraws the tool: gone from the launcher, the link no longer opens.
            let again = try #require(hiddenValue("csrf", in: try await admin.get(app, "t/\(tenant)/admin/tools").body))
            #expect(try await admin.post(app, "t/\(tenant)/admin/tools/\(registration.client_id)/schools", encodedForm: "csrf=\(again)").status == .seeOther)
            #expect(try await LTIDeployment.query(on: app.db).filter(\.$schoolSourcedID == hereSchool).count() == 0)
            #expect(!(try await student.get(app, "home").body.contains(link.linkID)))
            #expect(try await student.get(app, "launch/\(link.linkID)").status == .notFound)
            let actions = try await AuditLog(database: app.db).events(tenant: tenant).map(\.action)
            #expect(actions.contains("tool.deploy") && actions.contains("tool.withdraw"))
        }
    }

    @Test func anUnknownSchoolIsRefusedByName() async throws {
        try await withApp(.sqlite) { app, _ in
            let tenant = uniqueTenant("launcher")
            _ = try await importPackage(try demoPackage(schools: 1, students: 5), tenant: tenant, app: app)
            let registry = ToolRegistry(database: app.db)
            let registration = try await registry.register(LTILaunchTests.tool, tenantCode: tenant, status: .active, source: "test", actor: "test")
            await #expect(throws: RosterError.self) {
                try await registry.deploy(clientID: registration.client_id, tenantCode: tenant, schools: ["no-such-school"], actor: "test")
            }
            #expect(try await LTIDeployment.query(on: app.db).filter(\.$schoolSourcedID != nil).count() == 0)
        }
    }
}
