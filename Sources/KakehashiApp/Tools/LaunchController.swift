import Fluent
import JWTKit
import LTI
import Vapor

/// The first leg of a launch: a signed-in person opens a tool placed in a class; the browser goes
/// to the tool's login initiation URL (third-party initiated login, LTI Core 1.3 §4.1) with a
/// single-use, signed `lti_message_hint`.
struct LaunchController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("launch", ":link", use: launch)
    }

    /// When this process last pruned old launches.
    static let pruning = LockedBox(Date.distantPast)

    func launch(request: Request) async throws -> Response {
        let principal = try await request.principal()
        let linkID = request.parameters.get("link") ?? ""
        guard let link = try await request.ltiCatalog.link(linkID, database: request.db),
            let tenant = principal.tenantID == link.tenantID
                ? Tenant(id: link.tenantID, code: principal.tenantCode, name: "") : try await request.ltiCatalog.tenant(link.tenantID, database: request.db),
            let klass = try await Policy.Resource.schoolClass(link.classSourcedID, tenant: tenant, database: request.db)
        else { throw Abort(.notFound, reason: "見つかりません。/ Not found.") }
        // Audited once, with the tool, by loginInitiation.
        try await request.authorize(.launch, klass, what: "launch \(linkID)", auditAllowed: false)
        try principal.requireRosterPerson()
        guard let tool = try await request.ltiCatalog.tool(id: link.toolID, database: request.db), tool.status == LTITool.Status.active.rawValue else {
            throw Abort(.conflict, reason: "このツールはいま使えません。/ This tool is not available now.")
        }
        let url = try await Self.loginInitiation(
            request, principal: principal, tool: tool, tenantID: link.tenantID, deploymentID: link.deploymentID, messageType: .resourceLink,
            linkID: link.linkID, classSourcedID: link.classSourcedID, targetLinkURI: link.url ?? tool.targetLinkURI)
        return request.redirect(to: url, redirectType: .normal)
    }

    /// Records the launch and builds the URL of the tool's login initiation.
    static func loginInitiation(
        _ request: Request, principal: Principal, tool: LTITool, tenantID: UUID, deploymentID: String, messageType: LTIMessageType, linkID: String?,
        classSourcedID: String, targetLinkURI: String, distributionGrade: String? = nil
    ) async throws -> String {
        let now = Date()
        let launch = LTILaunch()
        launch.hintID = UUID().uuidString.lowercased()
        launch.tenantID = tenantID
        launch.userSourcedID = principal.subject
        launch.toolID = try tool.requireID()
        launch.deploymentID = deploymentID
        launch.messageType = messageType.rawValue
        launch.linkID = linkID
        launch.classSourcedID = classSourcedID
        launch.distributionGrade = distributionGrade
        launch.createdAt = now
        launch.expiresAt = now.addingTimeInterval(MessageHint.lifetime)
        // Old launches are pruned at most once a minute per process, not on every launch.
        if Self.pruning.mutate({ last in
            guard now.timeIntervalSince(last) > 60 else { return false }
            last = now
            return true
        }) {
            try await LTILaunch.query(on: request.db).filter(\.$expiresAt < now.addingTimeInterval(-3600)).delete()
        }
        let keys = try await request.platformKeys()
        let hint = try await keys.hintKeys.sign(MessageHint(launchID: launch.hintID, now: now), kid: "hint")
        // The launch and its audit entry in one transaction (it writes first, so it takes SQLite's
        // write lock at once).
        let entry = AuditLog.Entry(
            actor: principal.actor, action: "lti.launch", subject: "tool:\(tool.clientID)",
            details: ["type": messageType.rawValue, "link": linkID ?? "", "class": classSourcedID], source: request.sourceAddress)
        let tenantCode = principal.tenantCode
        try await request.db.transaction { tx in
            try await launch.create(on: tx)
            try await AuditLog(database: tx).append(entry, tenant: tenantCode)
        }
        var components = URLComponents(string: tool.initiateLoginURI) ?? URLComponents()
        components.queryItems = (components.queryItems ?? []) + [
            .init(name: "iss", value: request.application.settings.baseURL),
            .init(name: "login_hint", value: ToolRegistry.pseudonymousSubject(tool: tool, tenantID: tenantID, sourcedID: principal.subject)),
            .init(name: "target_link_uri", value: targetLinkURI),
            .init(name: "lti_message_hint", value: hint),
            .init(name: "client_id", value: tool.clientID),
            .init(name: "lti_deployment_id", value: deploymentID),
        ]
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.string ?? tool.initiateLoginURI
    }
}
