import Fluent
import JWTKit
import LTI
import Plot
import Vapor

/// The platform's public LTI endpoints: its JWKS, and the OpenID Connect authorization endpoint
/// that turns a tool's authentication request into a signed id_token posted to the tool (LTI
/// Core 1.3 §5.1, 1EdTech Security Framework 1.0 §5.1.1).
struct LTIPlatformController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("lti", "jwks", use: jwks)
        routes.get("lti", "authorize", use: authorize)
        routes.post("lti", "authorize", use: authorize)
    }

    func jwks(request: Request) async throws -> Response {
        let keys = try await request.platformKeys()
        let response = Response(status: .ok, body: .init(string: keys.jwks))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return response
    }

    // MARK: - Authorization

    func authorize(request: Request) async throws -> Response {
        let parameters: [String: String] =
            request.method == .POST ? ((try? request.content.decode([String: String].self)) ?? [:]) : ((try? request.query.decode([String: String].self)) ?? [:])
        let authentication = AuthenticationRequest(parameters: parameters)
        let language = PageLanguage(request)
        // An unknown client or a redirect URI not registered exactly: an error page here, never a
        // post to that URI.
        guard let clientID = authentication.clientID, let tool = try await request.ltiCatalog.tool(clientID: clientID, database: request.db) else {
            throw Abort(.notFound, reason: "このツールは登録されていません。/ Unknown client_id.")
        }
        guard let redirectURI = authentication.redirectURI, tool.redirectURIList.contains(redirectURI) else {
            throw Abort(.badRequest, reason: "redirect_uri がこのツールに登録されたものと一致しません。/ redirect_uri does not match a registered redirect URI.")
        }
        func fail(_ failure: AuthenticationRequest.Failure) async throws -> Response {
            try await AuditLog(database: request.db).append(
                .init(actor: "tool:\(tool.clientID)", action: "lti.authorize.failure", subject: "tool:\(tool.clientID)",
                      details: ["error": failure.code.rawValue, "reason": failure.description], source: request.sourceAddress),
                tenant: try await Tenant.find(tool.tenantID, on: request.db)?.code)
            var fields = ["error": failure.code.rawValue, "error_description": failure.description]
            if let state = authentication.state { fields["state"] = state }
            return Self.autoPost(to: redirectURI, fields: fields, language: language)
        }
        guard tool.status == LTITool.Status.active.rawValue else { return try await fail(.init(.unauthorizedClient, "the tool is not active")) }
        if let failure = authentication.check() { return try await fail(failure) }

        // The message hint: ours (signature), fresh (exp), for this client, and not used before.
        let keys = try await request.platformKeys()
        let hint: MessageHint
        let context: LaunchContext
        do {
            hint = try await keys.hintKeys.verify(authentication.ltiMessageHint ?? "", as: MessageHint.self)
            context = try LaunchContext.open(hint.ctx, with: keys.launchContextKey)
        } catch {
            throw Abort(.badRequest, reason: "lti_message_hint が正しくないか、期限切れです。/ The lti_message_hint is invalid or expired.")
        }
        guard context.toolID == tool.id else { return try await fail(.init(.invalidRequest, "the lti_message_hint does not belong to this client")) }

        // The person signed in here must be the one the launch was made for.
        guard let session = try await request.userSession(), session.mfaState == .satisfied, session.tenantID == context.tenantID,
            session.userSourcedID == context.userSourcedID,
            authentication.loginHint == ToolRegistry.pseudonymousSubject(tool: tool, tenantID: context.tenantID, sourcedID: context.userSourcedID)
        else { return try await fail(.init(.loginRequired, "the signed-in user is not the one of login_hint")) }

        // Used once: the launch is recorded as it is used, and audited as the person's data leaves
        // for the tool (both before the id_token is sent; a crash in between sends nothing).
        let launch = context.launch(hint: hint)
        let database = request.db
        let entry = AuditLog.Entry(
            actor: session.actor, action: "lti.launch", subject: "tool:\(tool.clientID)",
            details: ["type": launch.messageType, "link": launch.linkID ?? "", "class": launch.classSourcedID], source: request.sourceAddress)
        let used = try await database.gatedWrite { () async throws -> Bool in
            guard try await launch.recordUse(on: database) else { return false }
            try await AuditLog(database: database).append(entry, tenant: session.tenantCode)
            return true
        }
        guard used else { return try await fail(.init(.launchNoLongerValid, "this launch was already used")) }

        let message = try await LaunchClaimsBuilder(request: request, tool: tool, launch: launch, nonce: authentication.nonce ?? "").message()
        let idToken = try await LTIMessageSigner(keys: keys.keys, kid: keys.signingKid).sign(try message.claims())
        var fields = ["id_token": idToken]
        if let state = authentication.state { fields["state"] = state }
        return Self.autoPost(to: redirectURI, fields: fields, language: language)
    }

    /// A page that posts `fields` to `url` at once (a small local script), with a button for
    /// browsers without scripts. Its CSP lets this one form post to the tool's origin.
    static func autoPost(to url: String, fields: [String: String], language: PageLanguage) -> Response {
        let html = HTML(
            .lang(language == .ja ? .japanese : .english),
            .head(.encoding(.utf8), .title(language.text("ツールを開いています", "Opening the tool")), .stylesheet("/styles.css"),
                  .script(.src("/lti-autopost.js"))),
            .body(.main(
                .p(.text(language.text("ツールを開いています…", "Opening the tool…"))),
                .form(
                    .id("lti-autopost"), .action(url), .method(.post),
                    .forEach(fields.sorted(by: { $0.key < $1.key })) { .input(.type(.hidden), .name($0.key), .value($0.value)) },
                    .noscript(.button(.type(.submit), .class("primary"), .text(language.text("つづける", "Continue"))))
                )
            ))
        )
        let response = Response(status: .ok, body: .init(string: html.render()))
        response.headers.contentType = .html
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        let origin = URLComponents(string: url).map { components -> String in
            var origin = URLComponents()
            origin.scheme = components.scheme
            origin.host = components.host
            origin.port = components.port
            return origin.string ?? ""
        } ?? ""
        response.headers.replaceOrAdd(
            name: "Content-Security-Policy",
            value: "default-src 'none'; script-src 'self'; style-src 'self'; form-action \(origin); frame-ancestors 'none'; base-uri 'none'")
        return response
    }
}
