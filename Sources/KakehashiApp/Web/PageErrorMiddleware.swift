import Plot
import Vapor

/// Turns errors into answers: a redirect stays a redirect; for a browser (HTML accepted) a page
/// in the person's language with the reason; otherwise Vapor's JSON error. Unexpected errors are
/// logged and shown without their details.
struct PageErrorMiddleware: AsyncMiddleware {
    let environment: Environment

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let status: HTTPResponseStatus
            let reason: String
            var headers = HTTPHeaders()
            if let abort = error as? any AbortError {
                status = abort.status
                reason = abort.reason
                headers = abort.headers
            } else {
                status = .internalServerError
                reason = "サーバーで問題が起きました。/ Something went wrong on the server."
                request.logger.report(error: error)
            }
            if (300..<400).contains(status.code) {
                let response = Response(status: status, headers: headers)
                return response
            }
            let acceptsHTML = request.headers[.accept].contains { $0.contains("text/html") }
            guard acceptsHTML else {
                let response = Response(status: status, headers: headers)
                try response.content.encode(ErrorBody(error: true, reason: reason))
                return response
            }
            let language = PageLanguage(request)
            let title = status == .forbidden ? language.text("見ることができません", "Not allowed")
                : status == .notFound ? language.text("見つかりません", "Not found")
                : language.text("エラー", "Error")
            let body: Node<HTML.BodyContext> = .group(
                .h1(.text(title)),
                .p(.class("error"), .attribute(named: "role", value: "alert"), .text(reason)),
                .p(.a(.href("/home"), .text(language.text("ホームへもどる", "Back to home"))))
            )
            let response = Layout.privateResponse(Layout.page(title: title, language: language, path: request.url.path, body: body), status: status)
            for (name, value) in headers where name.lowercased() != "content-type" { response.headers.replaceOrAdd(name: name, value: value) }
            return response
        }
    }

    struct ErrorBody: Content {
        var error: Bool
        var reason: String
    }
}
