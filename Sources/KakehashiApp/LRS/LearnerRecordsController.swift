import Fluent
import Plot
import Vapor

/// Learner rights on the person page (issue 5 item 6): a board administrator (or an operator)
/// downloads all learning records of one person as JSON, or erases them after typing the
/// person's username. ``Policy`` (`manageLearnerRecords`) decides; ``LearnerRecords`` does the
/// work and writes the audit entries.
struct LearnerRecordsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let person = routes.grouped("t", ":tenant", "users", ":user")
        person.get("learning-records.json", use: download)
        person.post("learning-records", "erase", use: erase)
    }

    static func exportPath(_ tenantCode: String, user sourcedId: String) -> String {
        RosterViewsController.path(tenantCode, user: sourcedId) + "/learning-records.json"
    }

    static func erasePath(_ tenantCode: String, user sourcedId: String) -> String {
        RosterViewsController.path(tenantCode, user: sourcedId) + "/learning-records/erase"
    }

    /// The notice the person page shows after an erasure (`?erased=1`).
    static let erasedQuery = "erased"

    private func authorized(_ request: Request, what: String) async throws -> (LearnerRecords, LearnerRecords.Person, Principal) {
        let tenant = try await request.pathTenant()
        let (userID, resource) = try await request.pathPerson(in: tenant)
        // The export and erase write their own, fuller audit entries.
        let principal = try await request.authorize(.manageLearnerRecords, resource, what: what, auditAllowed: false)
        let records = LearnerRecords(database: request.db, tenantID: try tenant.requireID(), tenantCode: tenant.code, issuer: request.application.settings.baseURL)
        return (records, try await records.person(userID), principal)
    }

    func download(request: Request) async throws -> Response {
        let (records, person, principal) = try await authorized(request, what: "learning records export")
        let (json, _) = try await records.export(person, actor: principal.actor, source: request.sourceAddress)
        let response = Response(status: .ok, body: .init(data: Data(json)))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "json", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "learning-records-\(records.tenantCode)-\(Self.fileSafe(person.sourcedID)).json")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    struct EraseForm: Content {
        var confirm: String?
    }

    func erase(request: Request) async throws -> Response {
        let (records, person, principal) = try await authorized(request, what: "learning records erasure")
        try request.requireCSRF(principal.session)
        let language = PageLanguage(request)
        let typed = (try? request.content.decode(EraseForm.self))?.confirm?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !person.username.isEmpty, typed == person.username else {
            throw Abort(.badRequest, reason: language.text(
                "確認のため、この利用者のユーザー名「\(person.username)」を正確に入力してください。学習記録は消去していません。",
                "To confirm, type this person's username (\(person.username)) exactly. No learning record was erased."))
        }
        _ = try await records.erase(person, actor: principal.actor, source: request.sourceAddress)
        return request.redirect(to: RosterViewsController.path(records.tenantCode, user: person.sourcedID) + "?\(Self.erasedQuery)=1", redirectType: .normal)
    }

    /// A sourcedId as part of a file name.
    static func fileSafe(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "_" })
    }

    // MARK: - The person page's section

    /// "学習記録 / Learning records": counts, the download link and the erase form.
    static func section(
        tenantCode: String, person: LearnerRecords.Person, counts: LearnerRecords.Counts, erased: Bool, csrf: String, language: PageLanguage
    ) -> Node<HTML.BodyContext> {
        .section(
            .h2(.text(language.text("学習記録", "Learning records"))),
            .if(erased, .p(.attribute(named: "role", value: "status"), .text(language.text(
                "学習記録を消去しました(監査ログに記録しました)。", "The learning records were erased (recorded in the audit log).")))),
            .p(.text(language.text(
                "ステートメント \(counts.statements) 件、ドキュメント \(counts.documents) 件、成績 \(counts.agsResults) 件",
                "\(counts.statements) statements, \(counts.documents) documents, \(counts.agsResults) gradebook results"))),
            .p(.a(.href(exportPath(tenantCode, user: person.sourcedID)), .attribute(named: "download", value: ""),
                  .text(language.text("すべての学習記録をダウンロード(JSON)", "Download all learning records (JSON)")))),
            .form(
                .action(erasePath(tenantCode, user: person.sourcedID)), .method(.post), .class("signin"),
                .input(.type(.hidden), .name("csrf"), .value(csrf)),
                .p(.class("error"), .text(language.text(
                    "消去すると、この人のステートメント・ドキュメント・添付ファイル・成績が元に戻せない形で削除されます。監査ログは残ります。",
                    "Erasing deletes this person's statements, documents, attachments and gradebook results for good. The audit log is kept."))),
                .div(.class("field"),
                     .label(.attribute(named: "for", value: "erase-confirm"),
                            .text(language.text("確認のためユーザー名「\(person.username)」を入力", "Type the username (\(person.username)) to confirm"))),
                     .input(.id("erase-confirm"), .name("confirm"), .type(.text), .attribute(named: "autocomplete", value: "off"), .required(true))),
                .button(.type(.submit), .class("secondary"), .text(language.text("学習記録を消去", "Erase learning records")))
            )
        )
    }
}
