import Fluent
import Plot
import Vapor

/// The sign-in page, password sign-in (roster users and operators) and sign-out.
struct SignInController: RouteCollection {
    static let formCookie = "kakehashi_form"

    func boot(routes: any RoutesBuilder) throws {
        routes.get("signin", use: form)
        routes.post("signin", use: signIn)
        routes.post("signout", use: signOut)
        routes.post("signout-everywhere", use: signOutEverywhere)
    }

    /// The hidden tenant value of the operators' sign-in form (not a valid tenant code).
    static let operatorTenant = "_operator"

    struct SignInForm: Content {
        var tenant: String?
        var username: String
        var password: String
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
        let asOperator = request.query[String.self, at: "as"] == "operator" || (try? request.content.get(String.self, at: "tenant")) == Self.operatorTenant
        let providers = try await IdentityProvider.query(on: request.db).all()
        let providerTenants = Dictionary(providers.map { ($0.tenantID, $0.displayName) }, uniquingKeysWith: { first, _ in first })
        // Before a session exists, the form's CSRF token is checked against a cookie (double submit).
        let token = Sessions.randomToken()
        let tenantField: Node<HTML.FormContext> =
            asOperator
            ? .input(.type(.hidden), .name("tenant"), .value(Self.operatorTenant))
            : tenants.count == 1
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
                .p(.text(language.text("先生", "Teacher") + ": \(demo.teacher) / \(DemoSeeder.teacherPassword)")),
                .p(.text(language.text("教育委員会", "Board of education") + ": \(demo.admin) / \(DemoSeeder.adminPassword)")),
                .p(.class("quiet"), .text(language.text("先生と教育委員会は2段階認証のコードも必要です。おためし用のサーバーでは、コードの画面に表示されます。",
                                                         "Teachers and the board also need a two-step code; a demo server shows it on the code page.")))
            )
        }
        let providerLinks: Node<HTML.BodyContext> =
            asOperator
            ? .empty
            : .ul(.class("providers"), .forEach(tenants.filter { providerTenants[$0.id ?? UUID()] != nil }) { tenant in
                .li(.a(.class("button provider"), .href("/signin/oidc/\(tenant.code)"),
                       .text(language.text("\(providerTenants[tenant.id ?? UUID()] ?? "")でサインイン", "Sign in with \(providerTenants[tenant.id ?? UUID()] ?? "")")
                             + (tenants.count > 1 ? "(\(tenant.name))" : ""))))
            })
        // One tenant that signs in only through its identity provider: no password form to confuse anyone.
        var passwordsOff = false
        if !asOperator, tenants.count == 1, let id = tenants[0].id {
            passwordsOff = !(try await TenantPolicy.of(id, on: request.db).passwordSignIn)
        }
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(asOperator ? language.text("運用者のサインイン", "Operator sign-in") : language.text("サインイン", "Sign in"))),
            demoNote,
            providerLinks,
            .if(message != nil, .p(.class("error"), .attribute(named: "role", value: "alert"), .text(message ?? ""))),
            .if(!passwordsOff, .form(
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
            )),
            .p(.class("quiet"), asOperator
                ? .a(.href("/signin"), .text(language.text("児童生徒・先生のサインインへ", "Student and teacher sign-in")))
                : .a(.href("/signin?as=operator"), .text(language.text("運用者の方はこちら", "Operators sign in here"))))
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
        let audit = AuditLog(database: request.db)
        if tenantCode == Self.operatorTenant {
            if try await Accounts(database: request.db).verifyOperator(username: form.username, password: form.password) {
                return try await SignInFlow.complete(request, owner: .operator(form.username), method: "password")
            }
            try await audit.append(
                .init(actor: "anonymous", action: "signin.failure", subject: "operator:\(form.username)",
                      details: ["method": "password", "reason": "rejected"], source: request.sourceAddress), tenant: nil)
            return try await renderForm(request, message: language.text("ユーザー名かパスワードがちがいます。", "The username or password is not right."), status: .unauthorized)
        }
        if let tenantID = tenant?.id, !(try await TenantPolicy.of(tenantID, on: request.db).passwordSignIn) {
            try await audit.append(
                .init(actor: "anonymous", action: "signin.failure", subject: "username:\(form.username)",
                      details: ["method": "password", "reason": "password sign-in is off for this tenant"], source: request.sourceAddress), tenant: chain)
            return try await renderForm(request, message: language.text(
                "この教育委員会ではパスワードでサインインできません。上のボタンからサインインしてください。",
                "This board does not use passwords: sign in with the button above."), status: .unauthorized)
        }
        let result = try await Accounts(database: request.db).verify(tenantCode: tenantCode, username: form.username, password: form.password)
        if case .success(let account) = result, let tenant {
            return try await SignInFlow.complete(request, owner: try .user(account, tenant: tenant), method: "password")
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
            .init(actor: session.actor, action: "signout.everywhere", subject: session.actor, source: request.sourceAddress),
            tenant: session.sessionKind == .operator ? nil : session.tenantCode)
        return signedOut(request)
    }

    private func requireSessionAndCSRF(_ request: Request) async throws -> UserSession {
        guard let session = try await request.userSession() else { throw Abort(.unauthorized) }
        try request.requireCSRF(session)
        return session
    }

    private func signedOut(_ request: Request) -> Response {
        let response = request.redirect(to: "/signin", redirectType: .normal)
        response.cookies[Sessions.cookieName] = Sessions.expiredCookie(secure: !request.cookiesMayBeInsecure)
        return response
    }
}
