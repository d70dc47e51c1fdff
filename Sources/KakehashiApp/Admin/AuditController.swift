import Fluent
import OneRoster
import Plot
import Vapor

/// The audit log of a tenant for its board administrators (and operators): search by person,
/// action and date, and export as CSV with the chain's hashes.
struct AuditController: RouteCollection {
    static let pageSize = 200

    func boot(routes: any RoutesBuilder) throws {
        let audit = routes.grouped("t", ":tenant", "admin")
        audit.get("audit", use: search)
        audit.get("audit.csv", use: export)
    }

    struct Filter {
        var text: String
        var action: String
        var from: String
        var to: String

        init(_ request: Request) {
            text = (request.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
            action = (request.query[String.self, at: "action"] ?? "").trimmingCharacters(in: .whitespaces)
            from = request.query[String.self, at: "from"] ?? ""
            to = request.query[String.self, at: "to"] ?? ""
        }

        var description: String { "q=\(text) action=\(action) from=\(from) to=\(to)" }

        /// Entries of `chain` matching the filter, newest first.
        func query(_ database: any Database, chain: String, limit: Int?) async throws -> [AuditEvent] {
            var query = AuditEvent.query(on: database).filter(\.$chain == chain).sort(\.$position, .descending)
            if !text.isEmpty {
                query = query.group(.or) { group in
                    group.filter(\.$actor, .custom("LIKE"), "%\(text)%").filter(\.$subject, .custom("LIKE"), "%\(text)%")
                }
            }
            if !action.isEmpty { query = query.filter(\.$action, .custom("LIKE"), "\(action)%") }
            // occurredAt is an ISO 8601 timestamp in UTC: dates compare as text.
            if Self.isDate(from) { query = query.filter(\.$occurredAt >= from) }
            if Self.isDate(to) { query = query.filter(\.$occurredAt < Self.nextDay(to)) }
            if let limit { query = query.limit(limit) }
            return try await query.all()
        }

        static func isDate(_ text: String) -> Bool { text.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil }

        static func nextDay(_ date: String) -> String {
            let formatter = DateFormatter()
            formatter.calendar = Calendar(identifier: .gregorian)
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            guard let day = formatter.date(from: date) else { return date }
            return formatter.string(from: day.addingTimeInterval(86_400))
        }
    }

    func search(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let filter = Filter(request)
        try await request.authorize(.readAudit, .tenant(try tenant.requireID()), what: "audit search: \(filter.description)")
        let language = PageLanguage(request)
        let events = try await filter.query(request.db, chain: tenant.code, limit: Self.pageSize)
        var csvQuery = URLComponents()
        csvQuery.queryItems = [.init(name: "q", value: filter.text), .init(name: "action", value: filter.action), .init(name: "from", value: filter.from), .init(name: "to", value: filter.to)]
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("監査ログ", "Audit log"))),
            .form(
                .action("/t/\(tenant.code)/admin/audit"), .method(.get), .class("search"),
                .label(.attribute(named: "for", value: "q"), .text(language.text("だれが・だれを", "Who or whom"))),
                .input(.id("q"), .name("q"), .type(.search), .value(filter.text)),
                .label(.attribute(named: "for", value: "action"), .text(language.text("操作", "Action"))),
                .input(.id("action"), .name("action"), .type(.search), .value(filter.action), .attribute(named: "placeholder", value: "signin, access, roster…")),
                .label(.attribute(named: "for", value: "from"), .text(language.text("から", "From"))),
                .input(.id("from"), .name("from"), .type(.date), .value(filter.from)),
                .label(.attribute(named: "for", value: "to"), .text(language.text("まで", "To"))),
                .input(.id("to"), .name("to"), .type(.date), .value(filter.to)),
                .button(.type(.submit), .text(language.text("さがす", "Search")))
            ),
            .p(.a(.href("/t/\(tenant.code)/admin/audit.csv?\(csvQuery.percentEncodedQuery ?? "")"), .text(language.text("この条件で CSV を出力", "Export these entries as CSV")))),
            .table(
                .caption(.text(language.text("新しい順に最大 \(Self.pageSize) 件", "Newest first, up to \(Self.pageSize)"))),
                .thead(.tr(.th(.text("#")), .th(.text(language.text("日時(UTC)", "When (UTC)"))), .th(.text(language.text("だれが", "Who"))),
                           .th(.text(language.text("操作", "Action"))), .th(.text(language.text("だれを・なにを", "Whom / what"))),
                           .th(.text(language.text("詳細", "Details"))), .th(.text(language.text("どこから", "From where"))))),
                .tbody(.forEach(events) { event in
                    .tr(.td(.class("number"), .text(String(event.position))), .td(.text(event.occurredAt)), .td(.text(event.actor)),
                        .td(.code(.text(event.action))), .td(.text(event.subject)), .td(.text(event.details)), .td(.text(event.source)))
                })
            ),
            .p(.a(.href("/t/\(tenant.code)/admin"), .text(language.text("管理ページへもどる", "Back to administration"))))
        )
        return Layout.privateResponse(Layout.page(title: language.text("監査ログ", "Audit log"), language: language, path: request.url.path, body: body))
    }

    func export(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let filter = Filter(request)
        try await request.authorize(.readAudit, .tenant(try tenant.requireID()), what: "audit export: \(filter.description)")
        var csv = CSVWriter()
        csv.append(row: ["position", "occurredAt", "actor", "action", "subject", "details", "source", "previousHash", "hash"])
        for event in try await filter.query(request.db, chain: tenant.code, limit: nil).reversed() {
            csv.append(row: [String(event.position), event.occurredAt, event.actor, event.action, event.subject, event.details, event.source, event.previousHash, event.hash])
        }
        let response = Response(status: .ok, body: .init(data: csv.data))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "audit-\(tenant.code).csv")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
