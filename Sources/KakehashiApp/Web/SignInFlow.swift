import Vapor

/// The end of every successful first factor (password or identity provider): start the
/// session, write the audit entry, and send the browser on to its home or to the second factor.
enum SignInFlow {
    static func complete(
        _ request: Request, owner: Sessions.Owner, method: String, assertedSecondFactor: Bool = false, extraDetails: [String: String] = [:]
    ) async throws -> Response {
        let required = owner.kind == .operator || (PortalRole.from(oneRosterRole: owner.role, heldAtOrgType: nil)?.requiresSecondFactor ?? true)
        let factorOwner =
            owner.kind == .operator
            ? "operator:\(owner.subject)" : SecondFactors.owner(tenantID: owner.tenantID ?? UUID(), sourcedId: owner.subject)
        let state = try await SecondFactors(database: request.db, box: request.application.secretBox)
            .initialState(owner: factorOwner, required: required, assertedByProvider: assertedSecondFactor)
        let (token, session) = try await Sessions(database: request.db).start(owner, method: method, mfa: state, source: request.sourceAddress)
        var details = ["method": method, "secondFactor": state.rawValue]
        details.merge(extraDetails) { $1 }
        try await AuditLog(database: request.db).append(
            .init(actor: session.actor, action: "signin.success", subject: session.actor, details: details, source: request.sourceAddress),
            tenant: owner.kind == .operator ? nil : owner.tenantCode)
        let target: String
        switch state {
        case .satisfied: target = "/home"
        case .verify: target = "/mfa"
        case .enroll: target = "/mfa/setup"
        }
        let response = request.redirect(to: target, redirectType: .normal)
        response.cookies[Sessions.cookieName] = Sessions.cookie(token, secure: !request.cookiesMayBeInsecure)
        response.cookies[SignInController.formCookie] = Sessions.expiredCookie(secure: !request.cookiesMayBeInsecure)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

extension Request {
    /// Checks the `csrf` field of a posted form against the session's token.
    func requireCSRF(_ session: UserSession) throws {
        struct CSRFForm: Content { var csrf: String? }
        let form = try? content.decode(CSRFForm.self)
        guard let token = form?.csrf, constantTimeEquals(token, session.csrfToken) else {
            throw Abort(.forbidden, reason: "フォームの有効期限が切れました。ページを読み込み直してください。/ The form has expired; reload the page.")
        }
    }
}
