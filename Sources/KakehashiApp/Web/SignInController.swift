import Fluent
import Plot
import Vapor

/// Password sign-in, sign-out and the signed-in home page.
struct SignInController: RouteCollection {
    static let formCookie = "kakehashi_form"

    func boot(routes: any RoutesBuilder) throws {
        routes.get("signin", use: form)
        routes.post("signin", use: signIn)
        routes.post("signout", use: signOut)
        routes.post("signout-everywhere", use: signOutEverywhere)
        routes.get("home", use: home)
    }

    struct SignInForm: Content {
        var tenant: String?
        var username: String
        var password: String
        var csrf: String
    }

    struct CSRFForm: Content {
        var csrf: String
    }

    // MARK: - Sign-in

    func form(request: Request) async throws -> Response {
        if try await request.userSession() != nil { return request.redirect(to: "/home", redirectType: .normal) }
        return try await renderForm(request, message: nil, status: .ok)
    }

    private func renderForm(_ request: Request, message: String?, status: HTTPResponseStatus) async throws -> Response {
        let language = PageLanguage(request)
        let tenants = try await Tenant.query(on: request.db).sort(\.$code).all()
        // Before a session exists, the form's CSRF token is checked against a cookie (double submit).
        let token = Sessions.randomToken()
        let tenantField: Node<HTML.FormContext> =
            tenants.count == 1
            ? .input(.type(.hidden), .name("tenant"), .value(tenants[0].code))
            : .div(
                .class("field"),
                .label(.attribute(named: "for", value: "tenant"), .text(language.text("教育委員会", "Board of education"))),
                .select(.id("tenant"), .attribute(named: "name", value: "tenant"), .forEach(tenants) { .option(.value($0.code), .label($0.name)) })
            )
        var demoNote: Node<HTML.BodyContext> = .empty
        if request.application.storage[DemoModeKey.self] == true, let demo = try await DemoSeeder.credentials(request.db) {
            demoNote = .aside(
                .class("demo"),
                .h2(.text(language.text("おためし用のアカウント", "Demo accounts"))),
                .p(.text(language.text("児童", "Student") + ": \(demo.student) / \(DemoSeeder.studentPassword)")),
                .p(.text(language.text("先生", "Teacher") + ": \(demo.teacher) / \(DemoSeeder.teacherPassword)"))
            )
        }
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("サインイン", "Sign in"))),
            demoNote,
            .if(message != nil, .p(.class("error"), .attribute(named: "role", value: "alert"), .text(message ?? ""))),
            .form(
                .action("/signin"), .method(.post), .class("signin"),
                .input(.type(.hidden), .name("csrf"), .value(token)),
                tenantField,
                .div(
                    .class("field"),
                    .label(.attribute(named: "for", value: "username"), .text(language.text("ユーザー名", "Username"))),
                    .input(.id("username"), .name("username"), .type(.text), .attribute(named: "autocomplete", value: "username"), .required(true))
                ),
                .div(
                    .class("field"),
                    .label(.attribute(named: "for", value: "password"), .text(language.text("パスワード", "Password"))),
                    .input(.id("password"), .name("password"), .type(.password), .attribute(named: "autocomplete", value: "current-password"), .required(true))
                ),
                .button(.type(.submit), .class("primary"), .text(language.text("サインイン", "Sign in")))
            )
        )
        let response = Layout.response(Layout.page(title: language.text("サインイン", "Sign in"), language: language, path: "/signin", body: body))
        response.status = status
        response.cookies[Self.formCookie] = HTTPCookies.Value(
            string: token, maxAge: 3600, path: "/signin", isSecure: !request.cookiesMayBeInsecure, isHTTPOnly: true, sameSite: .strict)
        return response
    }

    func signIn(request: Request) async throws -> Response {
        let language = PageLanguage(request)
        let form = try request.content.decode(SignInForm.self)
        guard let expected = request.cookies[Self.formCookie]?.string, constantTimeEquals(expected, form.csrf) else {
            throw Abort(.forbidden, reason: "the form has expired; reload the page / フォームの有効期限が切れました。ページを読み込み直してください")
        }
        let tenantCode = form.tenant ?? ""
        let tenant = try await Tenant.query(on: request.db).filter(\.$code == tenantCode).first()
        // Failures are logged in the tenant's chain when the tenant exists, else in the system chain.
        let chain = tenant != nil ? tenantCode : nil
        let limiter = RateLimiter(database: request.db)
        guard try await limiter.hit("signin:address:\(request.sourceAddress)", rule: RateLimiter.signInPerAddress),
            try await limiter.hit("signin:account:\(tenantCode)/\(form.username)", rule: RateLimiter.signInPerAccount)
        else {
            try await AuditLog(database: request.db).append(
                .init(actor: "anonymous", action: "signin.rate-limited", subject: "username:\(form.username)",
                      details: ["method": "password"], source: request.sourceAddress),
                tenant: chain)
            let response = try await renderForm(
                request,
                message: language.text("サインインの試行が多すぎます。しばらく待ってからもう一度ためしてください。",
                                       "Too many sign-in attempts. Wait a few minutes and try again."),
                status: .tooManyRequests)
            response.headers.replaceOrAdd(name: .retryAfter, value: "300")
            return response
        }
        let result = try await Accounts(database: request.db).verify(tenantCode: tenantCode, username: form.username, password: form.password)
        let audit = AuditLog(database: request.db)
        switch result {
        case .success(let account):
            guard let tenant else { break }
            let (token, _) = try await Sessions(database: request.db).start(account: account, tenant: tenant, source: request.sourceAddress)
            try await audit.append(
                .init(actor: "user:\(tenantCode)/\(account.sourcedId)", action: "signin.success", subject: "user:\(tenantCode)/\(account.sourcedId)",
                      details: ["method": "password"], source: request.sourceAddress), tenant: tenantCode)
            let response = request.redirect(to: "/home", redirectType: .normal)
            response.cookies[Sessions.cookieName] = Sessions.cookie(token, secure: !request.cookiesMayBeInsecure)
            response.cookies[Self.formCookie] = Sessions.expiredCookie(secure: !request.cookiesMayBeInsecure)
            return response
        case .locked, .rejected, .notAllowed:
            break
        }
        try await audit.append(
            .init(actor: "anonymous", action: "signin.failure", subject: "username:\(form.username)",
                  details: ["method": "password", "reason": "\(result)"], source: request.sourceAddress), tenant: chain)
        let message: String
        if case .locked = result {
            message = language.text("何度もまちがえたので、しばらくサインインできません。先生に相談してください。",
                                    "Too many wrong attempts: this account is locked for a while. Ask your teacher or administrator.")
        } else {
            message = language.text("ユーザー名かパスワードがちがいます。", "The username or password is not right.")
        }
        return try await renderForm(request, message: message, status: .unauthorized)
    }

    // MARK: - Sign-out

    func signOut(request: Request) async throws -> Response {
        let session = try await requireSessionAndCSRF(request)
        try await Sessions(database: request.db).end(session)
        return signedOut(request)
    }

    func signOutEverywhere(request: Request) async throws -> Response {
        let session = try await requireSessionAndCSRF(request)
        try await Sessions(database: request.db).endAll(of: session)
        try await AuditLog(database: request.db).append(
            .init(actor: "user:\(session.tenantCode)/\(session.userSourcedID)", action: "signout.everywhere",
                  subject: "user:\(session.tenantCode)/\(session.userSourcedID)", source: request.sourceAddress), tenant: session.tenantCode)
        return signedOut(request)
    }

    private func requireSessionAndCSRF(_ request: Request) async throws -> UserSession {
        guard let session = try await request.userSession() else { throw Abort(.unauthorized) }
        let form = try request.content.decode(CSRFForm.self)
        guard constantTimeEquals(form.csrf, session.csrfToken) else { throw Abort(.forbidden, reason: "CSRF token mismatch") }
        return session
    }

    private func signedOut(_ request: Request) -> Response {
        let response = request.redirect(to: "/signin", redirectType: .normal)
        response.cookies[Sessions.cookieName] = Sessions.expiredCookie(secure: !request.cookiesMayBeInsecure)
        return response
    }

    // MARK: - Home

    func home(request: Request) async throws -> Response {
        guard let session = try await request.userSession() else { return request.redirect(to: "/signin", redirectType: .normal) }
        let language = PageLanguage(request)
        let sql = BulkSQL(request.db)
        let me = try await sql.run(
            "SELECT \"family_name\", \"given_name\" FROM \"roster_users\" WHERE \"tenant_id\" = ? AND \"sourced_id\" = ?",
            [.uuid(session.tenantID), .text(session.userSourcedID)], columns: ["family_name", "given_name"])
        let name = me.first.map { "\($0[0] ?? "") \($0[1] ?? "")" } ?? ""
        let classes = try await sql.run(
            "SELECT c.\"sourced_id\" AS id, c.\"title\" AS title, e.\"role\" AS role FROM \"roster_enrollments\" e JOIN \"roster_classes\" c ON c.\"tenant_id\" = e.\"tenant_id\" AND c.\"sourced_id\" = e.\"class_sourced_id\" WHERE e.\"tenant_id\" = ? AND e.\"user_sourced_id\" = ? AND e.\"status\" = 'active' AND c.\"status\" = 'active' ORDER BY c.\"title\"",
            [.uuid(session.tenantID), .text(session.userSourcedID)], columns: ["id", "title", "role"])
        let teaching = session.role != "student"
        var members: [String: Int] = [:]
        if teaching {
            for row in classes {
                let count = try await sql.run(
                    "SELECT CAST(COUNT(*) AS TEXT) AS n FROM \"roster_enrollments\" WHERE \"tenant_id\" = ? AND \"class_sourced_id\" = ? AND \"role\" = 'student' AND \"status\" = 'active'",
                    [.uuid(session.tenantID), .text(row[0] ?? "")], columns: ["n"])
                members[row[0] ?? ""] = Int((count.first?.first ?? nil) ?? "0") ?? 0
            }
        }
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("こんにちは、\(name) さん", "Hello, \(name)"))),
            .section(
                .h2(.text(language.text("わたしのクラス", "My classes"))),
                classes.isEmpty
                    ? .p(.text(language.text("クラスはまだありません。", "No classes yet.")))
                    : .ul(.class("cards"), .forEach(classes) { row in
                        .li(.class("card"), .span(.class("title"), .text(row[1] ?? "")),
                            .if(teaching, .span(.class("members"), .text(language.text("児童生徒 \(members[row[0] ?? ""] ?? 0) 人", "\(members[row[0] ?? ""] ?? 0) students")))))
                    })
            ),
            .section(
                .h2(.text(language.text("つかう道具とテスト", "My tools and tests"))),
                .p(.text(language.text("ここに学習の道具や MEXCBT のテストが並びます(準備中)。", "Learning tools and MEXCBT tests will appear here (coming).")))
            ),
            .form(.action("/signout"), .method(.post), .input(.type(.hidden), .name("csrf"), .value(session.csrfToken)),
                  .button(.type(.submit), .text(language.text("サインアウト", "Sign out")))),
            .form(.action("/signout-everywhere"), .method(.post), .input(.type(.hidden), .name("csrf"), .value(session.csrfToken)),
                  .button(.type(.submit), .class("secondary"), .text(language.text("すべての端末でサインアウト", "Sign out everywhere"))))
        )
        let response = Layout.response(Layout.page(title: language.text("ホーム", "Home"), language: language, path: "/home", body: body))
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
