import Vapor
import XAPI

/// Cross-origin calls to the LRS (Fetch standard, CORS): an HTML5 activity served from a
/// publisher's site sends its statements from the learner's browser. Only `/xapi/` answers them;
/// the cookie-authenticated pages never do.
///
/// Every LRS call carries its credentials in the `Authorization` header, which a page can only
/// send when it holds them; the LRS sets no cookie and answers no `Allow-Credentials`, so a
/// browser never adds anything of its own to a cross-origin call. Any origin (`*`) is therefore
/// the default: it lets content from anywhere call the LRS with the key it was given, and gives
/// a page without a key nothing. A board that knows its content's sites may list them instead.
public enum LRSCORS {
    /// The origins allowed: any, or a list (scheme, host and port, as browsers send `Origin`).
    public struct Origins: Sendable, Equatable {
        /// Every origin (`Access-Control-Allow-Origin: *`).
        public var any: Bool
        /// The origins allowed when not `any`, lower case, without a trailing slash.
        public var listed: Set<String>

        /// The default.
        public static let anyOrigin = Origins(any: true, listed: [])

        /// `any`, or exactly `listed` (empty: no cross-origin calls).
        public init(any: Bool, listed: Set<String>) {
            self.any = any
            self.listed = listed
        }

        /// `*` or unset: any; `none` or empty: none; otherwise comma-separated origins.
        public init(_ setting: String?) {
            let text = (setting ?? "*").trimmingCharacters(in: .whitespaces)
            if text == "*" {
                self = .anyOrigin
            } else if text.isEmpty || text.lowercased() == "none" {
                self.init(any: false, listed: [])
            } else {
                let origins = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.map { origin in
                    origin.hasSuffix("/") ? String(origin.dropLast()) : origin
                }
                self.init(any: false, listed: Set(origins.filter { !$0.isEmpty }))
            }
        }

        /// The `Access-Control-Allow-Origin` value for a request from `origin`, or nil.
        func allowOrigin(for origin: String?) -> String? {
            if any { return "*" }
            guard let origin, listed.contains(origin.lowercased()) else { return nil }
            return origin
        }
    }

    static let allowedMethods = "GET, HEAD, PUT, POST, DELETE"
    static let allowedHeaders = "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match"
    static let exposedHeaders = "ETag, Last-Modified, X-Experience-API-Consistent-Through, X-Experience-API-Version"
    /// How long a browser may reuse a preflight answer, in seconds.
    static let maxAge = "600"

    /// Adds the headers of an actual (not preflight) LRS answer.
    static func decorate(_ headers: inout HTTPHeaders, request: Request, origins: Origins) {
        if !origins.any { headers.add(name: .vary, value: "Origin") }
        guard let allow = origins.allowOrigin(for: request.headers.first(name: .origin)) else { return }
        headers.replaceOrAdd(name: .accessControlAllowOrigin, value: allow)
        headers.replaceOrAdd(name: .accessControlExpose, value: exposedHeaders)
    }

    /// The answer to a preflight `OPTIONS`: 204, with the permissions when the origin is allowed
    /// (without them the browser refuses the call itself).
    static func preflight(_ request: Request, origins: Origins) -> Response {
        var headers = HTTPHeaders()
        if !origins.any { headers.add(name: .vary, value: "Origin") }
        if let allow = origins.allowOrigin(for: request.headers.first(name: .origin)) {
            headers.replaceOrAdd(name: .accessControlAllowOrigin, value: allow)
            headers.replaceOrAdd(name: .accessControlAllowMethods, value: allowedMethods)
            headers.replaceOrAdd(name: .accessControlAllowHeaders, value: allowedHeaders)
            headers.replaceOrAdd(name: .accessControlMaxAge, value: maxAge)
        }
        headers.replaceOrAdd(name: "X-Experience-API-Version", value: XAPIVersion.v1_0_3.rawValue)
        return Response(status: .noContent, headers: headers)
    }

    /// Answers the preflights of `/xapi/` and adds the headers to its answers; leaves every other
    /// path alone. A middleware rather than an `OPTIONS` route, so a preflight of any LRS path is
    /// answered before routing and the route table holds only the LRS's own methods.
    struct Middleware: AsyncMiddleware {
        func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            guard request.url.path.hasPrefix("/xapi/") else { return try await next.respond(to: request) }
            let origins = request.application.settings.lrsCORSOrigins
            if request.method == .OPTIONS { return LRSCORS.preflight(request, origins: origins) }
            let response = try await next.respond(to: request)
            decorate(&response.headers, request: request, origins: origins)
            return response
        }
    }
}
