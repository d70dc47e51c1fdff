import Crypto
import Fluent
import Foundation
import Vapor

/// Starts, finds and ends sessions.
struct Sessions: Sendable {
    static let cookieName = "kakehashi_session"
    /// A school day: a session ends 10 hours after sign-in at the latest…
    static let lifetime: TimeInterval = 10 * 60 * 60
    /// …or after an hour without a request.
    static let idleTimeout: TimeInterval = 60 * 60

    let database: any Database

    /// Who a new session belongs to.
    struct Owner: Sendable {
        var kind: UserSession.Kind
        var tenantID: UUID?
        var tenantCode: String
        var subject: String
        var role: String

        static func user(_ account: Accounts.Account, tenant: Tenant) throws -> Owner {
            Owner(kind: .user, tenantID: try tenant.requireID(), tenantCode: tenant.code, subject: account.sourcedId, role: account.role)
        }

        static func `operator`(_ name: String) -> Owner {
            Owner(kind: .operator, tenantID: nil, tenantCode: "", subject: name, role: "operator")
        }
    }

    /// A new session; returns the cookie token (never stored).
    func start(_ owner: Owner, method: String, mfa: UserSession.MFAState, source: String, now: Date = Date()) async throws -> (token: String, session: UserSession) {
        let token = Self.randomToken()
        let session = UserSession()
        session.tokenHash = Self.hash(token)
        session.kind = owner.kind.rawValue
        session.tenantID = owner.tenantID
        session.tenantCode = owner.tenantCode
        session.userSourcedID = owner.subject
        session.role = owner.role
        session.method = method
        session.mfa = mfa.rawValue
        session.csrfToken = Self.randomToken()
        session.createdAt = now
        session.expiresAt = now.addingTimeInterval(Self.lifetime)
        session.lastSeenAt = now
        session.source = source
        try await write { try await session.create(on: $0) }
        return (token, session)
    }

    /// Marks the second factor given and replaces the cookie token, so a token seen before the
    /// second factor is worth nothing after it. Returns the new token.
    func completeSecondFactor(_ session: UserSession) async throws -> String {
        let token = Self.randomToken()
        session.tokenHash = Self.hash(token)
        session.mfa = UserSession.MFAState.satisfied.rawValue
        session.csrfToken = Self.randomToken()
        try await write { try await session.update(on: $0) }
        return token
    }

    /// The live session for a cookie token: not expired, not idle too long, and, for an operator,
    /// the operator still there. Whether a roster user is still active and enabled is checked
    /// where the request's principal is built (``Principal/load(session:database:)``, the same
    /// query that reads their roles), so a user the roster removes is signed out at their next
    /// page without a query more per request.
    func find(token: String, now: Date = Date()) async throws -> UserSession? {
        guard let session = try await UserSession.query(on: database).filter(\.$tokenHash == Self.hash(token)).first() else { return nil }
        let live = session.sessionKind == .user ? true : try await isLive(session)
        guard session.expiresAt > now, now.timeIntervalSince(session.lastSeenAt) < Self.idleTimeout, live else {
            try await write { try await session.delete(on: $0) }
            return nil
        }
        if now.timeIntervalSince(session.lastSeenAt) > 60 {
            session.lastSeenAt = now
            try await write { try await session.update(on: $0) }
        }
        return session
    }

    /// Whether the session's owner still exists: an active roster user, or an operator.
    private func isLive(_ session: UserSession) async throws -> Bool {
        switch session.sessionKind {
        case .operator:
            return try await Operator.query(on: database).filter(\.$username == session.userSourcedID).count() > 0
        case .user:
            guard let tenantID = session.tenantID else { return false }
            return try await Accounts(database: database).isActive(tenantID: tenantID, sourcedId: session.userSourcedID)
        }
    }

    /// A write of the sessions table, queued with this process's other SQLite writers.
    private func write(_ body: @Sendable (any Database) async throws -> Void) async throws {
        let database = database
        try await database.gatedWrite { try await body(database) }
    }

    func end(_ session: UserSession) async throws {
        try await write { try await session.delete(on: $0) }
    }

    /// Ends every session of the session's user ("sign out everywhere").
    func endAll(of session: UserSession) async throws {
        try await UserSession.query(on: database)
            .filter(\.$kind == session.kind).filter(\.$tenantCode == session.tenantCode).filter(\.$userSourcedID == session.userSourcedID).delete()
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The session cookie: HttpOnly, SameSite=Lax, and Secure unless `secure` is false (plain
    /// HTTP to this machine during development, see ``Request/cookiesMayBeInsecure``).
    static func cookie(_ token: String, secure: Bool = true) -> HTTPCookies.Value {
        HTTPCookies.Value(string: token, maxAge: Int(lifetime), path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }

    static func expiredCookie(secure: Bool = true) -> HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}
