import Fluent
import Plot
import Vapor

/// Pages that show roster data of other people: a class with its members, and a person. Every
/// view goes through ``Policy`` and, when it is someone else's data, into the audit log.
struct RosterViewsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tenant = routes.grouped("t", ":tenant")
        tenant.get("classes", ":class", use: classPage)
        tenant.get("users", ":user", use: personPage)
    }

    static func path(_ tenantCode: String, user sourcedId: String) -> String {
        "/t/\(tenantCode)/users/\(sourcedId.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? sourcedId)"
    }

    func classPage(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let (classID, resource) = try await request.pathClass(in: tenant)
        let principal = try await request.authorize(.view, resource, what: "class members")
        let language = PageLanguage(request)
        let tenantID = try tenant.requireID()
        let sql = BulkSQL(request.db)
        let title = try await sql.run(
            "SELECT \"title\" FROM \"roster_classes\" WHERE \"tenant_id\" = ? AND \"sourced_id\" = ?", [.uuid(tenantID), .text(classID)], columns: ["title"]
        ).first?.first ?? nil
        let members = try await sql.run(
            """
            SELECT u."sourced_id" AS id, u."family_name" AS family, u."given_name" AS given,
                   u."jp_kana_family_name" AS kana_family, u."jp_kana_given_name" AS kana_given, e."role" AS role
              FROM "roster_enrollments" e JOIN "roster_users" u ON u."tenant_id" = e."tenant_id" AND u."sourced_id" = e."user_sourced_id"
              WHERE e."tenant_id" = ? AND e."class_sourced_id" = ? AND e."status" = 'active' AND u."status" = 'active'
              ORDER BY CASE WHEN e."role" = 'student' THEN 1 ELSE 0 END, u."jp_kana_family_name", u."jp_kana_given_name", u."username"
            """,
            [.uuid(tenantID), .text(classID)], columns: ["id", "family", "given", "kana_family", "kana_given", "role"])
        let links = try await ClassToolsController.links(tenantID: tenantID, classes: [classID], database: request.db)
        // Adding tools: only for those who may (no query otherwise).
        let placing: Node<HTML.BodyContext> =
            Policy.allows(principal, .placeTool, resource)
            ? try await ClassToolsController.placingControls(tenant: tenant, classID: classID, csrf: principal.session.csrfToken, language: language, database: request.db)
            : .empty
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(title ?? classID)),
            .section(
                .h2(.text(language.text("道具とテスト", "Tools and tests"))),
                links.isEmpty ? .p(.text(language.text("まだありません。", "None yet."))) : ClassToolsController.launchList(links, language: language),
                placing,
                .p(.a(.href("/t/\(tenant.code)/classes/\(classID)/gradebook"), .text(language.text("成績を見る", "Gradebook"))))
            ),
            .table(
                .caption(.text(language.text("メンバー(\(members.count) 人)", "Members (\(members.count))"))),
                .thead(.tr(.th(.text(language.text("名前", "Name"))), .th(.text(language.text("ふりがな", "Reading"))), .th(.text(language.text("役割", "Role"))))),
                .tbody(.forEach(members) { row in
                    .tr(
                        .td(.a(.href(Self.path(tenant.code, user: row[0] ?? "")), .text("\(row[1] ?? "") \(row[2] ?? "")"))),
                        .td(.text("\(row[3] ?? "") \(row[4] ?? "")")),
                        .td(.text(Self.roleName(row[5] ?? "", language))))
                })
            ),
            .p(.a(.href("/home"), .text(language.text("ホームへもどる", "Back to home"))))
        )
        return Layout.privateResponse(Layout.page(title: title ?? classID, language: language, path: request.url.path, body: body))
    }

    func personPage(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let (userID, resource) = try await request.pathPerson(in: tenant)
        let principal = try await request.authorize(.view, resource, what: "profile")
        let language = PageLanguage(request)
        let tenantID = try tenant.requireID()
        let sql = BulkSQL(request.db)
        guard let user = try await sql.run(
            """
            SELECT u."family_name", u."given_name", u."jp_kana_family_name", u."jp_kana_given_name", u."username", u."grades", u."status", o."name"
              FROM "roster_users" u LEFT JOIN "roster_orgs" o ON o."tenant_id" = u."tenant_id" AND o."sourced_id" = u."primary_org_sourced_id"
              WHERE u."tenant_id" = ? AND u."sourced_id" = ?
            """, [.uuid(tenantID), .text(userID)],
            columns: ["family_name", "given_name", "jp_kana_family_name", "jp_kana_given_name", "username", "grades", "status", "name"]
        ).first else { throw Abort(.notFound) }
        let classes = try await sql.run(
            """
            SELECT c."title", e."role" FROM "roster_enrollments" e JOIN "roster_classes" c ON c."tenant_id" = e."tenant_id" AND c."sourced_id" = e."class_sourced_id"
              WHERE e."tenant_id" = ? AND e."user_sourced_id" = ? AND e."status" = 'active' ORDER BY c."title"
            """, [.uuid(tenantID), .text(userID)], columns: ["title", "role"])
        let canManage = Policy.allows(principal, .manageCredentials, resource)
        let hasFactor = canManage ? try await SecondFactors(database: request.db, box: request.application.secretBox)
            .isEnabled(SecondFactors.owner(tenantID: tenantID, sourcedId: userID)) : false
        let base = Self.path(tenant.code, user: userID)
        // Learner rights: only for those who may (no query otherwise).
        var learningRecords: Node<HTML.BodyContext> = .empty
        if Policy.allows(principal, .manageLearnerRecords, resource) {
            let records = LearnerRecords(database: request.db, tenantID: tenantID, tenantCode: tenant.code, issuer: request.application.settings.baseURL)
            let person = LearnerRecords.Person(sourcedID: userID, username: user[4] ?? "")
            learningRecords = LearnerRecordsController.section(
                tenantCode: tenant.code, person: person, counts: try await records.counts(of: person),
                erased: request.query[String.self, at: LearnerRecordsController.erasedQuery] != nil, csrf: principal.session.csrfToken, language: language)
        }
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text("\(user[0] ?? "") \(user[1] ?? "")")),
            .table(
                .tbody(
                    .tr(.th(.text(language.text("ふりがな", "Reading"))), .td(.text("\(user[2] ?? "") \(user[3] ?? "")"))),
                    .tr(.th(.text(language.text("ユーザー名", "Username"))), .td(.text(user[4] ?? ""))),
                    .tr(.th(.text(language.text("学校", "School"))), .td(.text(user[7] ?? ""))),
                    .tr(.th(.text(language.text("学年", "Grade"))), .td(.text(user[5] ?? ""))),
                    .tr(.th(.text(language.text("状態", "Status"))), .td(.text(user[6] ?? ""))),
                    .tr(.th(.text(language.text("クラス", "Classes"))), .td(.text(classes.map { "\($0[0] ?? "")(\(Self.roleName($0[1] ?? "", language)))" }.joined(separator: "、"))))
                )
            ),
            .if(canManage, .section(
                .h2(.text(language.text("サインインの管理", "Sign-in management"))),
                .form(
                    .action(base + "/password"), .method(.post), .class("signin"),
                    .input(.type(.hidden), .name("csrf"), .value(principal.session.csrfToken)),
                    .div(.class("field"),
                         .label(.attribute(named: "for", value: "new-password"), .text(language.text("新しいパスワード(8文字以上)", "New password (8 characters or more)"))),
                         .input(.id("new-password"), .name("password"), .type(.password), .attribute(named: "autocomplete", value: "new-password"),
                                .attribute(named: "minlength", value: "8"), .required(true))),
                    .button(.type(.submit), .text(language.text("パスワードを設定", "Set password")))
                ),
                .form(
                    .action(base + "/mfa-reset"), .method(.post),
                    .input(.type(.hidden), .name("csrf"), .value(principal.session.csrfToken)),
                    .p(.text(hasFactor ? language.text("2段階認証: 設定ずみ", "Two-step verification: on") : language.text("2段階認証: 未設定", "Two-step verification: not set up"))),
                    .if(hasFactor, .button(.type(.submit), .class("secondary"), .text(language.text("2段階認証をリセット", "Reset two-step verification"))))
                )
            )),
            learningRecords,
            .p(.a(.href("/home"), .text(language.text("ホームへもどる", "Back to home"))))
        )
        return Layout.privateResponse(Layout.page(title: "\(user[0] ?? "") \(user[1] ?? "")", language: language, path: request.url.path, body: body))
    }

    static func roleName(_ role: String, _ language: PageLanguage) -> String {
        switch role {
        case "student": language.text("児童生徒", "student")
        case "teacher": language.text("先生", "teacher")
        case "administrator", "principal", "siteAdministrator": language.text("管理者", "administrator")
        case "districtAdministrator": language.text("教育委員会", "board administrator")
        case "guardian", "parent": language.text("保護者", "guardian")
        default: role
        }
    }
}
