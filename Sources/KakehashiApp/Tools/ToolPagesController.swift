import Fluent
import LTI
import Plot
import Vapor

/// Pages about tools: what a tool receives, in plain words, for everyone of the tenant (teachers,
/// students, guardians); and the board's tool administration (register, approve, choose what
/// each tool receives).
struct ToolPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tenant = routes.grouped("t", ":tenant")
        tenant.get("tools", ":client", use: privacyPage)
        tenant.get("admin", "tools", use: adminList)
        tenant.post("admin", "tools", use: register)
        tenant.post("admin", "tools", ":client", use: update)
        tenant.post("admin", "tools", ":client", "schools", use: deploy)
    }

    private func tool(_ request: Request, tenant: Tenant) async throws -> LTITool {
        let clientID = request.parameters.get("client") ?? ""
        guard let tool = try await LTITool.query(on: request.db).filter(\.$clientID == clientID).filter(\.$tenantID == (try tenant.requireID())).first() else {
            throw Abort(.notFound, reason: "見つかりません。/ Not found.")
        }
        return tool
    }

    // MARK: - What a tool receives

    func privacyPage(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        try await request.authorize(.readToolPrivacy, .tenant(try tenant.requireID()), what: "tool privacy")
        let tool = try await tool(request, tenant: tenant)
        let language = PageLanguage(request)
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("「\(tool.name)」が受け取る情報", "What \(tool.name) receives"))),
            Self.privacyList(tool, language: language),
            .p(.class("quiet"), .text(language.text(
                "この設定は教育委員会が決めています。わからないことは学校にたずねてください。",
                "The board of education chose these settings. Ask your school if anything is unclear."))),
            .p(.a(.href("/home"), .text(language.text("ホームへもどる", "Back to home"))))
        )
        return Layout.privateResponse(Layout.page(title: tool.name, language: language, path: request.url.path, body: body))
    }

    /// The plain-language list: what always goes, what goes because the board allowed it, and
    /// what never goes.
    static func privacyList(_ tool: LTITool, language: PageLanguage) -> Node<HTML.BodyContext> {
        let privacy = tool.privacySettings
        var sent: [String] = [
            privacy.sub == .pseudonymous
                ? language.text("この道具だけで使う番号(名前や学籍はわかりません。ほかの道具とは別の番号です)",
                                "A number used only by this tool (it reveals no name or roster id, and differs from other tools')")
                : language.text("名簿の ID(sourcedId)", "The roster identifier (sourcedId)"),
            language.text("役割(児童生徒・先生など)", "Role (student, teacher, …)"),
            language.text("クラスの名前と ID", "The class's name and identifier"),
            language.text("表示の言語(日本語/英語)", "The page language (Japanese or English)"),
        ]
        var notSent: [String] = []
        func decide(_ allowed: Bool, _ ja: String, _ en: String) { (allowed ? { sent.append(language.text(ja, en)) } : { notSent.append(language.text(ja, en)) })() }
        decide(privacy.name, "氏名(漢字)", "Full name")
        decide(privacy.kanaName, "氏名のふりがな", "Reading of the name (kana)")
        decide(privacy.email, "メールアドレス", "E-mail address")
        decide(privacy.sourcedId, "名簿の ID とユーザー名", "Roster identifier and username")
        decide(privacy.grade, "学年", "Grade")
        decide(privacy.schoolCode, "学校コード", "School code")
        let scopes = tool.scopeList
        if scopes.contains(where: { $0.contains("lti-ags") }) {
            sent.append(language.text("この道具は点数や進み具合を架け橋に送り返せます。", "The tool may send scores and progress back to Kakehashi."))
        }
        if scopes.contains(where: { $0.contains("lti-nrps") }) {
            sent.append(language.text("この道具はクラスのメンバーの一覧(上の設定の範囲で)を読めます。", "The tool may read the class's member list (within the settings above)."))
        }
        return .group(
            .h2(.text(language.text("受け取るもの", "Receives"))),
            .ul(.forEach(sent) { .li(.text($0)) }),
            .h2(.text(language.text("受け取らないもの", "Does not receive"))),
            notSent.isEmpty ? .p(.text("—")) : .ul(.forEach(notSent) { .li(.text($0)) })
        )
    }

    // MARK: - Administration

    func adminList(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let tenantID = try tenant.requireID()
        let principal = try await request.authorize(.manageTools, .tenant(tenantID), what: "tools")
        let language = PageLanguage(request)
        let tools = try await LTITool.query(on: request.db).filter(\.$tenantID == tenantID).sort(\.$createdAt).all()
        let deployments = try await LTIDeployment.query(on: request.db).filter(\.$tenantID == tenantID).all()
        let base = request.application.settings.baseURL
        let endpoints: Node<HTML.BodyContext> = .table(
            .caption(.text(language.text("ツールに伝える架け橋の情報", "What to give a tool"))),
            .tbody(
                .tr(.th(.text("issuer")), .td(.code(.text(base)))),
                .tr(.th(.text("authorization endpoint")), .td(.code(.text(base + "/lti/authorize")))),
                .tr(.th(.text("token endpoint")), .td(.code(.text(base + "/lti/token")))),
                .tr(.th(.text("JWKS")), .td(.code(.text(base + "/lti/jwks"))))
            )
        )
        let schools = try await BulkSQL(request.db).run(
            "SELECT \"sourced_id\", \"name\" FROM \"roster_orgs\" WHERE \"tenant_id\" = ? AND \"type\" = 'school' AND \"status\" = 'active' ORDER BY \"name\"",
            [.uuid(tenantID)], columns: ["sourced_id", "name"]
        ).map { (id: $0[0] ?? "", name: $0[1] ?? "") }
        var rows: [Node<HTML.TableContext>] = []
        for tool in tools {
            let mine = deployments.filter { $0.toolID == tool.id }
            let ids = mine.filter { $0.schoolSourcedID == nil }.map(\.deploymentID).joined(separator: " ")
            let link: Node<HTML.BodyContext> = .a(.href("/t/\(tenant.code)/tools/\(tool.clientID)"), .text(tool.name))
            let settings = Self.settingsForm(tool, tenant: tenant, csrf: principal.session.csrfToken, language: language)
            let launcher: Node<HTML.BodyContext> = tool.status == LTITool.Status.active.rawValue && !schools.isEmpty
                ? Self.schoolsForm(tool, tenant: tenant, schools: schools, deployed: Set(mine.compactMap(\.schoolSourcedID)), csrf: principal.session.csrfToken, language: language)
                : .empty
            rows.append(.tr(.td(link), .td(.code(.text(tool.clientID))), .td(.code(.text(ids))), .td(.text(tool.status)), .td(settings, launcher)))
        }
        let list: Node<HTML.BodyContext> = .table(
            .caption(.text(language.text("登録されている道具", "Registered tools"))),
            .thead(.tr(.th(.text(language.text("名前", "Name"))), .th(.text("client_id")), .th(.text("deployment_id")), .th(.text(language.text("状態", "Status"))), .th(.text("")))),
            .tbody(.group(rows))
        )
        let services: Node<HTML.FormContext> = .element(named: "fieldset", nodes: [
            .element(named: "legend", text: language.text("使わせるサービス", "Services granted")),
            Self.checkbox("ags", language.text("点数を送る(AGS)", "Send scores (AGS)")),
            Self.checkbox("nrps", language.text("クラスのメンバーを読む(NRPS)", "Read class members (NRPS)")),
            Self.checkbox("deepLinking", language.text("教材を選んでクラスに追加する(Deep Linking)", "Pick content into a class (Deep Linking)")),
        ])
        let form: Node<HTML.BodyContext> = .form(
            .action("/t/\(tenant.code)/admin/tools"), .method(.post), .class("signin"),
            .input(.type(.hidden), .name("csrf"), .value(principal.session.csrfToken)),
            Self.field("client_name", language.text("名前", "Name"), required: true),
            Self.field("initiate_login_uri", "OIDC login initiation URL", required: true),
            Self.field("redirect_uris", language.text("Redirect URI(複数は改行かスペースで区切る)", "Redirect URIs (space or line separated)"), required: true),
            Self.field("jwks_uri", "JWKS URL", required: true),
            Self.field("target_link_uri", "Target link URI", required: true),
            Self.field("custom", language.text("カスタムパラメータ(1行に key=value)", "Custom parameters (key=value per line)"), required: false),
            services,
            .button(.type(.submit), .class("primary"), .text(language.text("登録する", "Register")))
        )
        let dynamic: Node<HTML.BodyContext> = .form(
            .action("/t/\(tenant.code)/admin/tools/dynamic"), .method(.post), .class("search"),
            .input(.type(.hidden), .name("csrf"), .value(principal.session.csrfToken)),
            .label(.attribute(named: "for", value: "toolURL"), .text(language.text("ツールの登録用 URL", "The tool's registration URL"))),
            .input(.id("toolURL"), .name("toolURL"), .type(.url), .required(true)),
            .button(.type(.submit), .text(language.text("自動登録を始める", "Start dynamic registration")))
        )
        // District-wide distribution (一斉配信) through a tool's content picker.
        let gradeRows = try await BulkSQL(request.db).run(
            "SELECT DISTINCT \"grades\" FROM \"roster_classes\" WHERE \"tenant_id\" = ? AND \"status\" = 'active'", [.uuid(tenantID)], columns: ["grades"])
        let grades = Set(gradeRows.flatMap { ($0[0] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }).sorted()
        let pickers = tools.filter { $0.status == LTITool.Status.active.rawValue && $0.messageTypes.contains("LtiDeepLinkingRequest") }
        let distribution: Node<HTML.BodyContext> = pickers.isEmpty || grades.isEmpty ? .empty : .group(
            .h2(.text(language.text("一斉配信(学年のすべてのクラスへ)", "District-wide distribution (every class of a grade)"))),
            .forEach(pickers) { tool in
                .form(
                    .action("/t/\(tenant.code)/admin/tools/\(tool.clientID)/distribute"), .method(.get), .class("search"),
                    .label(.attribute(named: "for", value: "grade-\(tool.clientID)"), .text(tool.name + language.text(" — 学年", " — grade"))),
                    .select(.id("grade-\(tool.clientID)"), .attribute(named: "name", value: "grade"), .forEach(grades) { .option(.value($0), .label($0)) }),
                    .button(.type(.submit), .text(language.text("教材を選んで配信", "Choose content and distribute")))
                )
            })
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("道具(LTI ツール)", "Tools (LTI)"))),
            endpoints, list, distribution,
            .h2(.text(language.text("自動登録(LTI Dynamic Registration)", "Dynamic registration"))),
            .p(.text(language.text("ツールが登録を終えると「pending」で一覧に加わります。内容を確かめて「active」にしてください。",
                                   "A tool that registers itself joins the list as pending; check it, then set it active."))),
            dynamic,
            .h2(.text(language.text("道具を登録する", "Register a tool"))),
            form,
            .p(.a(.href("/t/\(tenant.code)/admin"), .text(language.text("管理ページへもどる", "Back to administration"))))
        )
        return Layout.privateResponse(Layout.page(title: language.text("道具", "Tools"), language: language, path: request.url.path, body: body))
    }

    static func field(_ name: String, _ label: String, required: Bool) -> Node<HTML.FormContext> {
        .div(.class("field"), .label(.attribute(named: "for", value: name), .text(label)),
             .input(.id(name), .name(name), .type(.text), .required(required)))
    }

    static func checkbox(_ name: String, _ label: String, checked: Bool = false, value: String = "on") -> Node<HTML.FormContext> {
        let box: Node<HTML.FormContext> =
            checked
            ? .input(.type(.checkbox), .name(name), .value(value), .attribute(named: "checked", value: "checked"))
            : .input(.type(.checkbox), .name(name), .value(value))
        return .element(named: "label", nodes: [box, .text(" " + label)])
    }

    /// Privacy and status of one tool, in one small form.
    static func settingsForm(_ tool: LTITool, tenant: Tenant, csrf: String, language: PageLanguage) -> Node<HTML.BodyContext> {
        let privacy = tool.privacySettings
        let boxes: [Node<HTML.FormContext>] = [
            checkbox("rosterSub", language.text("名簿の ID を sub にする", "Roster id as sub"), checked: privacy.sub == .roster),
            checkbox("name", language.text("氏名", "Name"), checked: privacy.name),
            checkbox("kanaName", language.text("ふりがな", "Kana"), checked: privacy.kanaName),
            checkbox("email", language.text("メール", "E-mail"), checked: privacy.email),
            checkbox("sourcedId", language.text("名簿 ID", "Roster id"), checked: privacy.sourcedId),
            checkbox("grade", language.text("学年", "Grade"), checked: privacy.grade),
            checkbox("schoolCode", language.text("学校コード", "School code"), checked: privacy.schoolCode),
        ]
        let options: [Node<HTML.SelectContext>] = ["active", "pending", "disabled"].map { status in
            tool.status == status
                ? .option(.value(status), .label(status), .attribute(named: "selected", value: "selected")) : .option(.value(status), .label(status))
        }
        let status: Node<HTML.FormContext> = .select(
            .attribute(named: "name", value: "status"), .attribute(named: "aria-label", value: language.text("状態", "Status")), .group(options))
        return .form(
            .action("/t/\(tenant.code)/admin/tools/\(tool.clientID)"), .method(.post),
            .input(.type(.hidden), .name("csrf"), .value(csrf)),
            .group(boxes), status,
            .button(.type(.submit), .text(language.text("保存", "Save")))
        )
    }

    /// The schools whose launcher shows the tool (a deployment per school).
    static func schoolsForm(
        _ tool: LTITool, tenant: Tenant, schools: [(id: String, name: String)], deployed: Set<String>, csrf: String, language: PageLanguage
    ) -> Node<HTML.BodyContext> {
        .form(
            .action("/t/\(tenant.code)/admin/tools/\(tool.clientID)/schools"), .method(.post),
            .input(.type(.hidden), .name("csrf"), .value(csrf)),
            .element(named: "fieldset", nodes: [
                .element(named: "legend", text: language.text("学校のランチャーに出す", "Show in the launcher of")),
                .forEach(schools) { school in checkbox("school", school.name, checked: deployed.contains(school.id), value: school.id) },
            ]),
            .button(.type(.submit), .text(language.text("学校を保存", "Save schools")))
        )
    }

    struct RegisterForm: Content {
        var client_name: String
        var initiate_login_uri: String
        var redirect_uris: String
        var jwks_uri: String
        var target_link_uri: String
        var custom: String?
        var ags: String?
        var nrps: String?
        var deepLinking: String?
    }

    func register(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let principal = try await request.authorize(.manageTools, .tenant(try tenant.requireID()), what: "register a tool")
        try request.requireCSRF(principal.session)
        let form = try request.content.decode(RegisterForm.self)
        var scopes: [String] = []
        if form.ags == "on" {
            scopes += ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem", "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly", "https://purl.imsglobal.org/spec/lti-ags/scope/score"]
        }
        if form.nrps == "on" { scopes.append("https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly") }
        var custom: [String: String] = [:]
        for line in (form.custom ?? "").split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, !parts[0].isEmpty { custom[parts[0]] = parts[1] }
        }
        let description = ToolRegistry.Description(
            client_name: form.client_name, description: nil, initiate_login_uri: form.initiate_login_uri,
            redirect_uris: form.redirect_uris.split(whereSeparator: { $0.isWhitespace }).map(String.init), jwks_uri: form.jwks_uri,
            target_link_uri: form.target_link_uri, scope: scopes.joined(separator: " "), custom_parameters: custom,
            messages: [LTIMessageType.resourceLink.rawValue] + (form.deepLinking == "on" ? [LTIMessageType.deepLinking.rawValue] : []), privacy: nil)
        do {
            _ = try await ToolRegistry(database: request.db).register(description, tenantCode: tenant.code, status: .active, source: "admin", actor: principal.actor)
        } catch let error as RosterError {
            throw Abort(.badRequest, reason: error.message)
        }
        return request.redirect(to: "/t/\(tenant.code)/admin/tools", redirectType: .normal)
    }

    struct SettingsForm: Content {
        var rosterSub: String?
        var name: String?
        var kanaName: String?
        var email: String?
        var sourcedId: String?
        var grade: String?
        var schoolCode: String?
        var status: String?
    }

    func update(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let principal = try await request.authorize(.manageTools, .tenant(try tenant.requireID()), what: "tool settings")
        try request.requireCSRF(principal.session)
        let tool = try await tool(request, tenant: tenant)
        let form = try request.content.decode(SettingsForm.self)
        var privacy = ToolPrivacy()
        privacy.sub = form.rosterSub == "on" ? .roster : .pseudonymous
        privacy.name = form.name == "on"
        privacy.kanaName = form.kanaName == "on"
        privacy.email = form.email == "on"
        privacy.sourcedId = form.sourcedId == "on"
        privacy.grade = form.grade == "on"
        privacy.schoolCode = form.schoolCode == "on"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        tool.privacy = String(decoding: try encoder.encode(privacy), as: UTF8.self)
        if let status = form.status.flatMap(LTITool.Status.init(rawValue:)) { tool.status = status.rawValue }
        tool.updatedAt = Date()
        try await request.db.writeTransaction { tx in
            try await tool.update(on: tx)
            try await AuditLog(database: tx).append(
                .init(actor: principal.actor, action: "tool.settings", subject: "tool:\(tool.clientID)", details: ["privacy": tool.privacy, "status": tool.status],
                      source: request.sourceAddress), tenant: tenant.code)
        }
        await request.ltiCatalog.invalidate()
        return request.redirect(to: "/t/\(tenant.code)/admin/tools", redirectType: .normal)
    }
    func deploy(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let principal = try await request.authorize(.manageTools, .tenant(try tenant.requireID()), what: "tool schools")
        try request.requireCSRF(principal.session)
        let tool = try await tool(request, tenant: tenant)
        // Repeated checkboxes arrive as `school=a&school=b`; none checked: no field at all.
        let schools = Set((try? request.content.get([String].self, at: "school")) ?? [])
        do {
            try await ToolRegistry(database: request.db).deploy(clientID: tool.clientID, tenantCode: tenant.code, schools: schools, actor: principal.actor)
        } catch let error as RosterError {
            throw Abort(.badRequest, reason: error.message)
        }
        await request.ltiCatalog.invalidate()
        return request.redirect(to: "/t/\(tenant.code)/admin/tools", redirectType: .normal)
    }
}
