import Fluent
import Foundation
import LTI
import Vapor

/// Shared pieces of the Advantage services: the tool JWKS cache, bearer tokens, the service
/// context (deployment + class) a call is about, and who a tool's `userId` is.
enum LTIServices {
    static let tokenLifetime: TimeInterval = 3600

    /// One JWKS cache per process: tools' keys, re-fetched once on an unknown `kid`.
    static func verifier(_ app: Application) -> ToolJWTVerifier {
        ToolJWTVerifier(cache: app.storage[JWKSCacheKey.self] ?? JWKSCache { _ in throw Abort(.serviceUnavailable) })
    }

    static func makeCache(_ app: Application) -> JWKSCache {
        let client = app.client
        // A tool that rotates its key is heard within 10 seconds; a flood of unknown kids costs at
        // most one fetch per 10 seconds per tool.
        return JWKSCache(minimumRefetchInterval: 10) { url in
            guard OIDCClient.isAllowedURL(url.absoluteString) else { throw Abort(.badRequest, reason: "JWKS URL must be https") }
            let response = try await client.get(URI(string: url.absoluteString))
            guard response.status == .ok, let body = response.body else { throw Abort(.badGateway, reason: "JWKS answered \(response.status.code)") }
            return Data(buffer: body)
        }
    }

    /// The service context of a call: the deployment (hence tool and tenant) and the class.
    struct Context {
        var tool: LTITool
        var deployment: LTIDeployment
        var classSourcedID: String
        var scopes: Set<String>
        var baseURL: String

        var tenantID: UUID { deployment.tenantID }
        var contextURL: String { "\(baseURL)/lti/deployments/\(deployment.deploymentID)/contexts/\(classSourcedID)" }
        var lineItemsURL: String { contextURL + "/lineitems" }
        func lineItemURL(_ item: LTILineItem) -> String { lineItemsURL + "/" + (item.id?.uuidString.lowercased() ?? "") }
    }

    /// Checks the bearer token, one of `scopes`, and that the deployment and class in the path
    /// belong to the token's tool and the deployment's tenant.
    static func context(_ request: Request, anyOf scopes: Set<String>) async throws -> Context {
        guard let bearer = request.headers.bearerAuthorization?.token,
            let token = try await LTIAccessToken.query(on: request.db).filter(\.$tokenHash == Sessions.hash(bearer)).first(), token.expiresAt > Date()
        else {
            throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""], reason: "a valid bearer token is required")
        }
        let granted = Set(token.scopes.split(separator: " ").map(String.init))
        guard !granted.isDisjoint(with: scopes) else {
            throw Abort(.forbidden, headers: ["WWW-Authenticate": "Bearer error=\"insufficient_scope\""], reason: "the token lacks the scope for this call")
        }
        guard let tool = try await LTITool.find(token.toolID, on: request.db), tool.status == LTITool.Status.active.rawValue else {
            throw Abort(.unauthorized, reason: "the tool is not active")
        }
        let deploymentID = request.parameters.get("deployment") ?? ""
        let classID = request.parameters.get("class") ?? ""
        guard let deployment = try await LTIDeployment.query(on: request.db).filter(\.$deploymentID == deploymentID).first(), deployment.toolID == tool.id else {
            throw Abort(.notFound, reason: "no such deployment for this tool")
        }
        let rows = try await BulkSQL(request.db).run(
            "SELECT \"school_sourced_id\" FROM \"roster_classes\" WHERE \"tenant_id\" = ? AND \"sourced_id\" = ? AND \"status\" = 'active'",
            [.uuid(deployment.tenantID), .text(classID)], columns: ["school_sourced_id"])
        guard let school = rows.first?[0] ?? nil, deployment.schoolSourcedID == nil || deployment.schoolSourcedID == school else {
            throw Abort(.notFound, reason: "no such context for this deployment")
        }
        // Least data: a tool reaches only the classes it was placed in, not every class of its tenant.
        guard try await LTIResourceLink.query(on: request.db).filter(\.$toolID == (try tool.requireID())).filter(\.$tenantID == deployment.tenantID)
            .filter(\.$classSourcedID == classID).filter(\.$status == "active").first() != nil
        else { throw Abort(.notFound, reason: "the tool is not placed in this class") }
        return Context(tool: tool, deployment: deployment, classSourcedID: classID, scopes: granted, baseURL: request.application.settings.baseURL)
    }

    /// A class member as the tool knows them.
    struct Member {
        var sourcedID: String
        var toolUserID: String
        var enrollmentRole: String
        var oneRosterRole: String
        var familyName: String
        var givenName: String
        var email: String
    }

    /// The active members of the context's class, with the identifiers the tool sees.
    static func members(_ context: Context, database: any Database) async throws -> [Member] {
        let rows = try await BulkSQL(database).run(
            """
            SELECT u."sourced_id", e."role", u."family_name", u."given_name", u."email",
                   (SELECT r."role" FROM "roster_roles" r WHERE r."tenant_id" = u."tenant_id" AND r."user_sourced_id" = u."sourced_id" AND r."role_type" = 'primary' AND r."status" = 'active' LIMIT 1) AS primary_role
              FROM "roster_enrollments" e JOIN "roster_users" u ON u."tenant_id" = e."tenant_id" AND u."sourced_id" = e."user_sourced_id"
              WHERE e."tenant_id" = ? AND e."class_sourced_id" = ? AND e."status" = 'active' AND u."status" = 'active'
              ORDER BY u."sourced_id"
            """, [.uuid(context.tenantID), .text(context.classSourcedID)], columns: ["sourced_id", "role", "family_name", "given_name", "email", "primary_role"])
        let roster = context.tool.privacySettings.sub == .roster
        return rows.map { row in
            let id = row[0] ?? ""
            return Member(
                sourcedID: id, toolUserID: roster ? id : ToolRegistry.pseudonymousSubject(tool: context.tool, tenantID: context.tenantID, sourcedID: id),
                enrollmentRole: row[1] ?? "", oneRosterRole: (row[5] ?? nil) ?? row[1] ?? "", familyName: row[2] ?? "", givenName: row[3] ?? "", email: row[4] ?? "")
        }
    }

    /// A JSON answer with a media type.
    static func json(_ value: some Encodable, status: HTTPResponseStatus = .ok, mediaType: String) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let response = Response(status: status, body: .init(data: try encoder.encode(value)))
        response.headers.replaceOrAdd(name: .contentType, value: mediaType)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// An LTIError as the services answer it.
    static func errorResponse(_ error: LTIError) -> Response {
        var body: [String: String] = ["error": error.oauthError ?? error.code, "error_description": error.messageEn]
        if let path = error.path { body["path"] = path }
        let response = Response(status: HTTPResponseStatus(statusCode: error.status))
        try? response.content.encode(body, as: .json)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

struct JWKSCacheKey: StorageKey {
    typealias Value = JWKSCache
}
