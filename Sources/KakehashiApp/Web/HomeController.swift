import Fluent
import Plot
import Vapor

/// Each person's home after sign-in: a student's classes and tools, a teacher's classes and their
/// members, an administrator's or operator's way into the admin pages.
struct HomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("home", use: home)
    }

    func home(request: Request) async throws -> Response {
        let principal = try await request.principal()
        let language = PageLanguage(request)
        var sections: [Node<HTML.BodyContext>] = []
        var greeting = language.text("こんにちは", "Hello")
        var greetingNode: Node<HTML.BodyContext>?
        if principal.role == .operator {
            greeting = language.text("運用者 \(principal.subject) さん", "Operator \(principal.subject)")
            let tenants = try await Tenant.query(on: request.db).sort(\.$code).all()
            sections.append(.section(
                .h2(.text(language.text("教育委員会", "Boards of education"))),
                .ul(.class("cards"), .forEach(tenants) { tenant in
                    .li(.class("card"), .span(.class("title"), .text(tenant.name)),
                        .a(.href("/t/\(tenant.code)/admin"), .text(language.text("管理ページ", "Administration"))))
                })))
        } else if let tenantID = principal.tenantID {
            let sql = BulkSQL(request.db)
            let me = try await sql.run(
                "SELECT \"family_name\", \"given_name\", \"jp_kana_family_name\", \"jp_kana_given_name\" FROM \"roster_users\" WHERE \"tenant_id\" = ? AND \"sourced_id\" = ?",
                [.uuid(tenantID), .text(principal.subject)], columns: ["family_name", "given_name", "jp_kana_family_name", "jp_kana_given_name"])
            if let row = me.first {
                greeting = language.text("こんにちは、\(row[0] ?? "") \(row[1] ?? "") さん", "Hello, \(row[0] ?? "") \(row[1] ?? "")")
                // The reading of the student's own name, so a first-grader recognises it.
                if principal.role == .student, language == .ja, let family = row[2] ?? nil, !family.isEmpty {
                    greetingNode = Furigana.node(
                        "こんにちは、{\(row[0] ?? "")|\(Self.hiragana(family))} {\(row[1] ?? "")|\(Self.hiragana(row[3] ?? ""))} さん")
                }
            }
            if principal.role == .guardian {
                let ids = principal.children.sorted()
                let children = ids.isEmpty ? [] : try await sql.run(
                    "SELECT \"sourced_id\", \"family_name\", \"given_name\" FROM \"roster_users\" WHERE \"tenant_id\" = ? AND \"status\" = 'active' AND \"sourced_id\" IN (\(ids.map { _ in "?" }.joined(separator: ", "))) ORDER BY \"username\"",
                    [.uuid(tenantID)] + ids.map { .text($0) }, columns: ["sourced_id", "family_name", "given_name"])
                sections.append(.section(
                    .h2(.text(language.text("お子さん", "Your children"))),
                    .ul(.class("cards"), .forEach(children) { row in
                        .li(.class("card"), .a(.class("title"), .href(RosterViewsController.path(principal.tenantCode, user: row[0] ?? "")), .text("\(row[1] ?? "") \(row[2] ?? "")")))
                    })))
            } else {
                sections.append(try await classSection(principal, tenantID: tenantID, language: language, database: request.db))
            }
            let schoolTools = try await ClassToolsController.schoolLinks(tenantID: tenantID, schools: principal.schools.sorted(), database: request.db)
            if principal.role == .student {
                // Young students read kana: readings over every kanji on their page.
                let links = try await schoolTools + ClassToolsController.links(tenantID: tenantID, classes: principal.classes.sorted(), database: request.db)
                sections.append(.section(
                    .h2(language == .ja ? Furigana.node("つかう{道具|どうぐ}とテスト") : .text("My tools and tests")),
                    links.isEmpty
                        ? .p(language == .ja ? Furigana.node("{先生|せんせい}が{道具|どうぐ}やテスト(MEXCBT など)を{用意|ようい}すると、ここにならびます。")
                                             : .text("Tools and tests (MEXCBT and others) appear here when your teacher adds them."))
                        : ClassToolsController.launchList(links, language: language)))
            }
            if principal.role != .student, principal.role != .guardian, !schoolTools.isEmpty {
                sections.append(.section(
                    .h2(.text(language.text("学校の道具", "Tools of my school"))), ClassToolsController.launchList(schoolTools, language: language)))
            }
            if principal.role >= .schoolAdmin {
                sections.append(.section(
                    .h2(.text(language.text("管理", "Administration"))),
                    .p(.a(.class("button"), .href("/t/\(principal.tenantCode)/admin"), .text(language.text("管理ページへ", "Go to administration"))))))
            }
        }
        let factors = SecondFactors(database: request.db, box: request.application.secretBox)
        let hasFactor = try await factors.isEnabled(SecondFactors.owner(of: principal.session))
        let body: Node<HTML.BodyContext> = .group(
            .h1(greetingNode ?? .text(greeting)),
            .group(sections),
            .section(
                .class("account"),
                .h2(.text(language.text("アカウント", "Account"))),
                hasFactor
                    ? .p(.text(language.text("2段階認証は設定ずみです。", "Two-step verification is on.")))
                    : .p(.a(.href("/mfa/setup"), .text(language.text("2段階認証を設定する", "Turn on two-step verification")))),
                .form(.action("/signout"), .method(.post), .input(.type(.hidden), .name("csrf"), .value(principal.session.csrfToken)),
                      .button(.type(.submit), .text(language.text("サインアウト", "Sign out")))),
                .form(.action("/signout-everywhere"), .method(.post), .input(.type(.hidden), .name("csrf"), .value(principal.session.csrfToken)),
                      .button(.type(.submit), .class("secondary"), .text(language.text("すべての端末でサインアウト", "Sign out everywhere"))))
            )
        )
        return Layout.privateResponse(Layout.page(title: language.text("ホーム", "Home"), language: language, path: "/home", body: body))
    }

    /// Katakana readings (as the roster keeps them) in hiragana, which first-graders learn first.
    static func hiragana(_ katakana: String) -> String {
        String(String.UnicodeScalarView(katakana.unicodeScalars.map { scalar in
            (0x30A1...0x30F6).contains(scalar.value) ? Unicode.Scalar(scalar.value - 0x60) ?? scalar : scalar
        }))
    }

    private func classSection(_ principal: Principal, tenantID: UUID, language: PageLanguage, database: any Database) async throws -> Node<HTML.BodyContext> {
        let sql = BulkSQL(database)
        let classes = try await sql.run(
            """
            SELECT c."sourced_id" AS id, c."title" AS title, CAST(COUNT(m."sourced_id") AS TEXT) AS members
              FROM "roster_enrollments" e
              JOIN "roster_classes" c ON c."tenant_id" = e."tenant_id" AND c."sourced_id" = e."class_sourced_id"
              LEFT JOIN "roster_enrollments" m ON m."tenant_id" = e."tenant_id" AND m."class_sourced_id" = e."class_sourced_id" AND m."role" = 'student' AND m."status" = 'active'
              WHERE e."tenant_id" = ? AND e."user_sourced_id" = ? AND e."status" = 'active' AND c."status" = 'active'
              GROUP BY c."sourced_id", c."title" ORDER BY c."title"
            """,
            [.uuid(tenantID), .text(principal.subject)], columns: ["id", "title", "members"])
        let teaching = principal.role != .student
        return .section(
            .h2(.text(language.text("わたしのクラス", "My classes"))),
            classes.isEmpty
                ? .p(.text(language.text("クラスはまだありません。", "No classes yet.")))
                : .ul(.class("cards"), .forEach(classes) { row in
                    let id = row[0] ?? "", title = row[1] ?? "", members = row[2] ?? "0"
                    return .li(
                        .class("card"),
                        teaching
                            ? .a(.class("title"), .href("/t/\(principal.tenantCode)/classes/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)"), .text(title))
                            : .span(.class("title"), .text(title)),
                        .if(teaching, .span(.class("members"), .text(language.text("児童生徒 \(members) 人", "\(members) students")))))
                })
        )
    }
}
