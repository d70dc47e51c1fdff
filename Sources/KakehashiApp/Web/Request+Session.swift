import Vapor

extension Request {
    /// The live session of this request's cookie, if any (looked up once per request).
    func userSession() async throws -> UserSession? {
        if let cached = storage[SessionKey.self] { return cached.session }
        var session: UserSession?
        if let token = cookies[Sessions.cookieName]?.string, !token.isEmpty {
            session = try await Sessions(database: db).find(token: token)
        }
        storage[SessionKey.self] = SessionBox(session: session)
        return session
    }

    /// Where the request comes from, for the audit log.
    var sourceAddress: String { peerAddress?.ipAddress ?? "unknown" }

    private struct SessionKey: StorageKey {
        typealias Value = SessionBox
    }

    private struct SessionBox: Sendable {
        var session: UserSession?
    }
}

/// Compares secrets in time independent of where they differ.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}
