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

    func launch(request: Request) async throws -> Response {
        let principal = try await request.principal()
        let linkID = request.parameters.get("link") ?? ""
        guard let link = try await request.ltiCatalog.link(linkID, database: request.db), link.status == "active",
            let tenant = principal.tenantID == link.tenantID
                ? Tenant(id: link.tenantID, code: principal.tenantCode, name: "") : try await request.ltiCatalog.tenant(link.tenantID, database: request.db)
        else { throw Abort(.notFound, reason: "見つかりません。/ Not found.") }
        // A link in a class, or a tool in its school's launcher (a link without a class, under
        // the school's deployment). Audited once, with the tool, as the id_token leaves.
        let resource: Policy.Resource
        if link.classSourcedID.isEmpty {
            guard let deployment = try await LTIDeployment.query(on: request.db).filter(\.$deploymentID == link.deploymentID).first(),
                let school = deployment.schoolSourcedID
            else { throw Abort(.notFound, reason: "見つかりません。/ Not found.") }
            resource = .school(tenantID: link.tenantID, sourcedId: school)
        } else {
            guard let klass = try await Policy.Resource.schoolClass(link.classSourcedID, tenant: tenant, database: request.db) else {
                throw Abort(.notFound, reason: "見つかりません。/ Not found.")
            }
            resource = klass
        }
        try await request.authorize(.launch, resource, what: "launch \(linkID)", auditAllowed: false)
        try principal.requireRosterPerson()
        guard let tool = try await request.ltiCatalog.tool(id: link.toolID, database: request.db), tool.status == LTITool.Status.active.rawValue else {
            throw Abort(.conflict, reason: "このツールはいま使えません。/ This tool is not available now.")
        }
        let url = try await Self.loginInitiation(
            request, principal: principal, tool: tool, tenantID: link.tenantID, deploymentID: link.deploymentID, messageType: .resourceLink,
            linkID: link.linkID, classSourcedID: link.classSourcedID, targetLinkURI: link.url ?? tool.targetLinkURI)
        return request.redirect(to: url, redirectType: .normal)
    }

    /// The URL of the tool's login initiation, with a message hint that carries the launch
    /// (sealed). Nothing is written yet: the second leg records the launch as it is used, and
    /// audits it as the id_token leaves with the person's data.
    static func loginInitiation(
        _ request: Request, principal: Principal, tool: LTITool, tenantID: UUID, deploymentID: String, messageType: LTIMessageType, linkID: String?,
        classSourcedID: String, targetLinkURI: String, distributionGrade: String? = nil
    ) async throws -> String {
        let context = LaunchContext(
            tenantID: tenantID, userSourcedID: principal.subject, toolID: try tool.requireID(), deploymentID: deploymentID, messageType: messageType.rawValue,
            linkID: linkID, classSourcedID: classSourcedID, distributionGrade: distributionGrade)
        let keys = try await request.platformKeys()
        let hint = try await keys.hintKeys.sign(
            MessageHint(launchID: UUID().uuidString.lowercased(), context: try context.sealed(with: keys.launchContextKey)), kid: "hint")
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
