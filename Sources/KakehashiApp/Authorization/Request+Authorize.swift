import Vapor

extension Request {
    /// The signed-in principal. Without a session: a redirect to the sign-in page. While a second
    /// factor is due: a redirect to the page that asks for it (unless `allowingPendingMFA`).
    func principal(allowingPendingMFA: Bool = false) async throws -> Principal {
        if let cached = storage[PrincipalKey.self] {
            return try checkedMFA(cached, allowingPendingMFA: allowingPendingMFA)
        }
        guard let session = try await userSession() else {
            throw Abort.redirect(to: "/signin")
        }
        guard let principal = try await Principal.load(session: session, database: db) else {
            try await Sessions(database: db).end(session)
            throw Abort.redirect(to: "/signin")
        }
        storage[PrincipalKey.self] = principal
        return try checkedMFA(principal, allowingPendingMFA: allowingPendingMFA)
    }

    private func checkedMFA(_ principal: Principal, allowingPendingMFA: Bool) throws -> Principal {
        guard !allowingPendingMFA else { return principal }
        switch principal.session.mfaState {
        case .satisfied: return principal
        case .verify: throw Abort.redirect(to: "/mfa")
        case .enroll: throw Abort.redirect(to: "/mfa/setup")
        }
    }

    /// Asks ``Policy`` whether the signed-in principal may do `action` on `resource`; refuses
    /// with 403 otherwise. Every refusal, and every allowed view of another person's or a class's
    /// data, goes to the audit log (who, whom, what, when, from where); `auditAllowed: false` when
    /// the caller writes a fuller entry itself (a launch names the tool the data goes to).
    @discardableResult
    func authorize(_ action: Policy.Action, _ resource: Policy.Resource, what: String, auditAllowed: Bool = true) async throws -> Principal {
        let principal = try await principal()
        let audit = AuditLog(database: db)
        let tenantCode = try await tenantCode(of: resource.tenantID, principal: principal)
        let subject: String
        switch resource {
        case .person(_, let id, _, _): subject = "user:\(tenantCode)/\(id)"
        case .schoolClass(_, let id, _): subject = "class:\(tenantCode)/\(id)"
        case .school(_, let id): subject = "school:\(tenantCode)/\(id)"
        case .tenant: subject = "tenant:\(tenantCode)"
        }
        guard Policy.allows(principal, action, resource) else {
            try await audit.append(
                .init(actor: principal.actor, action: "access.denied", subject: subject, details: ["action": action.rawValue, "what": what], source: sourceAddress),
                tenant: tenantCode)
            throw Abort(.forbidden, reason: "この操作はできません。/ You are not allowed to do this.")
        }
        var isSelf = false
        if case .person(let tenantID, let id, _, _) = resource { isSelf = principal.isSelf(tenantID: tenantID, sourcedId: id) }
        if !isSelf && auditAllowed {
            try await audit.append(
                .init(actor: principal.actor, action: "access.\(action.rawValue)", subject: subject, details: ["what": what], source: sourceAddress),
                tenant: tenantCode)
        }
        return principal
    }

    private func tenantCode(of tenantID: UUID, principal: Principal) async throws -> String {
        if principal.tenantID == tenantID { return principal.tenantCode }
        return try await Tenant.find(tenantID, on: db)?.code ?? tenantID.uuidString
    }

    private struct PrincipalKey: StorageKey {
        typealias Value = Principal
    }
}
