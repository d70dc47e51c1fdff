import Fluent
import LTI
import Plot
import Vapor

/// LTI Dynamic Registration 1.0 and the platform's OpenID configuration: a board administrator
/// opens a tool's registration URL with a single-use token; the tool reads the configuration and
/// registers itself; the tool waits, pending, until the administrator approves it.
struct DynamicRegistrationController: RouteCollection {
    static let tokenLifetime: TimeInterval = 60 * 60

    func boot(routes: any RoutesBuilder) throws {
        routes.get(".well-known", "openid-configuration", use: configuration)
        routes.post("lti", "register", use: register)
        routes.post("t", ":tenant", "admin", "tools", "dynamic", use: start)
    }

    static func configuration(baseURL base: String) -> PlatformConfiguration {
        PlatformConfiguration(
            issuer: base, authorizationEndpoint: base + "/lti/authorize", tokenEndpoint: base + "/lti/token", jwksURI: base + "/lti/jwks",
            registrationEndpoint: base + "/lti/register", scopesSupported: ["openid"] + ToolRegistry.grantableScopes.sorted(),
            claimsSupported: ["iss", "sub", "aud", "iat", "exp", "nonce", "name", "given_name", "family_name", "email", "locale"],
            ltiPlatformConfiguration: LTIPlatformConfiguration(
                productFamilyCode: "kakehashi", version: LaunchClaimsBuilder.productVersion,
                messagesSupported: [.init(type: LTIMessageType.resourceLink.rawValue), .init(type: LTIMessageType.deepLinking.rawValue, placements: ["ContentArea"])],
                variables: [
                    SubstitutionVariables.Name.userID, SubstitutionVariables.Name.contextID, SubstitutionVariables.Name.contextTitle,
                    SubstitutionVariables.Name.contextLabel, SubstitutionVariables.Name.courseSectionSourcedID, SubstitutionVariables.Name.resourceLinkID,
                    SubstitutionVariables.Name.resourceLinkTitle, SubstitutionVariables.Name.fullName, SubstitutionVariables.Name.givenName,
                    SubstitutionVariables.Name.familyName, SubstitutionVariables.Name.email, SubstitutionVariables.Name.personSourcedID,
                    SubstitutionVariables.Name.username, SubstitutionVariables.Name.grade, SubstitutionVariables.Name.schoolCode,
                ]),
            // `sub` is pairwise (per tool) unless a board chose the roster id for a tool.
            subjectTypesSupported: ["pairwise", "public"])
    }

    func configuration(request: Request) async throws -> Response {
        let response = try LTIServices.json(Self.configuration(baseURL: request.application.settings.baseURL), mediaType: "application/json")
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return response
    }

    /// A registration URL for a tool: the tool's URL with `openid_configuration` and a fresh
    /// single-use `registration_token`.
    static func registrationURL(toolURL: String, tenant: Tenant, actor: String, baseURL: String, database: any Database) async throws -> String {
        guard OIDCClient.isAllowedURL(toolURL), var components = URLComponents(string: toolURL) else {
            throw RosterError(message: "the tool URL must be https (http only for this machine) / ツールのURLは https にしてください")
        }
        let token = Sessions.randomToken()
        let stored = LTIRegistrationToken()
        stored.tokenHash = Sessions.hash(token)
        stored.tenantID = try tenant.requireID()
        stored.createdBy = actor
        stored.expiresAt = Date().addingTimeInterval(tokenLifetime)
        try await database.writeTransaction { tx in
            try await stored.create(on: tx)
            try await AuditLog(database: tx).append(.init(actor: actor, action: "tool.registration-token", subject: "url:\(toolURL)"), tenant: tenant.code)
        }
        components.queryItems = (components.queryItems ?? []) + [
            .init(name: "openid_configuration", value: baseURL + "/.well-known/openid-configuration"), .init(name: "registration_token", value: token),
        ]
        return components.string ?? toolURL
    }

    struct StartForm: Content {
        var toolURL: String
    }

    /// The admin page's "register by URL": off to the tool with a token.
    func start(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let principal = try await request.authorize(.manageTools, .tenant(try tenant.requireID()), what: "dynamic registration")
        try request.requireCSRF(principal.session)
        let form = try request.content.decode(StartForm.self)
        do {
            let url = try await Self.registrationURL(
                toolURL: form.toolURL, tenant: tenant, actor: principal.actor, baseURL: request.application.settings.baseURL, database: request.db)
            return request.redirect(to: url, redirectType: .normal)
        } catch let error as RosterError {
            throw Abort(.badRequest, reason: error.message)
        }
    }

    /// The registration endpoint: the tool posts its client metadata with the token.
    func register(request: Request) async throws -> Response {
        do {
            guard let bearer = request.headers.bearerAuthorization?.token,
                let token = try await LTIRegistrationToken.query(on: request.db).filter(\.$tokenHash == Sessions.hash(bearer)).first(),
                token.expiresAt > Date(), token.usedAt == nil
            else {
                return LTIServices.errorResponse(LTIError(code: "reg.token", status: 401, oauthError: "invalid_token", ja: "登録トークンが正しくないか、期限切れか、使用済みです。", en: "The registration token is invalid, expired or used."))
            }
            let registration = try ClientRegistration.decode(Data(buffer: request.body.data ?? ByteBuffer()))
            try registration.validateOrThrow()
            let claimed = try await request.db.claimOnce(LTIRegistrationToken.schema, id: try token.requireID(), column: "used_at")
            guard claimed, let tenant = try await Tenant.find(token.tenantID, on: request.db) else {
                return LTIServices.errorResponse(LTIError(code: "reg.token", status: 401, oauthError: "invalid_token", ja: "登録トークンは使用済みです。", en: "The registration token was used."))
            }
            let configuration = registration.toolConfiguration
            let messages = Set((configuration?.messages ?? []).map(\.type)).intersection([LTIMessageType.resourceLink.rawValue, LTIMessageType.deepLinking.rawValue])
            let description = ToolRegistry.Description(
                client_name: registration.clientName ?? configuration?.domain ?? "tool", description: configuration?.description,
                initiate_login_uri: registration.initiateLoginURI ?? "", redirect_uris: registration.redirectURIs ?? [], jwks_uri: registration.jwksURI ?? "",
                target_link_uri: configuration?.targetLinkURI ?? registration.redirectURIs?.first ?? "",
                scope: registration.scopes.filter { ToolRegistry.grantableScopes.contains($0) }.joined(separator: " "),
                custom_parameters: configuration?.customParameters, messages: [LTIMessageType.resourceLink.rawValue] + messages.subtracting([LTIMessageType.resourceLink.rawValue]).sorted(),
                privacy: nil)
            let result: ToolRegistry.Registration
            do {
                result = try await ToolRegistry(database: request.db).register(description, tenantCode: tenant.code, status: .pending, source: "dynamic", actor: "tool:dynamic-registration")
            } catch let error as RosterError {
                return LTIServices.errorResponse(LTIError(code: "reg.invalid", status: 400, oauthError: "invalid_client_metadata", ja: error.message, en: error.message))
            }
            var granted = registration.registered(clientID: result.client_id, deploymentID: result.deployment_id)
            granted.scope = description.scope
            return try LTIServices.json(granted, mediaType: "application/json")
        } catch let error as LTIError {
            return LTIServices.errorResponse(error)
        }
    }
}
