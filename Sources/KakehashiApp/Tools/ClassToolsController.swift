import Fluent
import LTI
import Plot
import Vapor

/// Tools in classes: the list students and teachers launch from, and a teacher adding a tool to
/// their class.
struct ClassToolsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("t", ":tenant", "classes", ":class", "links", use: addLink)
    }

    struct LinkForm: Content {
        var clientID: String
        var title: String?
    }

    func addLink(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let (classID, resource) = try await request.pathClass(in: tenant)
        let principal = try await request.authorize(.placeTool, resource, what: "add a tool")
        try request.requireCSRF(principal.session)
        let form = try request.content.decode(LinkForm.self)
        do {
            _ = try await ToolRegistry(database: request.db).place(
                clientID: form.clientID, tenantCode: tenant.code, classSourcedID: classID, title: form.title ?? "", actor: principal.actor)
        } catch let error as RosterError {
            throw Abort(.badRequest, reason: error.message)
        }
        return request.redirect(to: "/t/\(tenant.code)/classes/\(classID)", redirectType: .normal)
    }

    /// The active links of some classes, with their tools' names, by title.
    static func links(tenantID: UUID, classes: [String], database: any Database) async throws -> [(link: LTIResourceLink, tool: String)] {
        guard !classes.isEmpty else { return [] }
        let links = try await LTIResourceLink.query(on: database).filter(\.$tenantID == tenantID).filter(\.$classSourcedID ~~ classes)
            .filter(\.$status == "active").sort(\.$title).all()
        let names = try await activeToolNames(of: links, database: database)
        return links.compactMap { link in names[link.toolID].map { (link, $0) } }
    }

    /// The names of the links' tools that are active (a link of any other tool is not shown).
    private static func activeToolNames(of links: [LTIResourceLink], database: any Database) async throws -> [UUID: String] {
        let tools = try await LTITool.query(on: database).filter(\.$id ~~ Set(links.map(\.toolID))).filter(\.$status == LTITool.Status.active.rawValue).all()
        return Dictionary(tools.compactMap { tool in tool.id.map { ($0, tool.name) } }, uniquingKeysWith: { a, _ in a })
    }

    /// The tools the board deployed to these schools (the school launcher): their links without a
    /// class, of active tools.
    static func schoolLinks(tenantID: UUID, schools: [String], database: any Database) async throws -> [(link: LTIResourceLink, tool: String)] {
        guard !schools.isEmpty else { return [] }
        let deployments = try await LTIDeployment.query(on: database).filter(\.$tenantID == tenantID).filter(\.$schoolSourcedID ~~ schools).all()
        guard !deployments.isEmpty else { return [] }
        let links = try await LTIResourceLink.query(on: database).filter(\.$tenantID == tenantID).filter(\.$deploymentID ~~ deployments.map(\.deploymentID))
            .filter(\.$classSourcedID == "").filter(\.$status == "active").sort(\.$title).all()
        let names = try await activeToolNames(of: links, database: database)
        // One button per tool, even for a person of several schools that all have it.
        var seen: Set<UUID> = []
        return links.compactMap { link in names[link.toolID].flatMap { seen.insert(link.toolID).inserted ? (link, $0) : nil } }
    }

    /// Launch buttons: each opens the tool in a new window.
    static func launchList(_ links: [(link: LTIResourceLink, tool: String)], language: PageLanguage) -> Node<HTML.BodyContext> {
        .ul(.class("cards tools"), .forEach(links) { entry in
            .li(.class("card"),
                .a(.class("button launch"), .href("/launch/\(entry.link.linkID)"), .target(.blank), .attribute(named: "rel", value: "noopener"),
                   .text(entry.link.title)),
                .if(entry.link.title != entry.tool, .span(.class("members"), .text(entry.tool))))
        })
    }

    /// What a teacher or administrator may do to a class's tools: add one, or open a tool's content
    /// picker (Deep Linking). The tenant's active tools are read once for both.
    static func placingControls(tenant: Tenant, classID: String, csrf: String, language: PageLanguage, database: any Database) async throws -> Node<HTML.BodyContext> {
        let tools = try await LTITool.query(on: database).filter(\.$tenantID == (try tenant.requireID())).filter(\.$status == LTITool.Status.active.rawValue)
            .sort(\.$name).all()
        guard !tools.isEmpty else {
            return .p(.class("quiet"), .text(language.text("この教育委員会に登録された道具はまだありません。", "No tools are registered for this board yet.")))
        }
        let pickers = tools.filter { $0.messageTypes.contains(LTIMessageType.deepLinking.rawValue) }
        return .group(addForm(tenant: tenant, classID: classID, csrf: csrf, tools: tools, language: language), .if(!pickers.isEmpty, .p(.forEach(pickers) { tool in
            .a(.class("button secondary"), .href("/t/\(tenant.code)/classes/\(classID)/tools/\(tool.clientID)/deep-link"),
               .text(language.text("\(tool.name)で教材を選ぶ", "Choose content in \(tool.name)")))
        })))
    }

    private static func addForm(tenant: Tenant, classID: String, csrf: String, tools: [LTITool], language: PageLanguage) -> Node<HTML.BodyContext> {
        return .form(
            .action("/t/\(tenant.code)/classes/\(classID)/links"), .method(.post), .class("search"),
            .input(.type(.hidden), .name("csrf"), .value(csrf)),
            .label(.attribute(named: "for", value: "clientID"), .text(language.text("道具", "Tool"))),
            .select(.id("clientID"), .attribute(named: "name", value: "clientID"), .forEach(tools) { .option(.value($0.clientID), .label($0.name)) }),
            .label(.attribute(named: "for", value: "title"), .text(language.text("表示名(空なら道具の名前)", "Title (blank: the tool's name)"))),
            .input(.id("title"), .name("title"), .type(.text)),
            .button(.type(.submit), .text(language.text("クラスに追加", "Add to class")))
        )
    }
}
