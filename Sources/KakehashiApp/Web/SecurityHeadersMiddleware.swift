import Vapor

/// Adds the security headers every response carries: a strict Content-Security-Policy (no
/// external hosts, no inline script), no framing, no MIME sniffing, no referrer leaks, HTTPS only.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers: [(String, String)] = [
            ("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "no-referrer"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ]
        var all = headers
        // Browsers remember to use HTTPS only (not for plain HTTP to this machine in development).
        if !request.cookiesMayBeInsecure { all.append(("Strict-Transport-Security", "max-age=31536000")) }
        for (name, value) in all where !response.headers.contains(name: name) {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        return response
    }
}
