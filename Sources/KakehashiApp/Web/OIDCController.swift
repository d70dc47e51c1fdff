import Fluent
import Plot
import Vapor

/// Sign-in through the tenant's identity provider: `/signin/oidc/{tenant}` sends the browser to
/// the provider, `/signin/oidc/callback` receives it back.
struct OIDCController: RouteCollection {
    /// Binds the state to the browser that started the sign-in (login CSRF, RFC 6749 §10.12).
    static let stateCookie = "kakehashi_oidc"
    /// How long a started sign-in waits for the provider.
    static let requestLifetime: TimeInterval = 10 * 60

    func boot(routes: any RoutesBuilder) throws {
        routes.get("signin", "oidc", "callback", use: callback)
        routes.get("signin", "oidc", ":tenant", use: start)
    }

    private func client(_ request: Request, _ provider: IdentityProvider) throws -> OIDCClient {
        let secret = String(decoding: try request.application.secretBox.open(provider.clientSecretSealed), as: UTF8.self)
        return OIDCClient(issuer: provider.issuer, clientID: provider.clientID, clientSecret: secret, client: request.client, cache: request.application.oidcCache)
    }

    private func redirectURI(_ request: Request) -> String {
        request.application.settings.baseURL + "/signin/oidc/callback"
    }

    func start(request: Request) async throws -> Response {
        let code = request.parameters.get("tenant") ?? ""
        guard let tenant = try await Tenant.query(on: request.db).filter(\.$code == code).first(), let tenantID = tenant.id,
            let provider = try await IdentityProvider.query(on: request.db).filter(\.$tenantID == tenantID).first()
        else { throw Abort(.notFound, reason: "この教育委員会は外部のサインインを使っていません。/ This board does not use an identity provider.") }
        guard try await RateLimiter(database: request.db).hit("signin:address:\(request.sourceAddress)", rule: RateLimiter.signInPerAddress) else {
            throw Abort(.tooManyRequests, headers: ["Retry-After": "300"], reason: "サインインの試行が多すぎます。/ Too many sign-in attempts.")
        }
        let oidc = try client(request, provider)
        let metadata: OIDCClient.Metadata
        do {
            metadata = try await oidc.metadata()
        } catch {
            request.logger.warning("identity provider discovery failed", metadata: ["issuer": .string(provider.issuer), "error": .string("\(error)")])
            throw Abort(.badGateway, reason: "サインイン先に接続できません。しばらくしてからためしてください。/ The identity provider cannot be reached; try again later.")
        }
        let now = Date()
        try await OIDCRequest.query(on: request.db).filter(\.$expiresAt < now).delete()
        let pending = OIDCClient.newRequest()
        let stored = OIDCRequest()
        stored.stateHash = Sessions.hash(pending.state)
        stored.tenantID = tenantID
        stored.nonce = pending.nonce
        stored.codeVerifier = pending.codeVerifier
        stored.createdAt = now
        stored.expiresAt = now.addingTimeInterval(Self.requestLifetime)
        try await stored.create(on: request.db)
        let response = request.redirect(to: oidc.authorizationURL(metadata, request: pending, redirectURI: redirectURI(request)), redirectType: .normal)
        // Lax: the provider sends the browser back with a top-level GET, which carries Lax cookies.
        response.cookies[Self.stateCookie] = HTTPCookies.Value(
            string: pending.state, maxAge: Int(Self.requestLifetime), path: "/signin/oidc", isSecure: !request.cookiesMayBeInsecure,
            isHTTPOnly: true, sameSite: .lax)
        return response
    }

    func callback(request: Request) async throws -> Response {
        let language = PageLanguage(request)
        let state = request.query[String.self, at: "state"] ?? ""
        // Used once: the row is claimed by deleting it, so a replayed callback finds nothing, even
        // when two arrive at once.
        var pending: OIDCRequest?
        if !state.isEmpty, let found = try await OIDCRequest.query(on: request.db).filter(\.$stateHash == Sessions.hash(state)).first(), let id = found.id {
            let claimed = try await BulkSQL(request.db).run("DELETE FROM \"oidc_requests\" WHERE \"id\" = ? RETURNING \"nonce\"", [.uuid(id)], columns: ["nonce"])
            if !claimed.isEmpty && found.expiresAt > Date() { pending = found }
        }
        guard let pending, let cookieState = request.cookies[Self.stateCookie]?.string, constantTimeEquals(cookieState, state)
        else {
            try await AuditLog(database: request.db).append(
                .init(actor: "anonymous", action: "signin.failure", subject: "oidc", details: ["method": "oidc", "reason": "unknown, used or foreign state"],
                      source: request.sourceAddress), tenant: nil)
            return try failurePage(request, status: .badRequest, message: language.text(
                "このサインインは使えません(期限切れか、すでに使われています)。もう一度サインインしてください。",
                "This sign-in link cannot be used (expired or already used). Please sign in again."))
        }
        let tenantID = pending.tenantID
        guard let tenant = try await Tenant.find(tenantID, on: request.db),
            let provider = try await IdentityProvider.query(on: request.db).filter(\.$tenantID == tenantID).first()
        else { return try failurePage(request, status: .badRequest, message: language.text("サインイン先の設定がありません。", "No identity provider is configured.")) }
        let audit = AuditLog(database: request.db)
        func fail(_ reason: String, status: HTTPResponseStatus, message: String) async throws -> Response {
            try await audit.append(
                .init(actor: "anonymous", action: "signin.failure", subject: "oidc:\(provider.issuer)", details: ["method": "oidc", "reason": reason],
                      source: request.sourceAddress), tenant: tenant.code)
            return try failurePage(request, status: status, message: message)
        }
        if let error = request.query[String.self, at: "error"] {
            return try await fail("provider error: \(error)", status: .unauthorized, message: language.text(
                "サインイン先でサインインできませんでした。", "The identity provider did not sign you in."))
        }
        guard let code = request.query[String.self, at: "code"], !code.isEmpty else {
            return try await fail("no code", status: .badRequest, message: language.text("サインインの応答が正しくありません。", "The sign-in response is not valid."))
        }
        let oidc = try client(request, provider)
        let identity: OIDCClient.Identity
        do {
            let metadata = try await oidc.metadata()
            let token = try await oidc.exchange(code: code, codeVerifier: pending.codeVerifier, redirectURI: redirectURI(request), metadata: metadata)
            identity = try await oidc.validate(token, nonce: pending.nonce, metadata: metadata)
        } catch let failure as OIDCClient.Failure {
            return try await fail(failure.reason, status: .unauthorized, message: language.text(
                "サインイン先からの証明を確認できませんでした。もう一度サインインしてください。",
                "The identity provider's proof of sign-in could not be verified. Please sign in again."))
        }
        let providers = IdentityProviders(database: request.db, box: request.application.secretBox)
        guard let username = try await providers.username(for: identity, provider: provider),
            let account = try await Accounts(database: request.db).account(tenantID: tenantID, username: username),
            try await Accounts(database: request.db).maySignIn(role: account.role, tenantID: tenantID)
        else {
            return try await fail("no roster user for \(provider.claim)", status: .forbidden, message: language.text(
                "このアカウントは \(tenant.name) の名簿にありません。学校か教育委員会に問い合わせてください。",
                "This account is not in the roster of \(tenant.name). Please ask your school or board of education."))
        }
        let response = try await SignInFlow.complete(
            request, owner: try .user(account, tenant: tenant), method: "oidc",
            assertedSecondFactor: identity.claims.amr?.contains("mfa") ?? false, extraDetails: ["issuer": provider.issuer])
        response.cookies[Self.stateCookie] = HTTPCookies.Value(
            string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/signin/oidc", isSecure: !request.cookiesMayBeInsecure, isHTTPOnly: true,
            sameSite: .lax)
        return response
    }

    private func failurePage(_ request: Request, status: HTTPResponseStatus, message: String) throws -> Response {
        let language = PageLanguage(request)
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("サインインできませんでした", "Could not sign in"))),
            .p(.class("error"), .attribute(named: "role", value: "alert"), .text(message)),
            .p(.a(.class("button"), .href("/signin"), .text(language.text("サインインのページへ", "Back to sign-in"))))
        )
        return Layout.privateResponse(Layout.page(title: language.text("サインインできませんでした", "Could not sign in"), language: language, path: "/signin", body: body), status: status)
    }
}

extension Application {
    var oidcCache: OIDCProviderCache {
        if let cache = storage[OIDCProviderCacheKey.self] { return cache }
        let cache = OIDCProviderCache()
        storage[OIDCProviderCacheKey.self] = cache
        return cache
    }
}
