import Fluent
import Plot
import Vapor

/// Second factor pages: setting up TOTP (with recovery codes) and entering a code after the
/// first factor.
struct MFAController: RouteCollection {
    /// Wrong codes a session may try before it is ended.
    static let attempts = RateLimiter.Rule(limit: 5, window: 15 * 60)

    func boot(routes: any RoutesBuilder) throws {
        routes.get("mfa", use: challenge)
        routes.post("mfa", use: verify)
        routes.get("mfa", "setup", use: setup)
        routes.post("mfa", "setup", use: confirmSetup)
    }

    struct CodeForm: Content {
        var code: String
    }

    private func factors(_ request: Request) -> SecondFactors {
        SecondFactors(database: request.db, box: request.application.secretBox)
    }

    // MARK: - Enter a code

    func challenge(request: Request) async throws -> Response {
        let principal = try await request.principal(allowingPendingMFA: true)
        guard principal.session.mfaState == .verify else { return request.redirect(to: "/home", redirectType: .normal) }
        return try await challengePage(request, principal, message: nil, status: .ok)
    }

    private func challengePage(_ request: Request, _ principal: Principal, message: String?, status: HTTPResponseStatus) async throws -> Response {
        let language = PageLanguage(request)
        var demoNote: Node<HTML.BodyContext> = .empty
        // `serve --demo` only: the demo staff's authenticator is this page, so a newcomer can try it.
        if request.application.storage[DemoModeKey.self] == true, principal.tenantCode == DemoSeeder.tenantCode,
            let demo = try await DemoSeeder.credentials(request.db), demo.staffSourcedIds.contains(principal.subject),
            let secret = try await factors(request).enabledSecret(owner: SecondFactors.owner(of: principal.session))
        {
            let code = TOTP.code(secret: secret, step: TOTP.step(at: Date()))
            demoNote = .aside(.class("demo"), .p(.text(language.text("おためし用: いまのコードは ", "Demo only: the current code is ")), .strong(.id("demo-code"), .text(code))))
        }
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("2段階認証", "Two-step verification"))),
            demoNote,
            .if(message != nil, .p(.class("error"), .attribute(named: "role", value: "alert"), .text(message ?? ""))),
            .p(.text(language.text("認証アプリに表示されている6けたのコードを入れてください。アプリが使えないときは、回復コードを入れてください。",
                                   "Enter the 6-digit code from your authenticator app, or one of your recovery codes."))),
            .form(
                .action("/mfa"), .method(.post), .class("signin"),
                .input(.type(.hidden), .name("csrf"), .value(principal.session.csrfToken)),
                .div(.class("field"),
                     .label(.attribute(named: "for", value: "code"), .text(language.text("コード", "Code"))),
                     .input(.id("code"), .name("code"), .type(.text), .attribute(named: "inputmode", value: "numeric"),
                            .attribute(named: "autocomplete", value: "one-time-code"), .required(true))),
                .button(.type(.submit), .class("primary"), .text(language.text("確認", "Verify")))
            ),
            signOutForm(principal, language)
        )
        return Layout.privateResponse(Layout.page(title: language.text("2段階認証", "Two-step verification"), language: language, path: "/mfa", body: body), status: status)
    }

    func verify(request: Request) async throws -> Response {
        let principal = try await request.principal(allowingPendingMFA: true)
        try request.requireCSRF(principal.session)
        guard principal.session.mfaState == .verify else { return request.redirect(to: "/home", redirectType: .normal) }
        let language = PageLanguage(request)
        let form = try request.content.decode(CodeForm.self)
        let audit = AuditLog(database: request.db)
        let chain = principal.role == .operator ? nil : principal.tenantCode
        let result = try await factors(request).verify(owner: SecondFactors.owner(of: principal.session), code: form.code)
        switch result {
        case .totp, .recoveryCode:
            var details = ["factor": "totp"]
            if case .recoveryCode(let remaining) = result { details = ["factor": "recovery-code", "remaining": String(remaining)] }
            try await audit.append(.init(actor: principal.actor, action: "mfa.success", subject: principal.actor, details: details, source: request.sourceAddress), tenant: chain)
            let token = try await Sessions(database: request.db).completeSecondFactor(principal.session)
            let response = request.redirect(to: "/home", redirectType: .normal)
            response.cookies[Sessions.cookieName] = Sessions.cookie(token, secure: !request.cookiesMayBeInsecure)
            return response
        case .rejected:
            try await audit.append(.init(actor: principal.actor, action: "mfa.failure", subject: principal.actor, source: request.sourceAddress), tenant: chain)
            let sessionID = try principal.session.requireID()
            guard try await RateLimiter(database: request.db).hit("mfa:session:\(sessionID)", rule: Self.attempts) else {
                // Too many wrong codes: this session ends; the person starts again from the password.
                try await Sessions(database: request.db).end(principal.session)
                let response = request.redirect(to: "/signin", redirectType: .normal)
                response.cookies[Sessions.cookieName] = Sessions.expiredCookie(secure: !request.cookiesMayBeInsecure)
                return response
            }
            return try await challengePage(request, principal, message: language.text("コードがちがいます。", "That code is not right."), status: .unauthorized)
        }
    }

    // MARK: - Set up

    func setup(request: Request) async throws -> Response {
        let principal = try await request.principal(allowingPendingMFA: true)
        let language = PageLanguage(request)
        guard principal.session.mfaState != .verify else { return request.redirect(to: "/mfa", redirectType: .normal) }
        let owner = SecondFactors.owner(of: principal.session)
        guard let secret = try await factors(request).beginEnrollment(owner: owner, tenantID: principal.tenantID) else {
            let body: Node<HTML.BodyContext> = .group(
                .h1(.text(language.text("2段階認証", "Two-step verification"))),
                .p(.text(language.text("2段階認証はもう設定されています。認証アプリを変えるときは、管理者にリセットを頼んでください。",
                                       "Two-step verification is already on. To move to a new app, ask an administrator to reset it."))),
                .p(.a(.href("/home"), .text(language.text("ホームへ", "Home")))))
            return Layout.privateResponse(Layout.page(title: language.text("2段階認証", "Two-step verification"), language: language, path: "/mfa/setup", body: body))
        }
        return setupPage(request, principal, secret: secret, message: nil, status: .ok)
    }

    private func setupPage(_ request: Request, _ principal: Principal, secret: [UInt8], message: String?, status: HTTPResponseStatus) -> Response {
        let language = PageLanguage(request)
        let account = principal.role == .operator ? principal.subject : "\(principal.tenantCode)/\(principal.subject)"
        let uri = TOTP.provisioningURI(secret: secret, account: account, issuer: "Kakehashi")
        let grouped = Base32.encode(secret).enumerated().map { $0.offset > 0 && $0.offset % 4 == 0 ? " \($0.element)" : String($0.element) }.joined()
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("2段階認証の設定", "Set up two-step verification"))),
            .if(principal.session.mfaState == .enroll, .p(.class("lead"), .text(language.text(
                "成績や学習の記録を見る方は、パスワードに加えて認証アプリのコードが必要です。",
                "Staff who can see grades or learning records need a code from an authenticator app as well as a password.")))),
            .if(message != nil, .p(.class("error"), .attribute(named: "role", value: "alert"), .text(message ?? ""))),
            .ol(
                .li(.text(language.text("認証アプリ(Google Authenticator、Microsoft Authenticator など)で QR コードを読み取るか、「キーを入力」を選んで次のキーを入れます。",
                                        "In an authenticator app (Google Authenticator, Microsoft Authenticator, …) scan the QR code, or choose \"enter a setup key\" and type this key:")),
                    .p(.code(.id("totp-secret"), .class("secret"), .text(grouped))),
                    qrCode(uri, language),
                    .p(.class("quiet"), .a(.href(uri), .text(language.text("この端末のアプリで開く", "Open in an app on this device"))))),
                .li(.text(language.text("アプリに出た6けたのコードを入れて、確認してください。", "Enter the 6-digit code the app shows.")))
            ),
            .form(
                .action("/mfa/setup"), .method(.post), .class("signin"),
                .input(.type(.hidden), .name("csrf"), .value(principal.session.csrfToken)),
                .div(.class("field"),
                     .label(.attribute(named: "for", value: "code"), .text(language.text("コード", "Code"))),
                     .input(.id("code"), .name("code"), .type(.text), .attribute(named: "inputmode", value: "numeric"),
                            .attribute(named: "autocomplete", value: "one-time-code"), .required(true))),
                .button(.type(.submit), .class("primary"), .text(language.text("確認して有効にする", "Verify and turn on")))
            ),
            signOutForm(principal, language)
        )
        return Layout.privateResponse(Layout.page(title: language.text("2段階認証の設定", "Set up two-step verification"), language: language, path: "/mfa/setup", body: body), status: status)
    }

    func confirmSetup(request: Request) async throws -> Response {
        let principal = try await request.principal(allowingPendingMFA: true)
        try request.requireCSRF(principal.session)
        guard principal.session.mfaState != .verify else { return request.redirect(to: "/mfa", redirectType: .normal) }
        let language = PageLanguage(request)
        let form = try request.content.decode(CodeForm.self)
        let owner = SecondFactors.owner(of: principal.session)
        let factors = factors(request)
        guard let codes = try await factors.confirmEnrollment(owner: owner, code: form.code) else {
            guard let secret = try await factors.pendingSecret(owner: owner) else { return request.redirect(to: "/mfa/setup", redirectType: .normal) }
            return setupPage(request, principal, secret: secret, message: language.text("コードがちがいます。もう一度入れてください。", "That code is not right. Try again."), status: .unauthorized)
        }
        try await AuditLog(database: request.db).append(
            .init(actor: principal.actor, action: "mfa.enroll", subject: principal.actor, source: request.sourceAddress),
            tenant: principal.role == .operator ? nil : principal.tenantCode)
        let token = try await Sessions(database: request.db).completeSecondFactor(principal.session)
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("2段階認証を有効にしました", "Two-step verification is on"))),
            .p(.text(language.text("認証アプリが使えなくなったときのための回復コードです。印刷するか安全な場所に書き写してください。それぞれ1回だけ使えます。この画面は二度と表示されません。",
                                   "These recovery codes let you in if you lose your app. Print them or copy them somewhere safe. Each works once. This page is shown only once."))),
            .ol(.id("recovery-codes"), .class("codes"), .forEach(codes) { .li(.code(.text($0))) }),
            .p(.a(.id("continue"), .class("button"), .href("/home"), .text(language.text("ホームへ進む", "Continue"))))
        )
        let response = Layout.privateResponse(Layout.page(title: language.text("回復コード", "Recovery codes"), language: language, path: "/home", body: body))
        response.cookies[Sessions.cookieName] = Sessions.cookie(token, secure: !request.cookiesMayBeInsecure)
        return response
    }

    /// The otpauth URI as a QR code (inline SVG: no script, no image request).
    private func qrCode(_ uri: String, _ language: PageLanguage) -> Node<HTML.BodyContext> {
        guard let code = try? QRCode(uri, correction: .medium) else { return .empty }
        return .div(.class("qr"), .raw(code.svg(moduleSize: 5, label: language.text("認証アプリ用の QR コード", "QR code for the authenticator app"))))
    }

    private func signOutForm(_ principal: Principal, _ language: PageLanguage) -> Node<HTML.BodyContext> {
        .form(.action("/signout"), .method(.post), .input(.type(.hidden), .name("csrf"), .value(principal.session.csrfToken)),
              .button(.type(.submit), .class("secondary"), .text(language.text("サインアウト", "Sign out"))))
    }
}
