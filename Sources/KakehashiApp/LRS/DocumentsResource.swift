import Fluent
import Foundation
import SQLKit
import Vapor
import XAPI

/// The document resources (xAPI Communication §2.2–§2.3, §2.6–§2.7): State
/// (`activities/state`), Activity Profile (`activities/profile`) and Agent Profile
/// (`agents/profile`). PUT replaces, POST merges JSON objects, GET reads one document or lists
/// ids (`since`), DELETE removes; writes check If-Match / If-None-Match
/// (``DocumentPrecondition``) in the same transaction as the write. Each document keeps the
/// credential that wrote it first; a credential that reaches these resources only through the
/// `state` or `profile` scope sees, changes and deletes only its own
/// (``XAPIScopes/reachesOnlyOwnDocuments(_:)``).
struct DocumentsResource: Sendable {
    enum Kind: String, Sendable {
        case state, activity, agent

        var idParameter: String { self == .state ? "stateId" : "profileId" }
        var resource: LRSController.Resource {
            switch self {
            case .state: .state
            case .activity: .activityProfile
            case .agent: .agentProfile
            }
        }
        var precondition: DocumentPrecondition.Resource {
            switch self {
            case .state: .state
            case .activity: .activityProfile
            case .agent: .agentProfile
            }
        }
    }

    let kind: Kind
    let database: any Database
    let client: LRSClient
    let version: XAPIVersion

    /// Where a document or a set of them is, from the parameters.
    struct Scope: Sendable {
        var activityID = ""
        var agentKey = ""
        var registration = ""
        var documentID: String?
        var since: Int64?
        /// The credential whose documents alone the request reaches; nil for every document.
        var owner: String?
    }

    func handle(_ request: LRSRequest) async throws -> LRSResponse {
        let scope = try scope(request)
        switch request.method {
        case .GET: return try await get(scope)
        case .PUT, .POST: return try await write(request, scope: scope)
        case .DELETE: return try await delete(request, scope: scope)
        default: throw XAPIError(code: "method.not-allowed", status: 405, message: "Document resources take PUT, POST, GET, HEAD and DELETE.")
        }
    }

    private func scope(_ request: LRSRequest) throws(XAPIError) -> Scope {
        let parameters = request.parameters
        let writing = request.method == .PUT || request.method == .POST
        var allowed: Set<String> = [kind.idParameter]
        switch kind {
        case .state: allowed.formUnion(["activityId", "agent", "registration"])
        case .activity: allowed.insert("activityId")
        case .agent: allowed.insert("agent")
        }
        if !writing { allowed.insert("since") }
        try parameters.check(allowed: allowed)
        var scope = Scope()
        if kind != .agent {
            _ = try parameters.required("activityId")
            scope.activityID = try parameters.iri("activityId") ?? ""
        }
        if kind != .activity {
            _ = try parameters.required("agent")
            scope.agentKey = try parameters.agent("agent", version: version)?.rawValue ?? ""
        }
        if kind == .state { scope.registration = try parameters.uuid("registration").map(UUIDText.format) ?? "" }
        // The document id is required to write, and to delete a profile (State may delete all).
        if writing || (request.method == .DELETE && kind != .state) { _ = try parameters.required(kind.idParameter) }
        scope.documentID = parameters.first(kind.idParameter)
        scope.since = try parameters.timestamp("since", version: version).map(StatementStore.microseconds)
        if let access = LRSController.access(kind.resource, method: request.method), client.scopes.reachesOnlyOwnDocuments(access) {
            scope.owner = client.credential
        }
        return scope
    }

    // MARK: - Reading

    struct Document: Sendable {
        var content: [UInt8]
        var contentType: String
        var etag: String
        var updatedUS: Int64
        /// The credential that wrote it first (`''` for documents stored before migration 019).
        var credential: String
    }

    /// The documents of one scope (tenant, kind, activity, agent, registration).
    private func scopeConditions(_ scope: Scope) -> SQLQueryString {
        var query = SQLQueryString("\"tenant_id\" = \(bind: client.tenantID) AND \"kind\" = \(bind: kind.rawValue) AND \"activity_id\" = \(bind: scope.activityID)")
        query.appendLiteral(" AND \"agent_key\" = ")
        query.appendInterpolation(bind: scope.agentKey)
        query.appendLiteral(" AND \"registration\" = ")
        query.appendInterpolation(bind: scope.registration)
        if let owner = scope.owner {
            query.appendLiteral(" AND \"credential\" = ")
            query.appendInterpolation(bind: owner)
        }
        return query
    }

    private func keyConditions(_ scope: Scope, documentID: String) -> SQLQueryString {
        var query = scopeConditions(scope)
        query.appendLiteral(" AND \"document_id\" = ")
        query.appendInterpolation(bind: documentID)
        return query
    }

    static func document(_ conditions: SQLQueryString, on database: any Database) async throws -> Document? {
        var query = SQLQueryString("SELECT \"content\", \"content_type\", \"etag\", \"updated_us\", \"credential\" FROM \"lrs_documents\" WHERE ")
        query.appendInterpolation(conditions)
        guard let row = try await database.sql.raw(query).first() else { return nil }
        return Document(
            content: Array(try row.decode(column: "content", as: Data.self)), contentType: try row.decode(column: "content_type", as: String.self),
            etag: try row.decode(column: "etag", as: String.self), updatedUS: try row.decode(column: "updated_us", as: Int64.self),
            credential: try row.decode(column: "credential", as: String.self))
    }

    private func get(_ scope: Scope) async throws -> LRSResponse {
        if let documentID = scope.documentID {
            guard let document = try await Self.document(keyConditions(scope, documentID: documentID), on: database) else {
                throw XAPIError(code: "document.not-found", path: kind.idParameter, status: 404, message: "No such document.")
            }
            var response = LRSResponse(status: .ok, headers: ["Content-Type": document.contentType, "ETag": document.etag], body: document.content)
            let modified = Date(timeIntervalSince1970: Double(document.updatedUS) / 1_000_000)
            response.headers.replaceOrAdd(name: .lastModified, value: Self.httpDate(modified))
            return response
        }
        var query = SQLQueryString("SELECT \"document_id\" FROM \"lrs_documents\" WHERE ")
        query.appendInterpolation(scopeConditions(scope))
        if let since = scope.since {
            query.appendLiteral(" AND \"updated_us\" > ")
            query.appendInterpolation(bind: since)
        }
        query.appendLiteral(" ORDER BY \"document_id\"")
        let ids = try await database.sql.raw(query).all().map { try $0.decode(column: "document_id", as: String.self) }
        return .json(.array(ids.map { .string($0) }))
    }

    // MARK: - Writing

    private func write(_ request: LRSRequest, scope: Scope) async throws -> LRSResponse {
        let documentID = scope.documentID ?? ""
        let contentType = request.headers.first(name: .contentType) ?? "application/octet-stream"
        let isJSON = MediaType.essence(contentType) == "application/json"
        if request.method == .POST, isJSON, (try? JSONParser.parse(request.body)) == nil {
            throw XAPIError(code: "document.invalid-json", message: "The document is sent as application/json but is not valid JSON.")
        }
        let method: DocumentPrecondition.Method = request.method == .PUT ? .put : .post
        // Every writer's document at this key: one the credential may not reach still holds it.
        var anyWriter = scope
        anyWriter.owner = nil
        let conditions = keyConditions(anyWriter, documentID: documentID)
        let (ifMatch, ifNoneMatch) = (request.headers.first(name: .ifMatch), request.headers.first(name: .ifNoneMatch))
        let kind = kind
        let version = version
        let tenantID = client.tenantID
        let credential = client.credential
        let body = request.body
        try await database.writeTransaction { tx in
            let current = try await Self.document(conditions, on: tx)
            if let owner = scope.owner, let current, current.credential != owner {
                throw XAPIError(
                    code: "document.not-yours", path: kind.idParameter, status: 403,
                    message: "Another client wrote the document at this key; with the \(kind == .state ? "state" : "profile") scope alone a credential reaches only the documents it wrote.")
            }
            try Self.check(
                DocumentPrecondition.evaluate(
                    method: method, resource: kind.precondition, version: version, currentETag: current?.etag, ifMatch: ifMatch, ifNoneMatch: ifNoneMatch))
            var content = body
            var storedType = contentType
            if method == .post, let current {
                guard isJSON, MediaType.essence(current.contentType) == "application/json" else {
                    throw XAPIError(
                        code: "document.not-json-object",
                        message: "POST merges JSON objects: the stored and the posted document must both be application/json objects; use PUT to replace.")
                }
                content = try DocumentMerge.merge(existing: current.content, posted: body)
                storedType = "application/json"
            }
            let now = StatementStore.microseconds(Date())
            var ids = UUIDVersion7Generator()
            try await BulkSQL(tx).run(
                """
                INSERT INTO "lrs_documents" ("id", "tenant_id", "kind", "activity_id", "agent_key", "registration", "document_id", "content", "content_type", "etag", "updated_us", "credential")
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT ("tenant_id", "kind", "activity_id", "agent_key", "registration", "document_id")
                DO UPDATE SET "content" = excluded."content", "content_type" = excluded."content_type", "etag" = excluded."etag", "updated_us" = excluded."updated_us"
                """,
                [
                    .uuid(ids.next()), .uuid(tenantID), .text(kind.rawValue), .text(scope.activityID), .text(scope.agentKey), .text(scope.registration),
                    .text(documentID), .blob(content), .text(storedType), .text(ETag.compute(content)), .int(now), .text(credential),
                ])
        }
        return .noContent
    }

    /// An HTTP date (RFC 9110 §5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    static func check(_ outcome: DocumentPrecondition.Outcome) throws(XAPIError) {
        switch outcome {
        case .proceed: return
        case .preconditionFailed:
            throw XAPIError(code: "document.precondition-failed", status: 412, message: "The document's ETag does not satisfy If-Match / If-None-Match.")
        case .conflict:
            throw XAPIError(
                code: "document.conflict", status: 409,
                message: "The document exists: GET it and send its ETag in If-Match to replace it (or If-None-Match: * to create only).")
        }
    }

    private func delete(_ request: LRSRequest, scope: Scope) async throws -> LRSResponse {
        let (ifMatch, ifNoneMatch) = (request.headers.first(name: .ifMatch), request.headers.first(name: .ifNoneMatch))
        let kind = kind
        let version = version
        let tenantID = client.tenantID
        if let documentID = scope.documentID {
            let conditions = keyConditions(scope, documentID: documentID)
            try await database.writeTransaction { tx in
                let current = try await Self.document(conditions, on: tx)
                if ifMatch != nil || ifNoneMatch != nil {
                    try Self.check(
                        DocumentPrecondition.evaluate(
                            method: .delete, resource: kind.precondition, version: version, currentETag: current?.etag, ifMatch: ifMatch, ifNoneMatch: ifNoneMatch))
                }
                var query = SQLQueryString("DELETE FROM \"lrs_documents\" WHERE ")
                query.appendInterpolation(conditions)
                try await tx.sql.raw(query).run()
            }
            return .noContent
        }
        // State without stateId: every document of the activity, agent (and registration).
        try await database.gatedWrite {
            var binds: [BulkSQL.Value] = [.uuid(tenantID), .text(kind.rawValue), .text(scope.activityID), .text(scope.agentKey), .text(scope.registration)]
            var text = "DELETE FROM \"lrs_documents\" WHERE \"tenant_id\" = ? AND \"kind\" = ? AND \"activity_id\" = ? AND \"agent_key\" = ? AND \"registration\" = ?"
            if let since = scope.since {
                text += " AND \"updated_us\" > ?"
                binds.append(.int(since))
            }
            if let owner = scope.owner {
                text += " AND \"credential\" = ?"
                binds.append(.text(owner))
            }
            try await BulkSQL(database).run(text, binds)
        }
        return .noContent
    }
}
