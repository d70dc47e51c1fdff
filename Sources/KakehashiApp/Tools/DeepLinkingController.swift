import Fluent
import LTI
import Plot
import Vapor

/// Deep Linking 2.0: a teacher picks content in a tool (a MEXCBT test, a drill unit); the tool
/// returns resource links (with line items) that appear in the class.
struct DeepLinkingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("t", ":tenant", "classes", ":class", "tools", ":client", "deep-link", use: start)
        routes.post("lti", "deep-linking", "return", use: receive)
        routes.get("t", ":tenant", "admin", "tools", ":client", "distribute", use: distribute)
    }

    func start(request: Request) async throws -> Response {
        let principal = try await request.principal()
        let tenant = try await request.pathTenant()
        let (classID, resource) = try await request.pathClass(in: tenant)
        try await request.authorize(.placeTool, resource, what: "deep linking", auditAllowed: false)
        try principal.requireRosterPerson()
        let clientID = request.parameters.get("client") ?? ""
        guard let tool = try await LTITool.query(on: request.db).filter(\.$clientID == clientID).filter(\.$tenantID == (try tenant.requireID())).first(),
            tool.status == LTITool.Status.active.rawValue, let toolID = tool.id,
            let deployment = try await LTIDeployment.query(on: request.db).filter(\.$toolID == toolID).filter(\.$tenantID == (try tenant.requireID())).filter(\.$schoolSourcedID == nil).first()
        else { throw Abort(.notFound, reason: "この道具は使えません。/ No such active tool.") }
        guard tool.messageTypes.contains(LTIMessageType.deepLinking.rawValue) else {
            throw Abort(.badRequest, reason: "この道具は教材選び(Deep Linking)に対応していません。/ This tool does not offer Deep Linking.")
        }
        let url = try await LaunchController.loginInitiation(
            request, principal: principal, tool: tool, tenantID: try tenant.requireID(), deploymentID: deployment.deploymentID, messageType: .deepLinking,
            linkID: nil, classSourcedID: classID, targetLinkURI: tool.targetLinkURI)
        return request.redirect(to: url, redirectType: .normal)
    }

    /// District-wide distribution (一斉配信): a board administrator picks content once; it goes to
    /// every active class of one grade, in every school of the tenant.
    func distribute(request: Request) async throws -> Response {
        let principal = try await request.principal()
        let tenant = try await request.pathTenant()
        let tenantID = try tenant.requireID()
        try await request.authorize(.manageTools, .tenant(tenantID), what: "district-wide distribution")
        try principal.requireRosterPerson()
        let grade = (request.query[String.self, at: "grade"] ?? "").trimmingCharacters(in: .whitespaces)
        let classes = try await Self.classes(ofGrade: grade, tenantID: tenantID, database: request.db)
        guard let first = classes.first else { throw Abort(.badRequest, reason: "その学年のクラスがありません。/ No class of that grade.") }
        let clientID = request.parameters.get("client") ?? ""
        guard let tool = try await LTITool.query(on: request.db).filter(\.$clientID == clientID).filter(\.$tenantID == tenantID).first(),
            tool.status == LTITool.Status.active.rawValue, tool.messageTypes.contains(LTIMessageType.deepLinking.rawValue), let toolID = tool.id,
            let deployment = try await LTIDeployment.query(on: request.db).filter(\.$toolID == toolID).filter(\.$tenantID == tenantID).filter(\.$schoolSourcedID == nil).first()
        else { throw Abort(.badRequest, reason: "この道具は教材選び(Deep Linking)に対応していません。/ This tool does not offer Deep Linking.") }
        let url = try await LaunchController.loginInitiation(
            request, principal: principal, tool: tool, tenantID: tenantID, deploymentID: deployment.deploymentID, messageType: .deepLinking,
            linkID: nil, classSourcedID: first, targetLinkURI: tool.targetLinkURI, distributionGrade: grade)
        return request.redirect(to: url, redirectType: .normal)
    }

    /// The active classes whose grades include `grade` (a Japan Profile grade code such as P5).
    static func classes(ofGrade grade: String, tenantID: UUID, database: any Database) async throws -> [String] {
        guard !grade.isEmpty else { return [] }
        let rows = try await BulkSQL(database).run(
            "SELECT \"sourced_id\", \"grades\" FROM \"roster_classes\" WHERE \"tenant_id\" = ? AND \"status\" = 'active' ORDER BY \"sourced_id\"",
            [.uuid(tenantID)], columns: ["sourced_id", "grades"])
        return rows.filter { ($0[1] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains(grade) }.compactMap { $0[0] }
    }

    struct ReturnForm: Content {
        var JWT: String?
    }

    func receive(request: Request) async throws -> Response {
        let language = PageLanguage(request)
        let token = (try? request.content.decode(ReturnForm.self))?.JWT ?? ""
        do {
            let claimed = try ToolJWTVerifier.unverifiedClaims(of: token)
            guard let clientID = claimed.string("iss"), let tool = try await LTITool.query(on: request.db).filter(\.$clientID == clientID).first(),
                tool.status == LTITool.Status.active.rawValue, let jwksURL = URL(string: tool.jwksURI)
            else { throw LTIError.dlClaim("unknown-client", claim: "iss", ja: "登録されていない道具です。", en: "Unknown tool.") }
            let verified = try await LTIServices.verifier(request.application).verify(token, jwksURL: jwksURL)
            // `data` names the deep linking launch this answers; it is claimed once.
            let data = verified.claims.values[LTIClaimName.deepLinkingData]?.string ?? ""
            guard let launch = try await LTILaunch.query(on: request.db).filter(\.$hintID == data).filter(\.$toolID == (try tool.requireID()))
                .filter(\.$messageType == LTIMessageType.deepLinking.rawValue).first(), launch.usedAt != nil,
                launch.createdAt > Date().addingTimeInterval(-3600)
            else { throw LTIError.dlClaim("data-mismatch", claim: LTIClaimName.deepLinkingData, ja: "この応答に対応する依頼がありません。", en: "No deep linking request matches this response.") }
            let response = try DeepLinkingResponse(
                validating: verified.claims, clientID: clientID, platformIssuer: request.application.settings.baseURL, deploymentID: launch.deploymentID,
                acceptTypes: [ContentItem.Kind.ltiResourceLink.rawValue], acceptMultiple: true, sentData: launch.hintID)
            let deleted = try await BulkSQL(request.db).run(
                "DELETE FROM \"lti_launches\" WHERE \"id\" = ? RETURNING \"hint_id\"", [.uuid(try launch.requireID())], columns: ["hint_id"])
            guard !deleted.isEmpty else { throw LTIError.dlClaim("replayed", claim: "jti", ja: "この応答はもう受け取りました。", en: "This response was already received.") }
            guard let tenant = try await Tenant.find(launch.tenantID, on: request.db) else { throw Abort(.notFound) }
            let actor = "user:\(tenant.code)/\(launch.userSourcedID)"
            var classes = [launch.classSourcedID]
            if let grade = launch.distributionGrade {
                classes = try await Self.classes(ofGrade: grade, tenantID: launch.tenantID, database: request.db)
            }
            let targetClasses = classes
            let titles = try await request.db.writeTransaction { tx -> [String] in
                var titles: [String] = []
                for classSourcedID in targetClasses {
                for item in response.contentItems {
                    guard case .ltiResourceLink(let content) = item else { continue }
                    let link = LTIResourceLink()
                    link.linkID = UUID().uuidString.lowercased()
                    link.tenantID = launch.tenantID
                    link.classSourcedID = classSourcedID
                    link.toolID = launch.toolID
                    link.deploymentID = launch.deploymentID
                    link.title = content.title ?? tool.name
                    link.text = content.text ?? ""
                    link.url = content.url
                    link.custom = String(decoding: try JSONEncoder().encode(content.custom ?? [:]), as: UTF8.self)
                    link.createdBy = actor
                    link.createdAt = Date()
                    link.status = "active"
                    try await link.create(on: tx)
                    titles.append(link.title)
                    if let lineItem = content.lineItem {
                        // A line item coupled to the new link (Deep Linking 2.0 §3.4.4.1).
                        let column = LTILineItem()
                        column.tenantID = launch.tenantID
                        column.toolID = launch.toolID
                        column.deploymentID = launch.deploymentID
                        column.classSourcedID = classSourcedID
                        column.linkID = link.linkID
                        column.label = lineItem.label ?? link.title
                        column.scoreMaximum = lineItem.scoreMaximum
                        column.resourceID = lineItem.resourceId
                        column.tag = lineItem.tag
                        column.createdAt = Date()
                        try await column.create(on: tx)
                    }
                }
                }
                let subject = launch.distributionGrade.map { "grade:\(tenant.code)/\($0)" } ?? "class:\(tenant.code)/\(launch.classSourcedID)"
                try await AuditLog(database: tx).append(
                    .init(actor: actor, action: launch.distributionGrade == nil ? "tool.deep-link" : "tool.distribute", subject: subject,
                          details: ["tool": clientID, "items": String(titles.count), "classes": String(targetClasses.count), "titles": titles.joined(separator: " / "), "message": response.message ?? "", "error": response.errorMessage ?? ""],
                          source: request.sourceAddress), tenant: tenant.code)
                return titles
            }
            if let log = response.errorLog ?? response.log { request.logger.info("deep linking response log", metadata: ["tool": .string(clientID), "log": .string(log)]) }
            if titles.isEmpty, let message = response.errorMessage ?? response.message {
                return page(request, status: .ok, title: language.text("追加しませんでした", "Nothing was added"), message: message,
                            back: "/t/\(tenant.code)/classes/\(launch.classSourcedID)")
            }
            if launch.distributionGrade != nil {
                return page(request, status: .ok, title: language.text("配信しました", "Distributed"),
                            message: language.text("\(targetClasses.count) クラスに「\(Set(titles).sorted().joined(separator: "、"))」を配信しました。",
                                                   "Distributed \(Set(titles).sorted().joined(separator: ", ")) to \(targetClasses.count) classes."),
                            back: "/t/\(tenant.code)/admin/tools")
            }
            return request.redirect(to: "/t/\(tenant.code)/classes/\(launch.classSourcedID)", redirectType: .normal)
        } catch let error as LTIError {
            request.logger.notice("deep linking response refused", metadata: ["code": .string(error.code)])
            return page(request, status: HTTPResponseStatus(statusCode: error.status), title: language.text("受け取れませんでした", "Could not accept the content"),
                        message: language == .ja ? error.messageJa : error.messageEn, back: "/home")
        }
    }

    private func page(_ request: Request, status: HTTPResponseStatus, title: String, message: String, back: String) -> Response {
        let language = PageLanguage(request)
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(title)),
            .p(.class(status == .ok ? "lead" : "error"), .attribute(named: "role", value: status == .ok ? "status" : "alert"), .text(message)),
            .p(.a(.href(back), .text(language.text("もどる", "Back"))))
        )
        return Layout.privateResponse(Layout.page(title: title, language: language, path: request.url.path, body: body), status: status)
    }
}
