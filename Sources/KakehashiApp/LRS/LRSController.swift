import Fluent
import Foundation
import Vapor
import XAPI

/// The Learning Record Store under `/xapi/` (xAPI 1.0.3 and 2.0). Every call goes through
/// ``respond(_:resource:)``: the Alternate Request Syntax, the version header, the credentials
/// (which decide the tenant), the resource, and the version header on every answer.
struct LRSController: RouteCollection {
    enum Resource: Sendable {
        case statements, state, activityProfile, agentProfile, activities, agents, about
    }

    /// Statement batches with attachments can be large; documents less so.
    static let statementBodyLimit: ByteCount = "64mb"
    static let documentBodyLimit: ByteCount = "16mb"

    func boot(routes: any RoutesBuilder) throws {
        let xapi = routes.grouped("xapi")
        for method in [HTTPMethod.PUT, .POST] {
            xapi.on(method, "statements", body: .collect(maxSize: Self.statementBodyLimit)) { try await respond($0, resource: .statements) }
        }
        xapi.get("statements") { try await respond($0, resource: .statements) }
        for (path, resource) in [(["activities", "state"], Resource.state), (["activities", "profile"], .activityProfile), (["agents", "profile"], .agentProfile)] {
            for method in [HTTPMethod.PUT, .POST] {
                xapi.on(method, path.map { PathComponent(stringLiteral: $0) }, body: .collect(maxSize: Self.documentBodyLimit)) {
                    try await respond($0, resource: resource)
                }
            }
            xapi.get(path.map { PathComponent(stringLiteral: $0) }) { try await respond($0, resource: resource) }
            xapi.delete(path.map { PathComponent(stringLiteral: $0) }) { try await respond($0, resource: resource) }
        }
        xapi.get("activities") { try await respond($0, resource: .activities) }
        xapi.get("agents") { try await respond($0, resource: .agents) }
        xapi.get("about") { try await respond($0, resource: .about) }
    }

    func respond(_ http: Request, resource: Resource) async throws -> Response {
        var version: XAPIVersion?
        let response: LRSResponse
        let consistentThrough = LRSClock.shared.consistentThrough()
        do {
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
