import Crypto
import Fluent
import OneRoster
import Plot
import Vapor

/// Roster import through the admin page: upload a OneRoster zip, see what the validator found
/// (as a table) and what the import would change, then apply it — or discard it.
struct RosterUploadController: RouteCollection {
    /// The largest package the page accepts (a prefecture-sized city is about 60 MB zipped).
    static let maxUpload: ByteCount = "200mb"
    /// Diagnostics listed on the page; the rest are counted.
    static let maxListed = 500

    func boot(routes: any RoutesBuilder) throws {
        let roster = routes.grouped("t", ":tenant", "admin", "roster")
        roster.get(use: page)
        roster.on(.POST, body: .collect(maxSize: Self.maxUpload), use: upload)
        roster.get("uploads", ":upload", use: review)
        roster.post("uploads", ":upload", "apply", use: apply)
        roster.post("uploads", ":upload", "discard", use: discard)
    }

    private func base(_ tenant: Tenant) -> String { "/t/\(tenant.code)/admin/roster" }

    // MARK: - Upload page and history

    func page(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let principal = try await request.authorize(.manageRoster, .tenant(try tenant.requireID()), what: "roster page")
        let language = PageLanguage(request)
        let history = try await RosterImportRecord.query(on: request.db).filter(\.$tenantCode == tenant.code).sort(\.$startedAt, .descending).limit(30).all()
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Tokyo")
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("名簿の取り込み", "Roster import"))),
            .p(.text(language.text("OneRoster 1.2(日本プロファイル)の CSV を zip にまとめたファイルを選んでください。まず検査だけを行い、結果を確認してから反映します。",
                                   "Choose a OneRoster 1.2 (Japan Profile) CSV package as a zip. It is checked first; you apply it after reviewing the result."))),
            .form(
                .action(base(tenant)), .method(.post), .enctype(.multipartData), .class("signin"),
                .input(.type(.hidden), .name("csrf"), .value(principal.session.csrfToken)),
                .div(.class("field"),
                     .label(.attribute(named: "for", value: "package"), .text(language.text("名簿ファイル(.zip)", "Roster package (.zip)"))),
                     .input(.id("package"), .name("package"), .type(.file), .attribute(named: "accept", value: ".zip,application/zip"), .required(true))),
                .button(.type(.submit), .class("primary"), .text(language.text("検査する", "Check")))
            ),
            .table(
                .caption(.text(language.text("取り込みの履歴", "Import history"))),
                .thead(.tr(.th(.text(language.text("日時", "When"))), .th(.text(language.text("結果", "Result"))), .th(.text(language.text("実行者", "By"))),
                           .th(.text(language.text("ファイル", "Package"))), .th(.text("SHA-256")))),
                .tbody(.forEach(history) { record in
                    .tr(.td(.text(formatter.string(from: record.startedAt))), .td(.text(record.result)), .td(.text(record.actor)),
                        .td(.text(record.packageName)), .td(.code(.text(String(record.packageSHA256.prefix(16)) + "…"))))
                })
            ),
            .p(.a(.href("/t/\(tenant.code)/admin"), .text(language.text("管理ページへもどる", "Back to administration"))))
        )
        return Layout.privateResponse(Layout.page(title: language.text("名簿の取り込み", "Roster import"), language: language, path: request.url.path, body: body))
    }

    // MARK: - Upload: check and preview, nothing applied

    func upload(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let tenantID = try tenant.requireID()
        let principal = try await request.authorize(.manageRoster, .tenant(tenantID), what: "roster upload")
        struct UploadForm: Content {
            var csrf: String?
            var package: File?
        }
        let form = try request.content.decode(UploadForm.self)
        guard let token = form.csrf, constantTimeEquals(token, principal.session.csrfToken) else {
            throw Abort(.forbidden, reason: "フォームの有効期限が切れました。ページを読み込み直してください。/ The form has expired; reload the page.")
        }
        guard let file = form.package, file.data.readableBytes > 0 else {
            throw Abort(.badRequest, reason: "ファイルを選んでください。/ Choose a file.")
        }
        let data = Data(buffer: file.data)
        let summary = try await withTemporaryPackage(data, filename: file.filename) { package in
            var options = RosterImporter.Options()
            options.actor = principal.actor
            options.shrinkLimitPercent = request.application.settings.shrinkLimitPercent
            return try await RosterImporter(database: request.db, logger: request.logger).preview(package, tenantCode: tenant.code, options: options)
        }
        let upload = RosterUpload()
        upload.tenantID = tenantID
        upload.uploadedBy = principal.actor
        upload.uploadedAt = Date()
        upload.filename = String(file.filename.suffix(200))
        upload.sha256 = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        upload.size = data.count
        upload.package = data
        upload.valid = summary.validation?.isValid ?? false
        upload.report = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        upload.status = RosterUpload.Status.pending.rawValue
        try await upload.create(on: request.db)
        try await AuditLog(database: request.db).append(
            .init(actor: principal.actor, action: "roster.upload", subject: upload.filename,
                  details: ["sha256": upload.sha256, "result": summary.result.rawValue, "errors": String(summary.validation?.errorCount ?? 0)],
                  source: request.sourceAddress), tenant: tenant.code)
        return request.redirect(to: base(tenant) + "/uploads/\(try upload.requireID())", redirectType: .normal)
    }

    private func withTemporaryPackage<T: Sendable>(_ data: Data, filename: String, _ body: (RosterPackage) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let name = filename.hasSuffix(".zip") ? (filename as NSString).lastPathComponent : "roster.zip"
        let url = folder.appendingPathComponent(name)
        try data.write(to: url)
        let package: RosterPackage
        do {
            package = try RosterPackage(url: url)
        } catch {
            throw Abort(.badRequest, reason: "zip ファイルとして読めません: \(error) / Not a readable zip package: \(error)")
        }
        return try await body(package)
    }

    // MARK: - Review

    func review(request: Request) async throws -> Response {
        let (tenant, upload, principal) = try await load(request, what: "roster upload review")
        let language = PageLanguage(request)
        let summary = try JSONDecoder().decode(RosterImportSummary.self, from: Data(upload.report.utf8))
        let report = summary.validation
        let diagnostics = report?.diagnostics ?? []
        let canApply = upload.status == RosterUpload.Status.pending.rawValue && upload.valid
        let shrinkBlocked = summary.result == .rejectedShrink
        let statusText: String
        switch RosterUpload.Status(rawValue: upload.status) {
        case .applied: statusText = language.text("反映ずみ", "Applied")
        case .discarded: statusText = language.text("取り消しずみ", "Discarded")
        case .failed: statusText = language.text("反映できませんでした", "Could not be applied")
        default: statusText = upload.valid ? language.text("検査に合格。まだ反映していません。", "Passed the check; not applied yet.")
            : language.text("エラーがあるため反映できません。", "Has errors; cannot be applied.")
        }
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("名簿の検査結果", "Roster check"))),
            .p(.class(upload.valid ? "lead" : "error"), .attribute(named: "role", value: "status"), .text(statusText)),
            .table(.tbody(
                .tr(.th(.text(language.text("ファイル", "Package"))), .td(.text(upload.filename))),
                .tr(.th(.text("SHA-256")), .td(.code(.text(upload.sha256)))),
                .tr(.th(.text(language.text("プロファイル", "Profile"))), .td(.text(report?.profileName ?? summary.profile))),
                .tr(.th(.text(language.text("エラー / 警告", "Errors / warnings"))), .td(.text("\(report?.errorCount ?? 0) / \(report?.warningCount ?? 0)"))),
                .tr(.th(.text(language.text("アップロード", "Uploaded by"))), .td(.text(upload.uploadedBy)))
            )),
            .if(!summary.counts.isEmpty && upload.valid, .table(
                .caption(.text(language.text("反映すると変わるもの", "What applying it changes"))),
                .thead(.tr(.th(.text(language.text("種類", "Entity"))), .th(.text(language.text("追加", "Created"))), .th(.text(language.text("更新", "Updated"))),
                           .th(.text(language.text("削除予定に", "Deactivated"))), .th(.text(language.text("変更なし", "Unchanged"))))),
                .tbody(.forEach(summary.orderedCounts) { entry in
                    .tr(.td(.text(entry.0)), .td(.class("number"), .text(String(entry.1.created))), .td(.class("number"), .text(String(entry.1.updated))),
                        .td(.class("number"), .text(String(entry.1.deactivated))), .td(.class("number"), .text(String(entry.1.unchanged))))
                })
            )),
            .if(shrinkBlocked, .p(.class("error"), .attribute(named: "role", value: "alert"), .text(summary.message))),
            .if(!diagnostics.isEmpty, .table(
                .class("diagnostics"),
                .caption(.text(language.text("見つかった問題", "Problems found") + ((report?.omittedCount ?? 0) > 0 || diagnostics.count > Self.maxListed
                    ? language.text("(ほか \((report?.omittedCount ?? 0) + max(0, diagnostics.count - Self.maxListed)) 件)", " (and \((report?.omittedCount ?? 0) + max(0, diagnostics.count - Self.maxListed)) more)") : ""))),
                .thead(.tr(.th(.text(language.text("ファイル", "File"))), .th(.text(language.text("行", "Line"))), .th(.text(language.text("列", "Column"))),
                           .th(.text(language.text("重さ", "Severity"))), .th(.text(language.text("規則", "Rule"))), .th(.text(language.text("内容", "Message"))))),
                .tbody(.forEach(diagnostics.prefix(Self.maxListed)) { diagnostic in
                    .tr(.class(diagnostic.severity.rawValue), .td(.text(diagnostic.file)), .td(.class("number"), .text(diagnostic.line > 0 ? String(diagnostic.line) : "")),
                        .td(.text(diagnostic.column)), .td(.text(diagnostic.severity.rawValue)), .td(.code(.text(diagnostic.rule))),
                        .td(.text(language == .ja ? diagnostic.messageJa : diagnostic.messageEn)))
                })
            )),
            .if(canApply, .form(
                .action(base(tenant) + "/uploads/\(try upload.requireID())/apply"), .method(.post),
                .input(.type(.hidden), .name("csrf"), .value(principal.session.csrfToken)),
                .if(shrinkBlocked, .p(.label(.input(.type(.checkbox), .name("allowShrink"), .value("yes")),
                                             .text(language.text(" 多くの利用者が削除予定になることを確認しました", " I confirm that many users will be deactivated"))))),
                .button(.type(.submit), .class("primary"), .text(language.text("この名簿を反映する", "Apply this roster")))
            )),
            .if(upload.status == RosterUpload.Status.pending.rawValue, .form(
                .action(base(tenant) + "/uploads/\(try upload.requireID())/discard"), .method(.post),
                .input(.type(.hidden), .name("csrf"), .value(principal.session.csrfToken)),
                .button(.type(.submit), .class("secondary"), .text(language.text("取り消す", "Discard")))
            )),
            .p(.a(.href(base(tenant)), .text(language.text("名簿の取り込みへもどる", "Back to roster import"))))
        )
        return Layout.privateResponse(Layout.page(title: language.text("名簿の検査結果", "Roster check"), language: language, path: request.url.path, body: body))
    }

    // MARK: - Apply or discard

    struct DecisionForm: Content {
        var allowShrink: String?
    }

    func apply(request: Request) async throws -> Response {
        let (tenant, upload, principal) = try await load(request, what: "roster apply")
        try request.requireCSRF(principal.session)
        // Claim the upload first, so a double click or a second administrator applies it once.
        let claimed = upload.valid ? try await BulkSQL(request.db).run(
            "UPDATE \"roster_uploads\" SET \"status\" = 'applying' WHERE \"id\" = ? AND \"status\" = 'pending' RETURNING \"sha256\"",
            [.uuid(try upload.requireID())], columns: ["sha256"]) : []
        guard !claimed.isEmpty else {
            throw Abort(.conflict, reason: "この名簿はもう反映されたか、取り消されたか、エラーがあります。/ This upload was already applied or discarded, or has errors.")
        }
        let form = try request.content.decode(DecisionForm.self)
        var options = RosterImporter.Options()
        options.actor = principal.actor
        options.shrinkLimitPercent = request.application.settings.shrinkLimitPercent
        options.allowShrink = form.allowShrink == "yes"
        var status = RosterUpload.Status.applied
        do {
            _ = try await withTemporaryPackage(upload.package, filename: upload.filename) { package in
                try await RosterImporter(database: request.db, logger: request.logger).importPackage(package, tenantCode: tenant.code, options: options)
            }
        } catch let rejected as RosterImportRejected {
            // Back to pending: the administrator may confirm the shrink, or discard.
            upload.status = RosterUpload.Status.pending.rawValue
            upload.report = String(decoding: try JSONEncoder().encode(rejected.summary), as: UTF8.self)
            try await upload.update(on: request.db)
            return request.redirect(to: base(tenant) + "/uploads/\(try upload.requireID())", redirectType: .normal)
        } catch {
            status = .failed
            request.logger.report(error: error)
        }
        upload.status = status.rawValue
        upload.decidedAt = Date()
        try await upload.update(on: request.db)
        return request.redirect(to: base(tenant) + "/uploads/\(try upload.requireID())", redirectType: .normal)
    }

    func discard(request: Request) async throws -> Response {
        let (tenant, upload, principal) = try await load(request, what: "roster discard")
        try request.requireCSRF(principal.session)
        guard upload.status == RosterUpload.Status.pending.rawValue else { throw Abort(.conflict, reason: "もう決まっています。/ Already decided.") }
        upload.status = RosterUpload.Status.discarded.rawValue
        upload.decidedAt = Date()
        upload.package = Data()  // nothing kept that nobody will apply
        try await upload.update(on: request.db)
        try await AuditLog(database: request.db).append(
            .init(actor: principal.actor, action: "roster.discard", subject: upload.filename, details: ["sha256": upload.sha256], source: request.sourceAddress),
            tenant: tenant.code)
        return request.redirect(to: base(tenant), redirectType: .normal)
    }

    private func load(_ request: Request, what: String) async throws -> (Tenant, RosterUpload, Principal) {
        let tenant = try await request.pathTenant()
        let tenantID = try tenant.requireID()
        let principal = try await request.authorize(.manageRoster, .tenant(tenantID), what: what)
        guard let id = request.parameters.get("upload", as: UUID.self),
            let upload = try await RosterUpload.query(on: request.db).filter(\.$id == id).filter(\.$tenantID == tenantID).first()
        else { throw Abort(.notFound, reason: "見つかりません。/ Not found.") }
        return (tenant, upload, principal)
    }
}
