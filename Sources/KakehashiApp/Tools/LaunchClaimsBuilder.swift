import Fluent
import LTI
import Vapor

/// Builds the launch message for a launch in flight from the roster, the class, the resource link
/// and the tool's privacy settings: a tool receives only what the board allowed.
struct LaunchClaimsBuilder {
    let request: Request
    let tool: LTITool
    let launch: LTILaunch
    let nonce: String

    static let productVersion = "0.4"

    func message() async throws -> LaunchMessage {
        let database = request.db
        let sql = BulkSQL(database)
        let tenantID = launch.tenantID
        guard let tenant = try await request.ltiCatalog.tenant(tenantID, database: database) else { throw Abort(.notFound) }
        // The person, their role in this class and their own (primary) role, in one query.
        guard let user = try await sql.run(
            """
            SELECT u."username", u."family_name", u."given_name", u."jp_kana_family_name", u."jp_kana_given_name", u."email", u."grades",
                   (SELECT e."role" FROM "roster_enrollments" e WHERE e."tenant_id" = u."tenant_id" AND e."class_sourced_id" = ?
                      AND e."user_sourced_id" = u."sourced_id" AND e."status" = 'active' LIMIT 1) AS enrollment_role,
                   (SELECT r."role" FROM "roster_roles" r WHERE r."tenant_id" = u."tenant_id" AND r."user_sourced_id" = u."sourced_id"
                      AND r."role_type" = 'primary' AND r."status" = 'active' LIMIT 1) AS primary_role
              FROM "roster_users" u WHERE u."tenant_id" = ? AND u."sourced_id" = ? AND u."status" = 'active'
            """, [.text(launch.classSourcedID), .uuid(tenantID), .text(launch.userSourcedID)],
            columns: ["username", "family_name", "given_name", "jp_kana_family_name", "jp_kana_given_name", "email", "grades", "enrollment_role", "primary_role"]
        ).first else { throw Abort(.forbidden, reason: "名簿にない人です。/ Not in the roster.") }
        let klass = try await sql.run(
            """
            SELECT c."title", c."class_code", o."identifier" FROM "roster_classes" c
              LEFT JOIN "roster_orgs" o ON o."tenant_id" = c."tenant_id" AND o."sourced_id" = c."school_sourced_id"
              WHERE c."tenant_id" = ? AND c."sourced_id" = ?
            """, [.uuid(tenantID), .text(launch.classSourcedID)], columns: ["title", "class_code", "identifier"]
        ).first
        let enrollmentRole = user[7] ?? nil
        let oneRosterRole = (user[8] ?? nil) ?? enrollmentRole ?? ""
        var link: LTIResourceLink?
        if let linkID = launch.linkID { link = try await request.ltiCatalog.link(linkID, database: database) }

        let privacy = tool.privacySettings
        let subject = privacy.sub == .roster ? launch.userSourcedID : ToolRegistry.pseudonymousSubject(tool: tool, tenantID: tenantID, sourcedID: launch.userSourcedID)
        let language = PageLanguage(request)
        var message = LaunchMessage(
            issuer: request.application.settings.baseURL, clientID: tool.clientID, deploymentID: launch.deploymentID, subject: subject, nonce: nonce,
            messageType: LTIMessageType(rawValue: launch.messageType) ?? .resourceLink,
            targetLinkURI: link?.url ?? tool.targetLinkURI,
            roles: LTIRole.roles(oneRosterRole: oneRosterRole, enrollmentRole: enrollmentRole), locale: language == .ja ? "ja-JP" : "en")
        if let link { message.resourceLink = .init(id: link.linkID, title: link.title, description: link.text.isEmpty ? nil : link.text) }
        // A tool opened from the school's launcher has no class: no context, no class services.
        let inClass = !launch.classSourcedID.isEmpty
        if inClass {
            message.context = .init(id: launch.classSourcedID, label: (klass?[1] ?? nil).flatMap { $0.isEmpty ? nil : $0 }, title: klass?[0] ?? nil)
            message.courseSectionSourcedID = launch.classSourcedID
        }
        message.toolPlatform = .init(guid: tenantID.uuidString.lowercased(), name: "Kakehashi — \(tenant.name)", version: Self.productVersion, productFamilyCode: "kakehashi")
        message.returnURL = request.application.settings.baseURL + "/home"
        if privacy.sourcedId { message.personSourcedID = launch.userSourcedID }
        let family = user[1] ?? "", given = user[2] ?? ""
        if privacy.name { message.person = .init(name: "\(family) \(given)", givenName: given, familyName: family) }
        if privacy.email { message.person.email = user[5] ?? nil }

        // Custom parameters: the tool's, then the link's; variables only as the privacy settings allow.
        var values: [String: String] = [SubstitutionVariables.Name.userID: subject]
        if inClass {
            values[SubstitutionVariables.Name.contextID] = launch.classSourcedID
            values[SubstitutionVariables.Name.courseSectionSourcedID] = launch.classSourcedID
        }
        if let title = klass?[0] ?? nil { values[SubstitutionVariables.Name.contextTitle] = title }
        if let label = klass?[1] ?? nil, !label.isEmpty { values[SubstitutionVariables.Name.contextLabel] = label }
        if let link {
            values[SubstitutionVariables.Name.resourceLinkID] = link.linkID
            values[SubstitutionVariables.Name.resourceLinkTitle] = link.title
        }
        if privacy.name {
            values[SubstitutionVariables.Name.fullName] = "\(family) \(given)"
            values[SubstitutionVariables.Name.givenName] = given
            values[SubstitutionVariables.Name.familyName] = family
        }
        if privacy.kanaName {
            values["$Kakehashi.kanaFamilyName"] = user[3] ?? ""
            values["$Kakehashi.kanaGivenName"] = user[4] ?? ""
        }
        if privacy.email, let email = user[5] ?? nil { values[SubstitutionVariables.Name.email] = email }
        if privacy.sourcedId {
            values[SubstitutionVariables.Name.personSourcedID] = launch.userSourcedID
            values[SubstitutionVariables.Name.username] = user[0] ?? ""
        }
        if privacy.grade, let grades = user[6] ?? nil, !grades.isEmpty { values[SubstitutionVariables.Name.grade] = grades }
        if privacy.schoolCode, let code = klass?[2] ?? nil, !code.isEmpty { values[SubstitutionVariables.Name.schoolCode] = code }
        var custom = tool.customParameters
        for (key, value) in link?.customParameters ?? [:] { custom[key] = value }
        message.custom = SubstitutionVariables.expand(custom, with: values)

        // Services the board granted the tool, for this class.
        let base = request.application.settings.baseURL
        let contextURL = "\(base)/lti/deployments/\(launch.deploymentID)/contexts/\(launch.classSourcedID)"
        let agsScopes = inClass ? tool.scopeList.filter { AGSScope.all.contains($0) } : []
        if !agsScopes.isEmpty {
            var lineItem: String?
            if let link {
                // `lineitem` only when the link has exactly one line item (AGS 2.0 §3.1).
                let items = try await LTILineItem.query(on: database).filter(\.$linkID == link.linkID).filter(\.$toolID == (try tool.requireID())).limit(2).all()
                if items.count == 1, let id = items[0].id { lineItem = contextURL + "/lineitems/" + id.uuidString.lowercased() }
            }
            message.serviceClaims[LTIClaimName.agsEndpoint] = try LTIJSON.from(AGSEndpointClaim(scope: agsScopes, lineitems: contextURL + "/lineitems", lineitem: lineItem))
        }
        if inClass, tool.scopeList.contains(NRPSScope.contextMembershipReadOnly) {
            message.serviceClaims[LTIClaimName.namesRoleService] = try LTIJSON.from(NRPSClaim(contextMembershipsURL: contextURL + "/memberships"))
        }
        if message.messageType == .deepLinking {
            // `data` names the launch, so the return (a cross-site post that carries no session
            // cookie) knows which class and teacher it belongs to.
            message.serviceClaims[LTIClaimName.deepLinkingSettings] = try LTIJSON.from(DeepLinkingSettings(
                deepLinkReturnURL: base + "/lti/deep-linking/return", acceptTypes: [ContentItem.Kind.ltiResourceLink.rawValue],
                acceptPresentationDocumentTargets: ["window", "iframe"], acceptMultiple: true, acceptLineItem: true, autoCreate: true,
                title: klass?[0] ?? nil, data: launch.hintID))
        }
        return message
    }
}
