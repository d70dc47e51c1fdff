import Fluent
import Plot
import Vapor

/// The start page until sign-in arrives: each tenant's schools with their counts of classes,
/// students and teachers (aggregates only, no personal data).
struct OverviewController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: index)
    }

    struct SchoolRow {
        var name: String
        var code: String
        var classes: Int
        var students: Int
        var teachers: Int
    }

    func index(request: Request) async throws -> Response {
        let language = PageLanguage(request)
        let tenants = try await Tenant.query(on: request.db).sort(\.$code).all()
        var sections: [Node<HTML.BodyContext>] = []
        for tenant in tenants {
            let schools = try await schoolRows(tenant: tenant, database: request.db)
            sections.append(.section(
                .h2(.text("\(tenant.name)"), .span(.class("code"), .text(" (\(tenant.code))"))),
                .table(
                    .caption(.text(language.text("学校ごとの人数", "Schools and their people"))),
                    .thead(.tr(
                        .th(.attribute(named: "scope", value: "col"), .text(language.text("学校", "School"))),
                        .th(.attribute(named: "scope", value: "col"), .text(language.text("学校コード", "School code"))),
                        .th(.attribute(named: "scope", value: "col"), .text(language.text("学級", "Classes"))),
                        .th(.attribute(named: "scope", value: "col"), .text(language.text("児童生徒", "Students"))),
                        .th(.attribute(named: "scope", value: "col"), .text(language.text("教職員", "Teachers")))
                    )),
                    .tbody(.forEach(schools) { school in
                        .tr(
                            .th(.attribute(named: "scope", value: "row"), .text(school.name)),
                            .td(.text(school.code)),
                            .td(.class("number"), .text("\(school.classes)")),
                            .td(.class("number"), .text("\(school.students)")),
                            .td(.class("number"), .text("\(school.teachers)"))
                        )
                    })
                )
            ))
        }
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("学習eポータル 架け橋", "Kakehashi learning e-portal"))),
            .p(.class("lead"), .text(language.text(
                "名簿(OneRoster Japan Profile)を取り込んだ自治体の一覧です。",
                "Boards of education whose OneRoster Japan Profile roster has been imported."))),
            .p(.a(.class("button"), .href("/signin"), .text(language.text("サインイン", "Sign in")))),
            tenants.isEmpty
                ? .p(.text(language.text("まだ名簿がありません。kakehashi roster import で取り込むか、kakehashi serve --demo で試してください。",
                                         "No roster yet. Import one with kakehashi roster import, or try kakehashi serve --demo.")))
                : .group(sections)
        )
        return Layout.response(Layout.page(title: language.text("架け橋", "Kakehashi"), language: language, path: "/", body: body))
    }

    private func schoolRows(tenant: Tenant, database: any Database) async throws -> [SchoolRow] {
        let sql = BulkSQL(database)
        let tenantID = try tenant.requireID()
        let schools = try await sql.run(
            "SELECT \"sourced_id\", \"name\", \"identifier\" FROM \"roster_orgs\" WHERE \"tenant_id\" = ? AND \"type\" = 'school' AND \"status\" = 'active' ORDER BY \"identifier\", \"name\"",
            [.uuid(tenantID)], columns: ["sourced_id", "name", "identifier"])
        let classes = try await sql.run(
            "SELECT \"school_sourced_id\" AS school, CAST(COUNT(*) AS TEXT) AS n FROM \"roster_classes\" WHERE \"tenant_id\" = ? AND \"status\" = 'active' GROUP BY \"school_sourced_id\"",
            [.uuid(tenantID)], columns: ["school", "n"])
        let roles = try await sql.run(
            "SELECT \"org_sourced_id\" AS school, \"role\" AS role, CAST(COUNT(*) AS TEXT) AS n FROM \"roster_roles\" WHERE \"tenant_id\" = ? AND \"status\" = 'active' AND \"role_type\" = 'primary' GROUP BY \"org_sourced_id\", \"role\"",
            [.uuid(tenantID)], columns: ["school", "role", "n"])
        var classCount: [String: Int] = [:]
        for row in classes { classCount[row[0] ?? ""] = Int(row[1] ?? "") ?? 0 }
        var students: [String: Int] = [:], teachers: [String: Int] = [:]
        for row in roles {
            let count = Int(row[2] ?? "") ?? 0
            if row[1] == "student" { students[row[0] ?? "", default: 0] += count }
            if row[1] == "teacher" || row[1] == "principal" { teachers[row[0] ?? "", default: 0] += count }
        }
        return schools.map { row in
            let id = row[0] ?? ""
            return SchoolRow(name: row[1] ?? "", code: row[2] ?? "", classes: classCount[id] ?? 0, students: students[id] ?? 0, teachers: teachers[id] ?? 0)
        }
    }
}
