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

    /// A new session for `account`; returns the cookie token (never stored).
    func start(account: Accounts.Account, tenant: Tenant, source: String, now: Date = Date()) async throws -> (token: String, session: UserSession) {
        let token = Self.randomToken()
        let session = UserSession()
        session.tokenHash = Self.hash(token)
        session.tenantID = try tenant.requireID()
        session.tenantCode = tenant.code
        session.userSourcedID = account.sourcedId
        session.role = account.role
        session.csrfToken = Self.randomToken()
        session.createdAt = now
        session.expiresAt = now.addingTimeInterval(Self.lifetime)
        session.lastSeenAt = now
        session.source = source
        try await session.create(on: database)
        return (token, session)
    }

    /// The live session for a cookie token: not expired, not idle too long, and its user still an
    /// active roster user (a user the roster removes is signed out at the next request).
    func find(token: String, now: Date = Date()) async throws -> UserSession? {
        guard let session = try await UserSession.query(on: database).filter(\.$tokenHash == Self.hash(token)).first() else { return nil }
        guard session.expiresAt > now, now.timeIntervalSince(session.lastSeenAt) < Self.idleTimeout,
            try await Accounts(database: database).isActive(tenantID: session.tenantID, sourcedId: session.userSourcedID)
        else {
            try await session.delete(on: database)
            return nil
        }
        if now.timeIntervalSince(session.lastSeenAt) > 60 {
            session.lastSeenAt = now
            try await session.update(on: database)
        }
        return session
    }

    func end(_ session: UserSession) async throws {
        try await session.delete(on: database)
    }

    /// Ends every session of the session's user ("sign out everywhere").
    func endAll(of session: UserSession) async throws {
        try await UserSession.query(on: database)
            .filter(\.$tenantID == session.tenantID).filter(\.$userSourcedID == session.userSourcedID).delete()
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
