import Plot
import Vapor

/// The page frame every page shares: Japanese first with an English switch, one local style
/// sheet, no scripts or fonts from elsewhere.
enum Layout {
    static func page(title: String, language: PageLanguage, path: String, body: Node<HTML.BodyContext>) -> HTML {
        HTML(
            .lang(language == .ja ? .japanese : .english),
            .head(
                .encoding(.utf8),
                .viewport(.accordingToDevice),
                .title(title),
                .stylesheet("/styles.css")
            ),
            .body(
                .header(
                    .class("site"),
                    .p(.class("brand"), .text("架け橋 Kakehashi")),
                    .nav(
                        .attribute(named: "aria-label", value: language.text("言語", "Language")),
                        .a(.href("\(path)?lang=\(language.other.rawValue)"), .attribute(named: "lang", value: language.other.rawValue),
                           .text(language == .ja ? "English" : "日本語"))
                    )
                ),
                .main(body)
            )
        )
    }

    /// A page with personal data: never stored by the browser or a proxy.
    static func privateResponse(_ html: HTML, status: HTTPResponseStatus = .ok) -> Response {
        let response = Self.response(html)
        response.status = status
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    static func response(_ html: HTML) -> Response {
        let response = Response(status: .ok, body: .init(string: html.render()))
        response.headers.contentType = .html
        return response
    }
}
