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

    /// Whether cookies may go without `Secure`: only for a request to this machine by name
    /// (`localhost`, `127.0.0.1`, `[::1]`) over a plain connection, i.e. `serve` on a developer's
    /// laptop, where some browsers would drop a Secure cookie. Everywhere else (behind TLS) cookies
    /// are Secure.
    var cookiesMayBeInsecure: Bool {
        guard let host = headers.first(name: .host)?.lowercased() else { return false }
        let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }) + "]" : String(host.prefix { $0 != ":" })
        let forwardedTLS = headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
        return !forwardedTLS && ["localhost", "127.0.0.1", "[::1]"].contains(name)
    }

    /// Where the request comes from, for the audit log and the rate limits: the TCP peer, or,
    /// when the peer is a trusted reverse proxy, the nearest address in `X-Forwarded-For` that is
    /// not one of the trusted proxies (entries further left are the client's to invent).
    var sourceAddress: String {
        // Not Vapor's `peerAddress`, which believes any client's Forwarded / X-Forwarded-For
        // header: a guesser would get a fresh rate-limit counter with every request.
        let peer = remoteAddress?.ipAddress ?? "unknown"
        let trusted = application.settings.trustedProxies
        guard trusted.contains(peer) else { return peer }
        let chain = headers[.xForwardedFor].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return chain.reversed().first { !trusted.contains($0) } ?? peer
    }

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
