import Fluent
import Foundation
import Vapor
import XAPI

/// The Learning Record Store under `/xapi/` (xAPI 1.0.3 and 2.0). Every call goes through
/// ``respond(_:resource:)``: the body (up to `KAKEHASHI_LRS_MAX_BODY`), the Alternate Request
/// Syntax, the version header, the credentials (which decide the tenant) and their scopes, the
/// resource, and the version header on every answer. CORS is ``LRSCORS/Middleware``'s.
struct LRSController: RouteCollection {
    enum Resource: Sendable {
        case statements, state, activityProfile, agentProfile, activities, agents, about
    }

    func boot(routes: any RoutesBuilder) throws {
        let xapi = routes.grouped("xapi")
        // Bodies are streamed and collected in ``respond(_:resource:)`` up to the configured
        // limit, so that an oversized request is a 413 in the xAPI form and is never held whole.
        func on(_ method: HTTPMethod, _ path: [PathComponent], _ resource: Resource) {
            xapi.on(method, path, body: .stream) { try await respond($0, resource: resource) }
        }
        for method in [HTTPMethod.PUT, .POST, .GET] { on(method, ["statements"], .statements) }
        for (path, resource) in [(["activities", "state"], Resource.state), (["activities", "profile"], .activityProfile), (["agents", "profile"], .agentProfile)] {
            for method in [HTTPMethod.PUT, .POST, .GET, .DELETE] { on(method, path.map { PathComponent(stringLiteral: $0) }, resource) }
        }
        on(.GET, ["activities"], .activities)
        on(.GET, ["agents"], .agents)
        on(.GET, ["about"], .about)
    }

    func respond(_ http: Request, resource: Resource) async throws -> Response {
        var version: XAPIVersion?
        let response: LRSResponse
        let consistentThrough = LRSClock.shared.consistentThrough()
        do {
            try await collectBody(http)
            var request = LRSRequest(http)
            if let alternate = try LRSRequest.alternate(request) {
                if let header = alternate.headers.first(name: "X-Experience-API-Version"), (try? XAPIVersion.parseHeader(header)) == .v2_0_0 {
                    version = .v2_0_0
                    throw XAPIError(code: "alternate-syntax.removed", message: "xAPI 2.0 has no Alternate Request Syntax.")
                }
                request = alternate
            }
            if resource == .about {
                version = try? XAPIVersion.parseHeader(request.headers.first(name: "X-Experience-API-Version"))
                response = try CatalogResources.about(request)
            } else {
                let parsed = try XAPIVersion.parseHeader(request.headers.first(name: "X-Experience-API-Version"))
                version = parsed
                let settings = http.application.settings
                guard
                    let client = try await LRSCredentials.authenticate(
                        request.headers.first(name: .authorization), database: http.db, baseURL: settings.baseURL)
                else {
                    return finish(LRSResponse.unauthorized(), http: http, version: version, resource: resource, consistentThrough: consistentThrough)
                }
                if let access = Self.access(resource, method: request.method) { try client.scopes.check(access) }
                response = try await dispatch(request, resource: resource, client: client, version: parsed, http: http)
            }
        } catch let error as XAPIError {
            response = .error(error)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Two requests raced to store the same statement id: the loser is told to look again.
            response = .error(XAPIError(code: "statement.conflict", status: 409, message: "A statement with this id was stored at the same moment; repeat the request."))
        } catch {
            http.logger.error("LRS request failed", metadata: ["error": .string(String(describing: error))])
            response = .error(XAPIError(code: "server.error", status: 500, message: "The LRS could not complete the request."))
        }
        return finish(response, http: http, version: version, resource: resource, consistentThrough: consistentThrough)
    }

    /// Reads the body into memory unless it is larger than `KAKEHASHI_LRS_MAX_BODY`: a declared
    /// Content-Length over the limit is refused before a byte is read; a chunked body as soon as
    /// it passes the limit. What the client still sends is read and dropped by the server.
    private func collectBody(_ http: Request) async throws(XAPIError) {
        let limit = http.application.settings.lrsMaxBody
        let tooLarge = XAPIError(
            code: "request.too-large", status: 413,
            message: "The request body is larger than this LRS accepts (\(limit) bytes); send fewer statements or smaller attachments per request.")
        if let declared = http.headers.first(name: .contentLength).flatMap(Int.init), declared > limit { throw tooLarge }
        do {
            // Vapor refuses a body that reaches its maximum, so the maximum is one byte more;
            // a body that came whole (HTTP/2, tests) is measured afterwards.
            let body = try await http.body.collect(max: limit + 1).get()
            if let body, body.readableBytes > limit { throw tooLarge }
        } catch let error as XAPIError {
            throw error
        } catch let abort as Abort where abort.status == .payloadTooLarge {
            throw tooLarge
        } catch {
            throw XAPIError(code: "request.body-unreadable", message: "The request body could not be read.")
        }
    }

    /// What the request does, for the credential's scopes. Any method but GET and HEAD counts as
    /// a write; one the resource does not take is then its 405.
    static func access(_ resource: Resource, method: HTTPMethod) -> XAPIAccess? {
        let reads = method == .GET || method == .HEAD
        switch resource {
        case .statements: return reads ? .readStatements : .writeStatements
        case .state: return reads ? .readState : .writeState
        case .activityProfile, .agentProfile: return reads ? .readProfiles : .writeProfiles
        case .activities, .agents: return .readActivitiesAndAgents
        case .about: return nil
        }
    }

    private func dispatch(_ request: LRSRequest, resource: Resource, client: LRSClient, version: XAPIVersion, http: Request) async throws -> LRSResponse {
        let database = http.db
        switch resource {
        case .statements:
            let settings = http.application.settings
            let path = (URLComponents(string: settings.baseURL)?.path ?? "") + "/xapi/statements"
            return try await StatementsResource(
                database: database, client: client, version: version, issuer: settings.baseURL, statementsPath: path, queue: http.application.statementIngestQueue)
                .handle(request)
        case .state: return try await DocumentsResource(kind: .state, database: database, client: client, version: version).handle(request)
        case .activityProfile: return try await DocumentsResource(kind: .activity, database: database, client: client, version: version).handle(request)
        case .agentProfile: return try await DocumentsResource(kind: .agent, database: database, client: client, version: version).handle(request)
        case .activities: return try await CatalogResources(database: database, client: client, version: version).activity(request)
        case .agents: return try await CatalogResources(database: database, client: client, version: version).agents(request)
        case .about: return try CatalogResources.about(request)
        }
    }

    private func finish(_ answer: LRSResponse, http: Request, version: XAPIVersion?, resource: Resource, consistentThrough: Date) -> Response {
        var headers = answer.headers
        headers.replaceOrAdd(name: "X-Experience-API-Version", value: (version ?? .v1_0_3).rawValue)
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        if resource == .statements, http.method == .GET || http.method == .HEAD || (http.url.query ?? "").contains("method=GET") {
            headers.replaceOrAdd(name: "X-Experience-API-Consistent-Through", value: Timestamp.format(consistentThrough))
        }
        return Response(status: answer.status, headers: headers, body: .init(data: Data(answer.body)))
    }
}
