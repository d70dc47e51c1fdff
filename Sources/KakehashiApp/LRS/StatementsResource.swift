import Fluent
import Foundation
import Vapor
import XAPI

/// The Statement resource (xAPI Communication §2.1): PUT, POST, GET (HEAD).
struct StatementsResource: Sendable {
    let database: any Database
    let client: LRSClient
    let version: XAPIVersion
    let issuer: String
    /// Where `more` links point (the path of `/xapi/statements` on this server).
    let statementsPath: String
    /// Writes go through the group-commit queue (``StatementIngestQueue``).
    let queue: StatementIngestQueue

    func handle(_ request: LRSRequest) async throws -> LRSResponse {
        switch request.method {
        case .PUT: return try await put(request)
        case .POST: return try await post(request)
        case .GET: return try await get(request)
        default: throw XAPIError(code: "method.not-allowed", status: 405, message: "The statements resource takes PUT, POST, GET and HEAD.")
        }
    }

    // MARK: - PUT and POST

    private func read(_ request: LRSRequest) throws(XAPIError) -> StatementRequest {
        guard let type = request.headers.first(name: .contentType) else {
            throw XAPIError(code: "request.content-type", message: "Statements must be sent with Content-Type application/json or multipart/mixed.")
        }
        return try StatementRequest.read(body: request.body, contentType: type)
    }

    private func put(_ request: LRSRequest) async throws -> LRSResponse {
        try request.parameters.check(allowed: ["statementId"])
        guard let id = try request.parameters.uuid("statementId") else {
            throw XAPIError(code: "parameter.missing", path: "statementId", message: "PUT /statements needs the statementId parameter.")
        }
        let body = try read(request)
        _ = try await ingest(body) { validator, assignment throws(XAPIError) in
            [try validator.validateStatement(body.statementJSON, statementID: id, assignment: assignment)]
        }
        return .noContent
    }

    private func post(_ request: LRSRequest) async throws -> LRSResponse {
        try request.parameters.check(allowed: [])
        let body = try read(request)
        let ids = try await ingest(body) { validator, assignment throws(XAPIError) in
            try validator.validateBatch(body.statementJSON, assignment: assignment)
        }
        return .json(.array(ids.map { .string(UUIDText.format($0)) }))
    }

    /// Validates, checks attachments and signatures, resolves actors, and stores in one
    /// transaction.
    private func ingest(
        _ body: StatementRequest, validate: @Sendable (StatementValidator, LRSAssignment) throws(XAPIError) -> [ValidatedStatement]
    ) async throws -> [UUID] {
        let validator = StatementValidator(version: version)
        let client = client
        let database = database
        return try await LRSClock.shared.write { stored in
            let statements = try validate(validator, LRSAssignment(stored: stored, authority: client.authority))
            let payloads = try body.matchAttachments(of: statements)
            try SignedStatement.verifyAll(statements, payloads: payloads, version: version)
            try StatementSignatures.verifyCertificates(statements, payloads: payloads)
            let people = try await ActorResolver(database: database, tenantID: client.tenantID, issuer: issuer).people(of: statements, toolID: client.toolID)
            // Parsed again only if a stored statement shares an id (a retried batch), and then once.
            let json = body.statementJSON
            let parsed = LockedBox<[JSON]?>(nil)
            let received: @Sendable (Int) -> JSON? = { index in
                let elements = parsed.mutate { cached -> [JSON] in
                    if let cached { return cached }
                    let fresh: [JSON]
                    switch try? JSONParser.parse(json) {
                    case .array(let elements)?: fresh = elements
                    case let single?: fresh = [single]
                    case nil: fresh = []
                    }
                    cached = fresh
                    return fresh
                }
                return elements.indices.contains(index) ? elements[index] : nil
            }
            let job = StatementStore.Job(
                statements: statements, payloads: payloads, client: client, people: people, received: received, forSQLiteWriter: queue.hasSQLiteWriter,
                catalogCache: queue.catalogCache)
            return try await queue.submit(job, tenantID: client.tenantID, database: database)
        }
    }

    // MARK: - GET

    private func get(_ request: LRSRequest) async throws -> LRSResponse {
        let parameters = request.parameters
        let store = StatementStore(database: database, tenantID: client.tenantID)
        let acceptLanguage = AcceptLanguage(request.headers.first(name: .acceptLanguage))
        // statements/read/mine: the credential sees only the statements it wrote, as if the
        // tenant had no others. Decided here, never by what a `more` token says.
        let onlyCredential = client.scopes.readsOnlyOwnStatements ? client.credential : nil
        if parameters.first("statementId") != nil || parameters.first("voidedStatementId") != nil {
            try parameters.check(allowed: ["statementId", "voidedStatementId", "format", "attachments"])
            if parameters.first("statementId") != nil, parameters.first("voidedStatementId") != nil {
                throw XAPIError(code: "parameter.conflict", path: "voidedStatementId", message: "Give statementId or voidedStatementId, not both.")
            }
            let voided = parameters.first("voidedStatementId") != nil
            let id = try parameters.uuid(voided ? "voidedStatementId" : "statementId")!
            let format = try StatementFormat.parse(parameters.first("format"))
            let attachments = try parameters.bool("attachments") ?? false
            guard let text = try await store.statement(id: id, voided: voided, credential: onlyCredential) else {
                throw XAPIError(code: "statement.not-found", path: voided ? "voidedStatementId" : "statementId", status: 404, message: "No such statement.")
            }
            let body = try await formatted([text], format: format, acceptLanguage: acceptLanguage)[0]
            return try await answer(body, statements: [text], attachments: attachments, store: store)
        }
        var query: StatementQuery
        if let more = parameters.first("more") {
            try parameters.check(allowed: ["more"])
            query = try StatementQuery.more(more)
        } else {
            try parameters.check(allowed: StatementQuery.filterNames.union(["format", "attachments"]))
            query = try StatementQuery(parameters: parameters, version: version)
        }
        let size = query.pageSize
        var rows = try await store.query(query, limit: size + 1, credential: onlyCredential)
        var more = ""
        if rows.count > size {
            rows.removeLast(rows.count - size)
            more = statementsPath + "?more=" + query.moreToken(after: rows[rows.count - 1])
        }
        var body: [UInt8] = Array("{\"statements\":[".utf8)
        for (index, statement) in try await formatted(rows.map(\.json), format: query.statementFormat, acceptLanguage: acceptLanguage).enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += statement
        }
        body += Array("],\"more\":".utf8)
        body += JSON.string(more).encoded()
        body.append(UInt8(ascii: "}"))
        return try await answer(body, statements: rows.map(\.json), attachments: query.attachments, store: store)
    }

    /// The statements in `format`. `canonical` shows the LRS's canonical definition of each
    /// Activity (the definitions of every statement combined, as GET /activities returns it),
    /// reduced to one language by Accept-Language (Communication §2.1.3.s4).
    private func formatted(_ texts: [String], format: StatementFormat, acceptLanguage: AcceptLanguage) async throws -> [[UInt8]] {
        guard format != .exact else { return texts.map { Array($0.utf8) } }
        let parsed = texts.map { try? JSONParser.parse(Array($0.utf8)) }
        var definitions: [String: JSON] = [:]
        if format == .canonical {
            let ids = Set(parsed.compactMap { $0 }.flatMap(StatementFormat.activityIDs))
            definitions = try await ActivityCatalog(database: database, tenantID: client.tenantID).definitions(of: ids.sorted())
        }
        return zip(texts, parsed).map { text, json in
            guard let json else { return Array(text.utf8) }
            return format.apply(to: json, acceptLanguage: acceptLanguage, canonicalDefinition: { definitions[$0] }).encoded()
        }
    }

    /// JSON, or with `attachments=true` multipart/mixed with the attachment data of the
    /// statements (Communication §2.1.3.s2).
    private func answer(_ body: [UInt8], statements: [String], attachments: Bool, store: StatementStore) async throws -> LRSResponse {
        guard attachments else { return .json(body) }
        var hashes: [String] = []
        for text in statements {
            guard let json = try? JSONParser.parse(Array(text.utf8)) else { continue }
            for attachment in json["attachments"]?.array ?? [] {
                if let sha2 = attachment["sha2"]?.string, !hashes.contains(sha2.lowercased()) { hashes.append(sha2.lowercased()) }
            }
        }
        let payloads = try await store.attachments(hashes)
        let boundary = "kakehashi-" + UUID().uuidString.lowercased()
        return LRSResponse(
            status: .ok, headers: ["Content-Type": "multipart/mixed; boundary=\(boundary)"],
            body: StatementRequest.writeResponse(statementJSON: body, payloads: payloads, boundary: boundary))
    }
}
