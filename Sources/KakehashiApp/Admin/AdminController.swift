import Fluent
import Plot
import Vapor

/// The administration pages of a tenant: the menu, user search, and password and second-factor
/// resets. School administrators see their schools; board administrators and operators the
/// whole tenant. ``Policy`` decides every request.
struct AdminController: RouteCollection {
    static let searchLimit = 100

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("t", ":tenant")
        admin.get("admin", use: menu)
        admin.get("admin", "users", use: search)
        admin.post("users", ":user", "password", use: setPassword)
        admin.post("users", ":user", "mfa-reset", use: resetSecondFactor)
    }

    func menu(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let tenantID = try tenant.requireID()
        let principal = try await request.principal()
        let language = PageLanguage(request)
        let canSearch = Policy.allows(principal, .searchUsers, .tenant(tenantID))
        let canRoster = Policy.allows(principal, .manageRoster, .tenant(tenantID))
        let canAudit = Policy.allows(principal, .readAudit, .tenant(tenantID))
        let canTools = Policy.allows(principal, .manageTools, .tenant(tenantID))
        guard canSearch || canRoster || canAudit else {
            try await request.authorize(.searchUsers, .tenant(tenantID), what: "administration")  // audits and refuses
            throw Abort(.forbidden)
        }
        let base = "/t/\(tenant.code)/admin"
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("管理 — \(tenant.name)", "Administration — \(tenant.name)"))),
            .ul(.class("cards"),
                .if(canSearch, .li(.class("card"), .a(.class("title"), .href(base + "/users"), .text(language.text("利用者をさがす", "Find users"))),
                                   .span(.class("members"), .text(language.text("パスワードと2段階認証のリセット", "Reset passwords and two-step verification"))))),
                .if(canRoster, .li(.class("card"), .a(.class("title"), .href(base + "/roster"), .text(language.text("名簿の取り込み", "Roster import"))),
                                   .span(.class("members"), .text(language.text("OneRoster CSV をアップロードして確認・反映", "Upload, check and apply OneRoster CSV"))))),
                .if(canTools, .li(.class("card"), .a(.class("title"), .href(base + "/tools"), .text(language.text("道具(LTI)", "Tools (LTI)"))),
                                  .span(.class("members"), .text(language.text("登録・承認・渡す情報の設定", "Register, approve, choose what each receives"))))),
                .if(canAudit, .li(.class("card"), .a(.class("title"), .href(base + "/audit"), .text(language.text("監査ログ", "Audit log"))),
                                  .span(.class("members"), .text(language.text("検索とCSV出力", "Search and CSV export")))))
            ),
            .p(.a(.href("/home"), .text(language.text("ホームへもどる", "Back to home"))))
        )
        return Layout.privateResponse(Layout.page(title: language.text("管理", "Administration"), language: language, path: request.url.path, body: body))
    }

    // MARK: - User search

    func search(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let tenantID = try tenant.requireID()
        let query = (request.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        let principal = try await request.authorize(.searchUsers, .tenant(tenantID), what: "user search: \(query)")
        let language = PageLanguage(request)
        var rows: [[String?]] = []
        if !query.isEmpty {
            var sql = """
                SELECT u."sourced_id", u."username", u."family_name", u."given_name", u."jp_kana_family_name", u."jp_kana_given_name", o."name"
                  FROM "roster_users" u LEFT JOIN "roster_orgs" o ON o."tenant_id" = u."tenant_id" AND o."sourced_id" = u."primary_org_sourced_id"
                  WHERE u."tenant_id" = ? AND u."status" = 'active'
                    AND (u."username" LIKE ? ESCAPE '!' OR u."family_name" || u."given_name" LIKE ? ESCAPE '!'
                         OR u."jp_kana_family_name" || u."jp_kana_given_name" LIKE ? ESCAPE '!' OR u."email" LIKE ? ESCAPE '!')
                """
            let pattern = BulkSQL.containsPattern(query.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "　", with: ""))
            var binds: [BulkSQL.Value] = [.uuid(tenantID), .text(pattern), .text(pattern), .text(pattern), .text(pattern)]
            // A school administrator's search stays inside their schools (the scope Policy gives them).
            if principal.role == .schoolAdmin {
                let schools = principal.schools.sorted()
                let marks = schools.map { _ in "?" }.joined(separator: ", ")
                sql += " AND u.\"primary_org_sourced_id\" IN (\(schools.isEmpty ? "''" : marks))"
                binds += schools.map { .text($0) }
            }
            sql += " ORDER BY u.\"username\" LIMIT \(Self.searchLimit + 1)"
            rows = try await BulkSQL(request.db).run(sql, binds, columns: ["sourced_id", "username", "family_name", "given_name", "jp_kana_family_name", "jp_kana_given_name", "name"])
        }
        let more = rows.count > Self.searchLimit
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("利用者をさがす", "Find users"))),
            .form(
                .action("/t/\(tenant.code)/admin/users"), .method(.get), .class("search"),
                .label(.attribute(named: "for", value: "q"), .text(language.text("名前・ふりがな・ユーザー名・メール", "Name, reading, username or e-mail"))),
                .input(.id("q"), .name("q"), .type(.search), .value(query)),
                .button(.type(.submit), .text(language.text("さがす", "Search")))
            ),
            .if(!query.isEmpty, .table(
                .caption(.text(language.text("\(min(rows.count, Self.searchLimit)) 件", "\(min(rows.count, Self.searchLimit)) found") + (more ? language.text("(先頭 \(Self.searchLimit) 件)", " (first \(Self.searchLimit))") : ""))),
                .thead(.tr(.th(.text(language.text("名前", "Name"))), .th(.text(language.text("ふりがな", "Reading"))), .th(.text(language.text("ユーザー名", "Username"))), .th(.text(language.text("学校", "School"))))),
                .tbody(.forEach(rows.prefix(Self.searchLimit)) { row in
                    .tr(.td(.a(.href(RosterViewsController.path(tenant.code, user: row[0] ?? "")), .text("\(row[2] ?? "") \(row[3] ?? "")"))),
                        .td(.text("\(row[4] ?? "") \(row[5] ?? "")")), .td(.text(row[1] ?? "")), .td(.text(row[6] ?? "")))
                })
            )),
            .p(.a(.href("/t/\(tenant.code)/admin"), .text(language.text("管理ページへもどる", "Back to administration"))))
        )
        return Layout.privateResponse(Layout.page(title: language.text("利用者をさがす", "Find users"), language: language, path: request.url.path, body: body))
    }

    // MARK: - Resets

    struct PasswordForm: Content {
        var password: String
    }

    func setPassword(request: Request) async throws -> Response {
        let (tenant, userID, principal) = try await authorizeCredentialChange(request, what: "password reset")
        let form = try request.content.decode(PasswordForm.self)
        let language = PageLanguage(request)
        let tenantID = try tenant.requireID()
        guard let username = try await BulkSQL(request.db).run(
            "SELECT \"username\" FROM \"roster_users\" WHERE \"tenant_id\" = ? AND \"sourced_id\" = ?", [.uuid(tenantID), .text(userID)], columns: ["username"]
        ).first?.first ?? nil else { throw Abort(.notFound) }
        do {
            try await Accounts(database: request.db).setPassword(tenantCode: tenant.code, username: username, password: form.password, actor: principal.actor)
        } catch let error as RosterError {
            throw Abort(.badRequest, reason: error.message)
        }
        try await endSessions(request, tenantID: tenantID, userID: userID)
        return done(request, tenant: tenant, userID: userID, message: language.text("パスワードを設定しました。その人のサインイン中の端末はすべてサインアウトされました。",
                                                                                     "Password set. The person has been signed out everywhere."))
    }

    func resetSecondFactor(request: Request) async throws -> Response {
        let (tenant, userID, principal) = try await authorizeCredentialChange(request, what: "second factor reset")
        let language = PageLanguage(request)
        let tenantID = try tenant.requireID()
        try await SecondFactors(database: request.db, box: request.application.secretBox).reset(owner: SecondFactors.owner(tenantID: tenantID, sourcedId: userID))
        try await AuditLog(database: request.db).append(
            .init(actor: principal.actor, action: "mfa.reset", subject: "user:\(tenant.code)/\(userID)", source: request.sourceAddress), tenant: tenant.code)
        try await endSessions(request, tenantID: tenantID, userID: userID)
        return done(request, tenant: tenant, userID: userID, message: language.text("2段階認証をリセットしました。次のサインインで設定しなおします。",
                                                                                     "Two-step verification reset. The person sets it up again at their next sign-in."))
    }

    private func authorizeCredentialChange(_ request: Request, what: String) async throws -> (Tenant, String, Principal) {
        let tenant = try await request.pathTenant()
        let (userID, resource) = try await request.pathPerson(in: tenant)
        let principal = try await request.authorize(.manageCredentials, resource, what: what)
        try request.requireCSRF(principal.session)
        return (tenant, userID, principal)
    }

    private func endSessions(_ request: Request, tenantID: UUID, userID: String) async throws {
        try await UserSession.query(on: request.db).filter(\.$tenantID == tenantID).filter(\.$userSourcedID == userID).filter(\.$kind == "user").delete()
    }

    private func done(_ request: Request, tenant: Tenant, userID: String, message: String) -> Response {
        let language = PageLanguage(request)
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("完了", "Done"))),
            .p(.attribute(named: "role", value: "status"), .text(message)),
            .p(.a(.href(RosterViewsController.path(tenant.code, user: userID)), .text(language.text("もどる", "Back"))))
        )
        return Layout.privateResponse(Layout.page(title: language.text("完了", "Done"), language: language, path: request.url.path, body: body))
    }
}
