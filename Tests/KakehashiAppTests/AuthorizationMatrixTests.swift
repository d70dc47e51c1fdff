import Fluent
import Foundation
import Testing
import VaporTesting

@testable import KakehashiApp

/// Every route × every role × own or other tenant, school, class and person. The expected answers
/// are written out by hand, row by row, from the issue's rule: student (self), teacher (their
/// classes), school admin (their school), board admin (their tenant), operator (all tenants).
@Suite struct AuthorizationMatrixTests {
    /// The people and things of one tenant the matrix needs.
    struct Cast {
        var tenant: String
        var school1: String
        var class1: String  // taught by `teacher`, attended by `student` and `classmate`
        var class2: String  // another class of school 1
        var class3: String  // a class of school 2
        var student: Accounts.Account
        var classmate: String
        var otherClassStudent: String  // school 1, class 2
        var otherSchoolStudent: String  // school 2
        var teacher: Accounts.Account
        var principal: Accounts.Account  // school 1
        var boardAdmin: Accounts.Account
    }

    static func cast(_ app: Application, tenant: String) async throws -> Cast {
        _ = try await importPackage(try demoPackage(schools: 2, students: 30), tenant: tenant, app: app)
        let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == tenant).first()?.id)
        let sql = BulkSQL(app.db)
        let schools = try await sql.run(
            "SELECT \"sourced_id\" FROM \"roster_orgs\" WHERE \"tenant_id\" = ? AND \"type\" = 'school' ORDER BY \"identifier\"", [.uuid(tenantID)],
            columns: ["sourced_id"]).compactMap { $0[0] }
        let classes = try await sql.run(
            "SELECT \"sourced_id\", \"school_sourced_id\" FROM \"roster_classes\" WHERE \"tenant_id\" = ? ORDER BY \"title\", \"sourced_id\"", [.uuid(tenantID)],
            columns: ["sourced_id", "school_sourced_id"])
        let school1 = schools[0], school2 = schools[1]
        let inSchool1 = classes.filter { $0[1] == school1 }.compactMap { $0[0] }
        let class1 = inSchool1[0], class2 = inSchool1[1]
        let class3 = try #require(classes.first { $0[1] == school2 }?[0] ?? nil)
        func members(_ klass: String, role: String) async throws -> [String] {
            try await sql.run(
                "SELECT \"user_sourced_id\" FROM \"roster_enrollments\" WHERE \"tenant_id\" = ? AND \"class_sourced_id\" = ? AND \"role\" = ? ORDER BY \"user_sourced_id\"",
                [.uuid(tenantID), .text(klass), .text(role)], columns: ["user_sourced_id"]).compactMap { $0[0] }
        }
        let accounts = try await Accounts(database: app.db).list(tenantCode: tenant)
        func account(_ id: String) throws -> Accounts.Account {
            guard let found = accounts.first(where: { $0.sourcedId == id }) else { throw NoSuchAccount() }
            return found
        }
        let class1Students = try await members(class1, role: "student")
        let principalID = try #require(try await sql.run(
            "SELECT \"user_sourced_id\" FROM \"roster_roles\" WHERE \"tenant_id\" = ? AND \"role\" = 'principal' AND \"org_sourced_id\" = ?",
            [.uuid(tenantID), .text(school1)], columns: ["user_sourced_id"]).first?[0] ?? nil)
        let cast = Cast(
            tenant: tenant, school1: school1, class1: class1, class2: class2, class3: class3,
            student: try account(class1Students[0]), classmate: class1Students[1],
            otherClassStudent: try await members(class2, role: "student")[0], otherSchoolStudent: try await members(class3, role: "student")[0],
            teacher: try account(try await members(class1, role: "teacher")[0]), principal: try account(principalID),
            boardAdmin: try #require(accounts.first { $0.role == "districtAdministrator" }))
        let passwords = Accounts(database: app.db)
        for person in [cast.student, cast.teacher, cast.principal, cast.boardAdmin] {
            try await passwords.setPassword(tenantCode: tenant, username: person.username, password: "matrix-pass-1", actor: "test")
        }
        return cast
    }

    struct NoSuchAccount: Error {}

    enum Actor: String, CaseIterable {
        case anonymous, student, teacher, schoolAdmin, boardAdmin, `operator`
    }

    @Test(arguments: TestDatabase.available)
    func everyRouteEveryRoleEveryScope(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let a = try await Self.cast(app, tenant: uniqueTenant("matrix-a"))
            let b = try await Self.cast(app, tenant: uniqueTenant("matrix-b"))
            let operatorName = "ops-\(UUID().uuidString.prefix(6).lowercased())"
            try await Accounts(database: app.db).createOperator(username: operatorName, password: "operator-pass-2026", actor: "test")

            var browsers: [Actor: Browser] = [.anonymous: Browser()]
            for (actor, username, tenant) in [
                (Actor.student, a.student.username, a.tenant), (.teacher, a.teacher.username, a.tenant), (.schoolAdmin, a.principal.username, a.tenant),
                (.boardAdmin, a.boardAdmin.username, a.tenant), (.operator, operatorName, SignInController.operatorTenant),
            ] {
                var browser = Browser()
                let password = actor == .operator ? "operator-pass-2026" : "matrix-pass-1"
                let (status, location) = try await browser.signIn(app, tenant: tenant, username: username, password: password)
                #expect(status == .seeOther, "\(actor) signs in")
                // Everyone but students must set up a second factor first.
                #expect(location == (actor == .student ? "/home" : "/mfa/setup"), "\(actor)")
                if actor != .student { try await browser.enrollSecondFactor(app) }
                browsers[actor] = browser
            }
            // A teacher who stopped at the second factor may go nowhere but the code page.
            var halfway = Browser()
            _ = try await halfway.signIn(app, tenant: a.tenant, username: a.teacher.username, password: "matrix-pass-1")

            let A = a.tenant, B = b.tenant
            let noUpload = UUID()
            // A tool placed in a class of each school of A, and in a class of B.
            let registry = ToolRegistry(database: app.db)
            let toolA = try await registry.register(LTILaunchTests.tool, tenantCode: A, status: .active, source: "test", actor: "test")
            let toolB = try await registry.register(LTILaunchTests.tool, tenantCode: B, status: .active, source: "test", actor: "test")
            let link1 = try await registry.place(clientID: toolA.client_id, tenantCode: A, classSourcedID: a.class1, title: "1", actor: "test").linkID
            let link3 = try await registry.place(clientID: toolA.client_id, tenantCode: A, classSourcedID: a.class3, title: "3", actor: "test").linkID
            let linkB = try await registry.place(clientID: toolB.client_id, tenantCode: B, classSourcedID: b.class1, title: "B", actor: "test").linkID
            typealias Row = (path: String, post: Bool, expected: [Actor: Int])
            // 200 allowed, 403 refused; anonymous is sent to sign in (303).
            func row(_ path: String, post: Bool = false, student: Int, teacher: Int, schoolAdmin: Int, boardAdmin: Int, op: Int = 200) -> Row {
                (path, post, [.anonymous: 303, .student: student, .teacher: teacher, .schoolAdmin: schoolAdmin, .boardAdmin: boardAdmin, .operator: op])
            }
            let rows: [Row] = [
                row("/home", student: 200, teacher: 200, schoolAdmin: 200, boardAdmin: 200),
                // Classes: a teacher sees the class they teach, a school admin their school's, a board admin their tenant's.
                row("/t/\(A)/classes/\(a.class1)", student: 403, teacher: 200, schoolAdmin: 200, boardAdmin: 200),
                row("/t/\(A)/classes/\(a.class2)", student: 403, teacher: 403, schoolAdmin: 200, boardAdmin: 200),
                row("/t/\(A)/classes/\(a.class3)", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 200),
                row("/t/\(B)/classes/\(b.class1)", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403),
                // People.
                row("/t/\(A)/users/\(a.student.sourcedId)", student: 200, teacher: 200, schoolAdmin: 200, boardAdmin: 200),
                row("/t/\(A)/users/\(a.classmate)", student: 403, teacher: 200, schoolAdmin: 200, boardAdmin: 200),
                row("/t/\(A)/users/\(a.otherClassStudent)", student: 403, teacher: 403, schoolAdmin: 200, boardAdmin: 200),
                row("/t/\(A)/users/\(a.otherSchoolStudent)", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 200),
                row("/t/\(A)/users/\(a.teacher.sourcedId)", student: 403, teacher: 200, schoolAdmin: 200, boardAdmin: 200),
                row("/t/\(B)/users/\(b.student.sourcedId)", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403),
                // Administration.
                row("/t/\(A)/admin", student: 403, teacher: 403, schoolAdmin: 200, boardAdmin: 200),
                row("/t/\(A)/admin/users?q=s", student: 403, teacher: 403, schoolAdmin: 200, boardAdmin: 200),
                row("/t/\(B)/admin/users?q=s", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403),
                row("/t/\(A)/admin/roster", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 200),
                row("/t/\(B)/admin/roster", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403),
                row("/t/\(A)/admin/audit", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 200),
                row("/t/\(A)/admin/audit.csv", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 200),
                row("/t/\(B)/admin/audit", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403),
                // Roster uploads: refused before anything is looked up; an unknown upload is 404 only to those allowed.
                row("/t/\(A)/admin/roster", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 400, op: 400),
                row("/t/\(A)/admin/roster/uploads/\(noUpload)", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 404, op: 404),
                row("/t/\(A)/admin/roster/uploads/\(noUpload)/apply", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 404, op: 404),
                row("/t/\(A)/admin/roster/uploads/\(noUpload)/discard", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 404, op: 404),
                row("/t/\(B)/admin/roster/uploads/\(noUpload)", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403, op: 404),
                // Launches (303 = sent on to the tool's login): the class's own people and its school's and
                // tenant's administrators; operators are no roster person and cannot launch.
                row("/launch/\(link1)", student: 303, teacher: 303, schoolAdmin: 303, boardAdmin: 303, op: 403),
                row("/launch/\(link3)", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 303, op: 403),
                row("/launch/\(linkB)", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403, op: 403),
                // Adding a tool to a class (400: allowed, but the form names no tool).
                row("/t/\(A)/classes/\(a.class1)/links", post: true, student: 403, teacher: 400, schoolAdmin: 400, boardAdmin: 400, op: 400),
                row("/t/\(A)/classes/\(a.class3)/links", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 400, op: 400),
                row("/t/\(B)/classes/\(b.class1)/links", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403, op: 400),
                // Gradebooks: like the class.
                row("/t/\(A)/classes/\(a.class1)/gradebook", student: 403, teacher: 200, schoolAdmin: 200, boardAdmin: 200),
                row("/t/\(A)/classes/\(a.class3)/gradebook", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 200),
                row("/t/\(B)/classes/\(b.class1)/gradebook", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403),
                // Choosing content in a tool (400: allowed, but this tool offers no Deep Linking).
                row("/t/\(A)/classes/\(a.class1)/tools/\(toolA.client_id)/deep-link", student: 403, teacher: 400, schoolAdmin: 400, boardAdmin: 400, op: 403),
                row("/t/\(A)/classes/\(a.class3)/tools/\(toolA.client_id)/deep-link", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 400, op: 403),
                row("/t/\(B)/classes/\(b.class1)/tools/\(toolB.client_id)/deep-link", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403, op: 403),
                row("/t/\(A)/admin/tools/dynamic", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 400, op: 400),
                row("/t/\(A)/admin/tools/\(toolA.client_id)/distribute?grade=P1", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 400, op: 403),
                row("/t/\(B)/admin/tools/\(toolB.client_id)/distribute?grade=P1", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403, op: 403),
                // What a tool receives: everyone of its tenant may read it.
                row("/t/\(A)/tools/\(toolA.client_id)", student: 200, teacher: 200, schoolAdmin: 200, boardAdmin: 200),
                row("/t/\(B)/tools/\(toolB.client_id)", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403),
                // Tool administration: the board.
                row("/t/\(A)/admin/tools", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 200),
                row("/t/\(B)/admin/tools", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403),
                row("/t/\(A)/admin/tools", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 400, op: 400),
                row("/t/\(A)/admin/tools/\(toolA.client_id)", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 303, op: 303),
                row("/t/\(B)/admin/tools/\(toolB.client_id)", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403, op: 303),
                // Which schools' launchers show a tool (no school ticked: withdrawn everywhere).
                row("/t/\(A)/admin/tools/\(toolA.client_id)/schools", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 303, op: 303),
                row("/t/\(B)/admin/tools/\(toolB.client_id)/schools", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403, op: 303),
                // Credential resets (targets are not any actor, so no actor is signed out midway).
                row("/t/\(A)/users/\(a.classmate)/mfa-reset", post: true, student: 403, teacher: 403, schoolAdmin: 200, boardAdmin: 200),
                row("/t/\(A)/users/\(a.otherSchoolStudent)/mfa-reset", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 200),
                row("/t/\(A)/users/\(a.otherClassStudent)/password", post: true, student: 403, teacher: 403, schoolAdmin: 200, boardAdmin: 200),
                row("/t/\(B)/users/\(b.classmate)/password", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403),
                // Learner rights: all learning records of a person, for the board and operators only (not the
                // person themself, their teacher or their school's administrator).
                row("/t/\(A)/users/\(a.student.sourcedId)/learning-records.json", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 200),
                row("/t/\(A)/users/\(a.otherSchoolStudent)/learning-records.json", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 200),
                row("/t/\(B)/users/\(b.student.sourcedId)/learning-records.json", student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403),
                // Erasure (400: allowed, but the form lacks the typed username, so nothing is erased).
                row("/t/\(A)/users/\(a.classmate)/learning-records/erase", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 400, op: 400),
                row("/t/\(B)/users/\(b.classmate)/learning-records/erase", post: true, student: 403, teacher: 403, schoolAdmin: 403, boardAdmin: 403, op: 400),
            ]

            var mismatches: [String] = []
            for row in rows {
                for actor in Actor.allCases {
                    var browser = browsers[actor]!
                    let expected = row.expected[actor]!
                    let page: Browser.Page
                    if row.post {
                        let csrf = actor == .anonymous ? "" : try await browser.get(app, "/home").csrf
                        page = try await browser.post(app, row.path, ["csrf": csrf, "password": "reset-pass-2026"])
                    } else {
                        page = try await browser.get(app, row.path)
                    }
                    browsers[actor] = browser
                    if Int(page.status.code) != expected { mismatches.append("\(actor) \(row.post ? "POST" : "GET") \(row.path): \(page.status.code), expected \(expected)") }
                    if actor == .anonymous { #expect(page.location?.hasPrefix("/signin") == true, "\(row.path)") }
                    if actor != .anonymous, expected == 303, row.path.hasPrefix("/launch/"), page.location?.hasPrefix("https://tool.example/login?") != true {
                        mismatches.append("\(actor) \(row.path): sent to \(page.location ?? "nowhere"), expected the tool's login")
                    }
                }
                let pending = row.post ? try await halfway.post(app, row.path, ["csrf": ""]) : try await halfway.get(app, row.path)
                // (The teacher enrolled above, so this sign-in waits for a code.)
                if !(pending.status == .seeOther && pending.location == "/mfa") {
                    mismatches.append("teacher before the second factor \(row.path): \(pending.status.code) \(pending.location ?? "")")
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")

            // Every route of the application is either in the matrix above or one of the routes
            // anyone may reach (sign-in, health, static overview) or that act only on the caller's
            // own session: a new route cannot skip the matrix unnoticed.
            func pattern(_ path: String, post: Bool) -> String {
                let parts = path.split(separator: "?")[0].split(separator: "/").map(String.init)
                let named = parts.enumerated().map { index, part -> String in
                    if index == 1, parts.first == "t" { return ":tenant" }
                    guard index > 0 else { return part }
                    switch parts[index - 1] {
                    case "classes": return ":class"
                    case "users": return ":user"
                    case "uploads": return ":upload"
                    case "launch": return ":link"
                    case "tools": return part == "dynamic" ? part : ":client"
                    default: return part
                    }
                }
                return (post ? "POST /" : "GET /") + named.joined(separator: "/")
            }
            let covered = Set(rows.map { pattern($0.path, post: $0.post) })
            let publicOrOwnSession: Set<String> = [
                "GET /", "GET /healthz", "GET /readyz", "GET /signin", "POST /signin", "POST /signout", "POST /signout-everywhere",
                "GET /signin/oidc/callback", "GET /signin/oidc/:tenant", "GET /mfa", "POST /mfa", "GET /mfa/setup", "POST /mfa/setup",
                // LTI: the public key set, and the authorization endpoint, which checks the session against the launch itself.
                "GET /lti/jwks", "GET /lti/authorize", "POST /lti/authorize", "GET /.well-known/openid-configuration",
                // Tools' own endpoints, authorized by their signed assertions and bearer tokens (LTIServicesTests).
                "POST /lti/token", "POST /lti/register", "POST /lti/deep-linking/return",
                "GET /lti/deployments/:deployment/contexts/:class/lineitems", "POST /lti/deployments/:deployment/contexts/:class/lineitems",
                "GET /lti/deployments/:deployment/contexts/:class/lineitems/:item", "PUT /lti/deployments/:deployment/contexts/:class/lineitems/:item",
                "DELETE /lti/deployments/:deployment/contexts/:class/lineitems/:item", "POST /lti/deployments/:deployment/contexts/:class/lineitems/:item/scores",
                "GET /lti/deployments/:deployment/contexts/:class/lineitems/:item/results", "GET /lti/deployments/:deployment/contexts/:class/memberships",
                // The LRS (xAPI): tool and credential endpoints, authorized by LRS credentials (HTTP Basic) or a tool's
                // bearer token with the xAPI scope, each scoped to one tenant (LRSTests refuse them without credentials).
                // /xapi/about is public, as the xAPI specification requires.
                "PUT /xapi/statements", "POST /xapi/statements", "GET /xapi/statements",
                "PUT /xapi/activities/state", "POST /xapi/activities/state", "GET /xapi/activities/state", "DELETE /xapi/activities/state",
                "PUT /xapi/activities/profile", "POST /xapi/activities/profile", "GET /xapi/activities/profile", "DELETE /xapi/activities/profile",
                "PUT /xapi/agents/profile", "POST /xapi/agents/profile", "GET /xapi/agents/profile", "DELETE /xapi/agents/profile",
                "GET /xapi/activities", "GET /xapi/agents", "GET /xapi/about",
            ]
            let registered = Set(app.routes.all.map { route in
                "\(route.method.rawValue) /" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return ":" + name }
                    return component.description
                }.joined(separator: "/")
            })
            #expect(registered.subtracting(covered).subtracting(publicOrOwnSession).isEmpty, "routes outside the matrix: \(registered.subtracting(covered).subtracting(publicOrOwnSession).sorted())")

            // Refusals and views of other people's data are in the audit log; a student's own page is not.
            let events = try await AuditLog(database: app.db).events(tenant: A)
            let studentActor = "user:\(A)/\(a.student.sourcedId)"
            #expect(events.contains { $0.actor == studentActor && $0.action == "access.denied" && $0.subject == "user:\(A)/\(a.classmate)" })
            #expect(!events.contains { $0.actor == studentActor && $0.action == "access.view" })
            let teacherActor = "user:\(A)/\(a.teacher.sourcedId)"
            #expect(events.contains { $0.actor == teacherActor && $0.action == "access.view" && $0.subject == "user:\(A)/\(a.classmate)" && !$0.source.isEmpty })
            #expect(events.contains { $0.actor == teacherActor && $0.action == "access.view" && $0.subject == "class:\(A)/\(a.class1)" })
            #expect(try await AuditLog(database: app.db).verify(tenant: A).breaks.isEmpty)
        }
    }
}
