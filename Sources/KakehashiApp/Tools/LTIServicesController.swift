import Fluent
import Foundation
import LTI
import SQLKit
import Vapor

/// The Advantage service endpoints: the token endpoint (client credentials with a
/// private_key_jwt assertion, RFC 7523), Assignment and Grade Services 2.0 and Names and Role
/// Provisioning Services 2.0. Every call checks the bearer token's scope and that the context
/// belongs to the token's tool (``LTIServices/context(_:anyOf:)``).
struct LTIServicesController: RouteCollection {
    static let pageLimit = 100

    func boot(routes: any RoutesBuilder) throws {
        routes.post("lti", "token", use: token)
        let context = routes.grouped("lti", "deployments", ":deployment", "contexts", ":class")
        context.get("lineitems", use: listLineItems)
        context.post("lineitems", use: createLineItem)
        context.get("lineitems", ":item", use: readLineItem)
        context.put("lineitems", ":item", use: updateLineItem)
        context.delete("lineitems", ":item", use: deleteLineItem)
        context.post("lineitems", ":item", "scores", use: postScore)
        context.get("lineitems", ":item", "results", use: results)
        context.get("memberships", use: memberships)
    }

    /// Runs a service call, answering LTIErrors as the services do.
    private func answer(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as LTIError {
            return LTIServices.errorResponse(error)
        }
    }

    // MARK: - Token endpoint

    func token(request: Request) async throws -> Response {
        try await answer {
            let form = (try? request.content.decode([String: String].self, as: .urlEncodedForm)) ?? [:]
            let tokenRequest = try TokenRequest(form: form)
            let clientID = try ClientAssertionValidator.claimedClientID(in: tokenRequest.clientAssertion)
            guard let tool = try await LTITool.query(on: request.db).filter(\.$clientID == clientID).first(), tool.status == LTITool.Status.active.rawValue,
                let jwksURL = URL(string: tool.jwksURI)
            else { throw LTIError.tokenInvalidClient("unknown or inactive client") }
            let database = request.db
            try await LTIUsedJTI.query(on: database).filter(\.$expiresAt < Date()).delete()
            let validator = ClientAssertionValidator(
                audiences: [request.application.settings.baseURL + "/lti/token"], verifier: LTIServices.verifier(request.application)
            ) { jti, expiry in
                // Seen before? Insert it; the unique key refuses a replay.
                let used = LTIUsedJTI()
                used.key = "\(clientID)/\(jti)"
                used.expiresAt = expiry.addingTimeInterval(120)
                do {
                    try await used.create(on: database)
                    return true
                } catch let error as any DatabaseError where error.isConstraintFailure {
                    return false
                }
            }
            _ = try await validator.validate(tokenRequest.clientAssertion, clientID: clientID, jwksURL: jwksURL)
            let scopes = try TokenRequest.grantedScopes(requested: tokenRequest.scopes, registered: tool.scopeList)
            let secret = Sessions.randomToken()
            let stored = LTIAccessToken()
            stored.tokenHash = Sessions.hash(secret)
            stored.toolID = try tool.requireID()
            stored.scopes = scopes.joined(separator: " ")
            stored.expiresAt = Date().addingTimeInterval(LTIServices.tokenLifetime)
            try await LTIAccessToken.query(on: database).filter(\.$expiresAt < Date()).delete()
            try await stored.create(on: database)
            return try LTIServices.json(TokenResponse(accessToken: secret, expiresIn: Int(LTIServices.tokenLifetime), scopes: scopes), mediaType: "application/json")
        }
    }

    // MARK: - Line items

    private func lineItemJSON(_ item: LTILineItem, context: LTIServices.Context) -> LineItem {
        LineItem(
            id: context.lineItemURL(item), scoreMaximum: item.scoreMaximum, label: item.label, resourceId: item.resourceID, tag: item.tag,
            resourceLinkId: item.linkID, startDateTime: item.startDateTime, endDateTime: item.endDateTime)
    }

    private func item(_ request: Request, context: LTIServices.Context) async throws -> LTILineItem {
        guard let id = request.parameters.get("item", as: UUID.self), let item = try await LTILineItem.find(id, on: request.db),
            item.toolID == context.tool.id, item.deploymentID == context.deployment.deploymentID, item.classSourcedID == context.classSourcedID
        else { throw LTIError.lineItemNotFound() }
        return item
    }

    func listLineItems(request: Request) async throws -> Response {
        try await answer {
            let context = try await LTIServices.context(request, anyOf: [AGSScope.lineItem, AGSScope.lineItemReadOnly])
            var query = LTILineItem.query(on: request.db).filter(\.$toolID == (try context.tool.requireID()))
                .filter(\.$deploymentID == context.deployment.deploymentID).filter(\.$classSourcedID == context.classSourcedID).sort(\.$createdAt)
            if let link = request.query[String.self, at: "resource_link_id"] { query = query.filter(\.$linkID == link) }
            if let resource = request.query[String.self, at: "resource_id"] { query = query.filter(\.$resourceID == resource) }
            if let tag = request.query[String.self, at: "tag"] { query = query.filter(\.$tag == tag) }
            let limit = min(max(request.query[Int.self, at: "limit"] ?? Self.pageLimit, 1), 1000)
            let page = max(request.query[Int.self, at: "page"] ?? 1, 1)
            let items = try await query.range(((page - 1) * limit)..<(page * limit + 1)).all()
            let response = try LTIServices.json(items.prefix(limit).map { lineItemJSON($0, context: context) }, mediaType: AGSMediaType.lineItemContainer)
            if items.count > limit { response.headers.replaceOrAdd(name: LinkHeader.name, value: LinkHeader(next: nextURL(request, page: page + 1)).value) }
            return response
        }
    }

    /// The same URL with `page` set (lowercase names and numbers only, so a lowercased URL works).
    private func nextURL(_ request: Request, page: Int) -> String {
        var components = URLComponents(string: request.application.settings.baseURL + request.url.path) ?? URLComponents()
        var items = (URLComponents(string: request.url.string)?.queryItems ?? []).filter { $0.name != "page" }
        items.append(.init(name: "page", value: String(page)))
        components.queryItems = items
        return components.string ?? ""
    }

    private func checkMediaType(_ request: Request, _ expected: String) throws {
        let received = request.headers.first(name: .contentType)
        guard let received, AGSMediaType.matches(received, expected) || received.lowercased().hasPrefix("application/json") else {
            throw LTIError.unsupportedMediaType(received, expected: expected)
        }
    }

    func createLineItem(request: Request) async throws -> Response {
        try await answer {
            let context = try await LTIServices.context(request, anyOf: [AGSScope.lineItem])
            try checkMediaType(request, AGSMediaType.lineItem)
            let body = Data(buffer: request.body.data ?? ByteBuffer())
            let payload = try LineItem.decodeForWrite(body)
            if let link = payload.resourceLinkId {
                guard try await LTIResourceLink.query(on: request.db).filter(\.$linkID == link).filter(\.$toolID == (try context.tool.requireID()))
                    .filter(\.$classSourcedID == context.classSourcedID).first() != nil
                else { throw LTIError.lineItemForeignResourceLink(link) }
            }
            let item = LTILineItem()
            item.tenantID = context.tenantID
            item.toolID = try context.tool.requireID()
            item.deploymentID = context.deployment.deploymentID
            item.classSourcedID = context.classSourcedID
            apply(payload, to: item)
            item.createdAt = Date()
            try await item.create(on: request.db)
            return try LTIServices.json(lineItemJSON(item, context: context), status: .created, mediaType: AGSMediaType.lineItem)
        }
    }

    private func apply(_ payload: LineItem, to item: LTILineItem) {
        item.label = payload.label ?? item.label
        item.scoreMaximum = payload.scoreMaximum ?? item.scoreMaximum
        item.linkID = payload.resourceLinkId ?? item.linkID
        item.resourceID = payload.resourceId ?? item.resourceID
        item.tag = payload.tag ?? item.tag
        item.startDateTime = payload.startDateTime ?? item.startDateTime
        item.endDateTime = payload.endDateTime ?? item.endDateTime
    }

    func readLineItem(request: Request) async throws -> Response {
        try await answer {
            let context = try await LTIServices.context(request, anyOf: [AGSScope.lineItem, AGSScope.lineItemReadOnly])
            return try LTIServices.json(lineItemJSON(try await item(request, context: context), context: context), mediaType: AGSMediaType.lineItem)
        }
    }

    func updateLineItem(request: Request) async throws -> Response {
        try await answer {
            let context = try await LTIServices.context(request, anyOf: [AGSScope.lineItem])
            try checkMediaType(request, AGSMediaType.lineItem)
            let item = try await item(request, context: context)
            let payload = try LineItem.decodeForWrite(Data(buffer: request.body.data ?? ByteBuffer()))
            if let link = payload.resourceLinkId, link != item.linkID { throw LTIError.lineItemForeignResourceLink(link) }
            apply(payload, to: item)
            try await item.update(on: request.db)
            return try LTIServices.json(lineItemJSON(item, context: context), mediaType: AGSMediaType.lineItem)
        }
    }

    func deleteLineItem(request: Request) async throws -> Response {
        try await answer {
            let context = try await LTIServices.context(request, anyOf: [AGSScope.lineItem])
            let item = try await item(request, context: context)
            let id = try item.requireID()
            try await request.db.writeTransaction { tx in
                try await LTIScore.query(on: tx).filter(\.$lineItemID == id).delete()
                try await item.delete(on: tx)
            }
            return Response(status: .noContent)
        }
    }

    // MARK: - Scores and results

    func postScore(request: Request) async throws -> Response {
        try await answer {
            let context = try await LTIServices.context(request, anyOf: [AGSScope.score])
            try checkMediaType(request, AGSMediaType.score)
            let item = try await item(request, context: context)
            let score = try Score.decode(Data(buffer: request.body.data ?? ByteBuffer()))
            guard let member = try await LTIServices.members(context, database: request.db).first(where: { $0.toolUserID == score.userId }) else {
                throw LTIError.scoreUserNotInContext(score.userId)
            }
            let itemID = try item.requireID()
            // One record of learning: the score is also an xAPI statement, in the same transaction.
            let issuer = request.application.settings.baseURL
            let source = AGSStatement.Source(
                issuer: issuer, toolUserID: member.toolUserID, lineItemURL: context.lineItemURL(item), label: item.label, classURL: context.contextURL,
                linkURL: item.linkID.map { issuer + "/launch/" + $0 }, score: score, scoreMaximum: item.scoreMaximum)
            let client = LRSClient(
                tenantID: context.tenantID, credential: "tool:\(context.tool.clientID)", toolID: context.tool.id,
                authority: LRSCredentials.authority(name: context.tool.name, account: "lti-tool:\(context.tool.clientID)", baseURL: issuer))
            try await LRSClock.shared.write { stored in
                let statement = try AGSStatement.statement(source, stored: stored, authority: client.authority)
                try await request.db.writeTransaction { tx in
                    let stored = try await LTIScore.query(on: tx).filter(\.$lineItemID == itemID).filter(\.$userSourcedID == member.sourcedID).first()
                    try score.checkNotOlder(than: stored?.timestamp)
                    let row = stored ?? LTIScore()
                    row.lineItemID = itemID
                    row.userSourcedID = member.sourcedID
                    // Only a graded score changes the grade; progress is always kept.
                    if score.changesGrade || stored == nil {
                        row.scoreGiven = score.changesGrade ? score.scoreGiven : nil
                        row.scoreMaximum = score.changesGrade ? (score.scoreMaximum ?? item.scoreMaximum) : nil
                    }
                    row.comment = score.comment ?? row.comment
                    row.activityProgress = score.activityProgress.rawValue
                    row.gradingProgress = score.gradingProgress.rawValue
                    row.timestamp = score.timestamp
                    row.updatedAt = Date()
                    try await row.save(on: tx)
                    try await StatementStore(database: tx, tenantID: context.tenantID).store([statement], payloads: [:], client: client, people: [member.sourcedID])
                }
            }
            return Response(status: .noContent)
        }
    }

    func results(request: Request) async throws -> Response {
        try await answer {
            let context = try await LTIServices.context(request, anyOf: [AGSScope.resultReadOnly])
            let item = try await item(request, context: context)
            let members = Dictionary(try await LTIServices.members(context, database: request.db).map { ($0.sourcedID, $0.toolUserID) }, uniquingKeysWith: { a, _ in a })
            var query = LTIScore.query(on: request.db).filter(\.$lineItemID == (try item.requireID())).sort(\.$userSourcedID)
            if let user = request.query[String.self, at: "user_id"] {
                guard let sourced = members.first(where: { $0.value == user })?.key else {
                    return try LTIServices.json(AGSResultContainer([]), mediaType: AGSMediaType.resultContainer)
                }
                query = query.filter(\.$userSourcedID == sourced)
            }
            let limit = min(max(request.query[Int.self, at: "limit"] ?? Self.pageLimit, 1), 1000)
            let page = max(request.query[Int.self, at: "page"] ?? 1, 1)
            let scores = try await query.range(((page - 1) * limit)..<(page * limit + 1)).all()
            let itemURL = context.lineItemURL(item)
            let results = scores.prefix(limit).compactMap { score -> AGSResult? in
                guard let user = members[score.userSourcedID] else { return nil }
                return AGSResult(id: itemURL + "/results/" + (score.id?.uuidString.lowercased() ?? ""), scoreOf: itemURL, userId: user,
                                 resultScore: score.scoreGiven, resultMaximum: score.scoreMaximum ?? item.scoreMaximum, comment: score.comment)
            }
            let response = try LTIServices.json(AGSResultContainer(results), mediaType: AGSMediaType.resultContainer)
            if scores.count > limit { response.headers.replaceOrAdd(name: LinkHeader.name, value: LinkHeader(next: nextURL(request, page: page + 1)).value) }
            return response
        }
    }

    // MARK: - Names and roles

    func memberships(request: Request) async throws -> Response {
        try await answer {
            let context = try await LTIServices.context(request, anyOf: [NRPSScope.contextMembershipReadOnly])
            if let link = request.query[String.self, at: "rlid"] {
                guard try await LTIResourceLink.query(on: request.db).filter(\.$linkID == link).filter(\.$toolID == (try context.tool.requireID()))
                    .filter(\.$classSourcedID == context.classSourcedID).first() != nil
                else { throw LTIError.nrpsForeignResourceLink(link) }
            }
            let privacy = context.tool.privacySettings
            var allowed: Set<Member.PersonalField> = []
            if privacy.name { allowed.formUnion([.name, .givenName, .familyName]) }
            if privacy.email { allowed.insert(.email) }
            if privacy.sourcedId { allowed.insert(.lisPersonSourcedId) }
            var members = try await LTIServices.members(context, database: request.db).map { member in
                Member(
                    userId: member.toolUserID, roles: LTIRole.roles(oneRosterRole: member.oneRosterRole, enrollmentRole: member.enrollmentRole), status: .active,
                    name: "\(member.familyName) \(member.givenName)", givenName: member.givenName, familyName: member.familyName,
                    email: member.email.isEmpty ? nil : member.email, lisPersonSourcedId: member.sourcedID
                ).limited(to: allowed)
            }
            if let role = request.query[String.self, at: "role"] {
                members = members.filter { member in member.roles.contains { $0 == role || $0.hasSuffix("#" + role) } }
            }
            let limit = min(max(request.query[Int.self, at: "limit"] ?? Self.pageLimit, 1), 1000)
            let page = max(request.query[Int.self, at: "page"] ?? 1, 1)
            let slice = Array(members.dropFirst((page - 1) * limit).prefix(limit))
            let title = try await BulkSQL(request.db).run(
                "SELECT \"title\", \"class_code\" FROM \"roster_classes\" WHERE \"tenant_id\" = ? AND \"sourced_id\" = ?",
                [.uuid(context.tenantID), .text(context.classSourcedID)], columns: ["title", "class_code"]).first
            let container = MembershipContainer(
                id: request.application.settings.baseURL + request.url.string,
                context: .init(id: context.classSourcedID, label: (title?[1] ?? nil).flatMap { $0.isEmpty ? nil : $0 }, title: title?[0] ?? nil), members: slice)
            let response = try LTIServices.json(container, mediaType: NRPSMediaType.membershipContainer)
            // Paging only through the Link header, always present when there is more.
            if members.count > page * limit { response.headers.replaceOrAdd(name: LinkHeader.name, value: LinkHeader(next: nextURL(request, page: page + 1)).value) }
            return response
        }
    }
}
