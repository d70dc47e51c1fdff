import Vapor

/// Japanese first; `?lang=en` (or a `lang` cookie set by the switch) shows English.
enum PageLanguage: String, Sendable {
    case ja
    case en

    init(_ request: Request) {
        if let query = request.query[String.self, at: "lang"], let language = PageLanguage(rawValue: query) {
            self = language
        } else if let cookie = request.cookies["lang"]?.string, let language = PageLanguage(rawValue: cookie) {
            self = language
        } else {
            self = .ja
        }
    }

    func text(_ ja: String, _ en: String) -> String { self == .ja ? ja : en }

    var other: PageLanguage { self == .ja ? .en : .ja }
}

/// Keeps the language chosen with `?lang=` for the following pages (a `lang` cookie).
struct LanguageMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if let query = request.query[String.self, at: "lang"], let language = PageLanguage(rawValue: query),
            request.cookies["lang"]?.string != language.rawValue
        {
            response.cookies["lang"] = HTTPCookies.Value(
                string: language.rawValue, maxAge: 365 * 24 * 60 * 60, path: "/", isSecure: !request.cookiesMayBeInsecure, isHTTPOnly: true,
                sameSite: .lax)
        }
        return response
    }
}
