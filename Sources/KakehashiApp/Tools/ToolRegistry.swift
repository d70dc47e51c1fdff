import Crypto
import Fluent
import Foundation
import LTI

/// Registers tools, deploys them to tenants and places them in classes.
public struct ToolRegistry: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// A tool as an administrator describes it (the command line's JSON file, the admin form);
    /// the names follow LTI Dynamic Registration's client metadata where there is one.
    public struct Description: Codable, Sendable {
        public var client_name: String
        public var description: String?
        public var initiate_login_uri: String
        public var redirect_uris: [String]
        public var jwks_uri: String
        public var target_link_uri: String
        /// Space-separated service scopes (AGS, NRPS).
        public var scope: String?
        public var custom_parameters: [String: String]?
        /// `LtiResourceLinkRequest`, `LtiDeepLinkingRequest`.
        public var messages: [String]?
        var privacy: ToolPrivacy?
    }

    /// Presets for tools every board connects: what is known is filled in, the board's own URLs
    /// and identifiers come from its description file (`kakehashi tools register --preset`).
    /// docs/STANDARDS.md lists what is known of each and what is not.
    static let presets: [String: [String: LTIJSON]] = [
        // MEXCBT (文部科学省CBTシステム) is opened from e-portals with LTI 1.3 resource link launches.
        // Its custom parameters and `sub` rule are not public (ICT CONNECT 21「LTI1.3パラメーター一覧」
        // is the source to confirm them); none are invented here, and the least data is the default.
        "mexcbt": [
            "client_name": .string("MEXCBT(文部科学省CBTシステム)"),
            "description": .string("文部科学省の CBT システム。URL・クライアント情報は文部科学省(MEXCBT 運用窓口)から各教育委員会に通知されたものを使います。"),
            "messages": .array([.string("LtiResourceLinkRequest")]),
        ],
    ]

    /// The identifiers a tool needs, with the platform's endpoints.
    public struct Registration: Codable, Sendable {
        public var client_id: String
        public var deployment_id: String
    }

    /// Scopes a tool may be granted.
    static let grantableScopes: Set<String> = [
        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem", "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
        "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly", "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
        // The tenant's LRS (xAPI), see LRSCredentials.scope.
        LRSCredentials.scope,
    ]

    /// Checks a description; each problem names its field.
    static func problems(in description: Description) -> [String] {
        var problems: [String] = []
        if description.client_name.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("client_name: required / 必須です") }
        for (field, value) in [("initiate_login_uri", description.initiate_login_uri), ("jwks_uri", description.jwks_uri), ("target_link_uri", description.target_link_uri)]
        where !OIDCClient.isAllowedURL(value) {
            problems.append("\(field): must be an https URL (http only for this machine) / https のURLにしてください")
        }
        if description.redirect_uris.isEmpty { problems.append("redirect_uris: at least one / 1つ以上必要です") }
        for (index, uri) in description.redirect_uris.enumerated() where !OIDCClient.isAllowedURL(uri) {
            problems.append("redirect_uris[\(index)]: must be an https URL (http only for this machine) / https のURLにしてください")
        }
        for scope in (description.scope ?? "").split(separator: " ") where !grantableScopes.contains(String(scope)) {
            problems.append("scope: \(scope) is not a service Kakehashi offers / 提供していないサービスです")
        }
        for message in description.messages ?? [] where LTIMessageType(rawValue: message) == nil {
            problems.append("messages: \(message) is not a message type Kakehashi sends / 送らないメッセージ種別です")
        }
        return problems
    }

    /// Registers a tool for a tenant and deploys it there. `status` pending: it waits for an
    /// administrator (Dynamic Registration).
    func register(_ description: Description, tenantCode: String, status: LTITool.Status, source: String, actor: String) async throws -> Registration {
        let problems = Self.problems(in: description)
        guard problems.isEmpty else { throw RosterError(message: problems.joined(separator: "\n")) }
        guard let tenant = try await Tenant.query(on: database).filter(\.$code == tenantCode).first(), let tenantID = tenant.id else {
            throw RosterError.unknownTenant(tenantCode)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json(_ value: some Encodable) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        let tool = LTITool()
        tool.clientID = UUID().uuidString.lowercased()
        tool.tenantID = tenantID
        tool.name = description.client_name
        tool.toolDescription = description.description ?? ""
        tool.initiateLoginURI = description.initiate_login_uri
        tool.redirectURIs = try json(description.redirect_uris)
        tool.jwksURI = description.jwks_uri
        tool.targetLinkURI = description.target_link_uri
        tool.custom = try json(description.custom_parameters ?? [:])
        tool.scopes = (description.scope ?? "").split(separator: " ").joined(separator: " ")
        tool.messages = try json(description.messages ?? [LTIMessageType.resourceLink.rawValue])
        tool.privacy = try json(description.privacy ?? ToolPrivacy())
        tool.subjectSalt = Sessions.randomToken()
        tool.status = status.rawValue
        tool.source = source
        tool.createdAt = Date()
        tool.updatedAt = tool.createdAt
        let deployment = LTIDeployment()
        deployment.deploymentID = UUID().uuidString.lowercased()
        deployment.tenantID = tenantID
        deployment.createdAt = tool.createdAt
        try await database.writeTransaction { tx in
            try await tool.create(on: tx)
            deployment.toolID = try tool.requireID()
            try await deployment.create(on: tx)
            try await AuditLog(database: tx).append(
                .init(actor: actor, action: "tool.register", subject: "tool:\(tool.clientID)",
                      details: ["name": tool.name, "status": tool.status, "source": source, "scopes": tool.scopes, "privacy": tool.privacy]),
                tenant: tenantCode)
        }
        return Registration(client_id: tool.clientID, deployment_id: deployment.deploymentID)
    }

    func approve(clientID: String, actor: String) async throws {
        guard let tool = try await LTITool.query(on: database).filter(\.$clientID == clientID).first() else {
            throw RosterError(message: "no tool with client id \(clientID) / クライアントID \(clientID) のツールはありません")
        }
        let tenantCode = try await Tenant.find(tool.tenantID, on: database)?.code
        tool.status = LTITool.Status.active.rawValue
        tool.updatedAt = Date()
        try await database.writeTransaction { tx in
            try await tool.update(on: tx)
            try await AuditLog(database: tx).append(.init(actor: actor, action: "tool.approve", subject: "tool:\(clientID)"), tenant: tenantCode)
        }
    }

    public struct Summary: Sendable {
        public var clientID: String
        public var status: String
        public var name: String
        public var tenant: String
        public var deploymentIDs: [String]
    }

    func list() async throws -> [Summary] {
        let tenants = Dictionary(try await Tenant.query(on: database).all().compactMap { t in t.id.map { ($0, t.code) } }, uniquingKeysWith: { a, _ in a })
        let deployments = try await LTIDeployment.query(on: database).all()
        return try await LTITool.query(on: database).sort(\.$createdAt).all().map { tool in
            Summary(
                clientID: tool.clientID, status: tool.status, name: tool.name, tenant: tenants[tool.tenantID] ?? "?",
                deploymentIDs: deployments.filter { $0.toolID == tool.id }.map(\.deploymentID))
        }
    }

    /// Adds a resource link of an active tool to a class of the tool's tenant.
    func place(clientID: String, tenantCode: String, classSourcedID: String, title: String, text: String = "", url: String? = nil,
               custom: [String: String] = [:], actor: String) async throws -> LTIResourceLink {
        guard let tenant = try await Tenant.query(on: database).filter(\.$code == tenantCode).first(), let tenantID = tenant.id else {
            throw RosterError.unknownTenant(tenantCode)
        }
        guard let tool = try await LTITool.query(on: database).filter(\.$clientID == clientID).filter(\.$tenantID == tenantID).first(), let toolID = tool.id,
            tool.status == LTITool.Status.active.rawValue
        else { throw RosterError(message: "no active tool \(clientID) in \(tenantCode) / \(tenantCode) に有効なツール \(clientID) はありません") }
        guard let deployment = try await LTIDeployment.query(on: database).filter(\.$toolID == toolID).filter(\.$tenantID == tenantID).filter(\.$schoolSourcedID == nil).first() else {
            throw RosterError(message: "tool \(clientID) is not deployed to \(tenantCode)")
        }
        let exists = try await BulkSQL(database).run(
            "SELECT \"sourced_id\" FROM \"roster_classes\" WHERE \"tenant_id\" = ? AND \"sourced_id\" = ? AND \"status\" = 'active'",
            [.uuid(tenantID), .text(classSourcedID)], columns: ["sourced_id"])
        guard !exists.isEmpty else { throw RosterError(message: "no active class \(classSourcedID) in \(tenantCode) / クラス \(classSourcedID) はありません") }
        let link = LTIResourceLink()
        link.linkID = UUID().uuidString.lowercased()
        link.tenantID = tenantID
        link.classSourcedID = classSourcedID
        link.toolID = toolID
        link.deploymentID = deployment.deploymentID
        link.title = title.isEmpty ? tool.name : title
        link.text = text
        link.url = url
        link.custom = String(decoding: try JSONEncoder().encode(custom), as: UTF8.self)
        link.createdBy = actor
        link.createdAt = Date()
        link.status = "active"
        try await database.writeTransaction { tx in
            try await link.create(on: tx)
            try await AuditLog(database: tx).append(
                .init(actor: actor, action: "tool.place", subject: "class:\(tenantCode)/\(classSourcedID)", details: ["tool": clientID, "link": link.linkID, "title": link.title]),
                tenant: tenantCode)
        }
        return link
    }

    /// Deploys an active tool to exactly these schools of its tenant: each school gets a
    /// deployment of its own (a stable `deployment_id` for as long as the tool stays there) and a
    /// resource link without a class, which puts the tool in the launcher of the school's students
    /// and teachers. Schools left out are withdrawn (their deployment ends, their link is removed).
    /// Returns the schools the tool is deployed to afterwards.
    @discardableResult
    func deploy(clientID: String, tenantCode: String, schools wanted: Set<String>, actor: String) async throws -> [String] {
        guard let tenant = try await Tenant.query(on: database).filter(\.$code == tenantCode).first(), let tenantID = tenant.id else {
            throw RosterError.unknownTenant(tenantCode)
        }
        guard let tool = try await LTITool.query(on: database).filter(\.$clientID == clientID).filter(\.$tenantID == tenantID).first(), let toolID = tool.id,
            tool.status == LTITool.Status.active.rawValue
        else { throw RosterError(message: "no active tool \(clientID) in \(tenantCode) / \(tenantCode) に有効なツール \(clientID) はありません") }
        let known = Set(try await BulkSQL(database).run(
            "SELECT \"sourced_id\" FROM \"roster_orgs\" WHERE \"tenant_id\" = ? AND \"type\" = 'school' AND \"status\" = 'active'",
            [.uuid(tenantID)], columns: ["sourced_id"]
        ).compactMap { $0[0] })
        if let unknown = wanted.subtracting(known).sorted().first {
            throw RosterError(message: "no active school \(unknown) in \(tenantCode) / 学校 \(unknown) はありません")
        }
        let now = Date()
        let name = tool.name
        return try await database.writeTransaction { tx in
            let current = try await LTIDeployment.query(on: tx).filter(\.$toolID == toolID).filter(\.$tenantID == tenantID).filter(\.$schoolSourcedID != nil).all()
            let have = Set(current.compactMap(\.schoolSourcedID))
            for deployment in current where !wanted.contains(deployment.schoolSourcedID ?? "") {
                try await LTIResourceLink.query(on: tx).filter(\.$deploymentID == deployment.deploymentID).set(\.$status, to: "removed").update()
                try await deployment.delete(on: tx)
                try await AuditLog(database: tx).append(
                    .init(actor: actor, action: "tool.withdraw", subject: "school:\(tenantCode)/\(deployment.schoolSourcedID ?? "")",
                          details: ["tool": clientID, "deployment": deployment.deploymentID]), tenant: tenantCode)
            }
            for school in wanted.subtracting(have).sorted() {
                let deployment = LTIDeployment()
                deployment.deploymentID = UUID().uuidString.lowercased()
                deployment.toolID = toolID
                deployment.tenantID = tenantID
                deployment.schoolSourcedID = school
                deployment.createdAt = now
                try await deployment.create(on: tx)
                let link = LTIResourceLink()
                link.linkID = UUID().uuidString.lowercased()
                link.tenantID = tenantID
                link.classSourcedID = ""
                link.toolID = toolID
                link.deploymentID = deployment.deploymentID
                link.title = name
                link.text = ""
                link.custom = "{}"
                link.createdBy = actor
                link.createdAt = now
                link.status = "active"
                try await link.create(on: tx)
                try await AuditLog(database: tx).append(
                    .init(actor: actor, action: "tool.deploy", subject: "school:\(tenantCode)/\(school)",
                          details: ["tool": clientID, "deployment": deployment.deploymentID, "link": link.linkID]), tenant: tenantCode)
            }
            return wanted.sorted()
        }
    }

    /// The pseudonymous subject of a person for a tool: stable, and unlinkable across tools.
    static func pseudonymousSubject(tool: LTITool, tenantID: UUID, sourcedID: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(tenantID.uuidString.lowercased())/\(sourcedID)".utf8), using: SymmetricKey(data: Data(tool.subjectSalt.utf8)))
        return Data(mac).base64URLEncodedString()
    }
}
