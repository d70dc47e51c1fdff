import Fluent
import Plot
import Vapor

/// A class's gradebook: students × line items, the scores tools sent back (AGS).
struct GradebookController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("t", ":tenant", "classes", ":class", "gradebook", use: gradebook)
    }

    func gradebook(request: Request) async throws -> Response {
        let tenant = try await request.pathTenant()
        let (classID, resource) = try await request.pathClass(in: tenant)
        try await request.authorize(.view, resource, what: "gradebook")
        let language = PageLanguage(request)
        let tenantID = try tenant.requireID()
        let items = try await LTILineItem.query(on: request.db).filter(\.$tenantID == tenantID).filter(\.$classSourcedID == classID).sort(\.$createdAt).all()
        let students = try await BulkSQL(request.db).run(
            """
            SELECT u."sourced_id", u."family_name", u."given_name" FROM "roster_enrollments" e
              JOIN "roster_users" u ON u."tenant_id" = e."tenant_id" AND u."sourced_id" = e."user_sourced_id"
              WHERE e."tenant_id" = ? AND e."class_sourced_id" = ? AND e."role" = 'student' AND e."status" = 'active' AND u."status" = 'active'
              ORDER BY u."jp_kana_family_name", u."jp_kana_given_name", u."username"
            """, [.uuid(tenantID), .text(classID)], columns: ["sourced_id", "family_name", "given_name"])
        let itemIDs = items.compactMap(\.id)
        let scores = itemIDs.isEmpty ? [] : try await LTIScore.query(on: request.db).filter(\.$lineItemID ~~ itemIDs).all()
        var cell: [String: LTIScore] = [:]
        for score in scores { cell["\(score.lineItemID.uuidString)/\(score.userSourcedID)"] = score }
        func text(_ score: LTIScore?) -> String {
            guard let score else { return "" }
            if let given = score.scoreGiven { return given.rounded() == given ? String(Int(given)) : String(format: "%.1f", given) }
            switch score.activityProgress {
            case "Completed", "Submitted": return language.text("提出ずみ", "submitted")
            case "Started", "InProgress": return language.text("取り組み中", "in progress")
            default: return ""
            }
        }
        var header: [Node<HTML.TableRowContext>] = [.th(.text(language.text("名前", "Name")))]
        for item in items {
            let maximum = item.scoreMaximum.rounded() == item.scoreMaximum ? String(Int(item.scoreMaximum)) : String(item.scoreMaximum)
            let heading: Node<HTML.TableRowContext> = .th(.text(item.label + " / " + maximum))
            header.append(heading)
        }
        var rows: [Node<HTML.TableContext>] = []
        for student in students {
            var cells: [Node<HTML.TableRowContext>] = [.th(.text("\(student[1] ?? "") \(student[2] ?? "")"))]
            for item in items {
                let value = text(cell["\(item.id?.uuidString ?? "")/\(student[0] ?? "")"])
                let node: Node<HTML.TableRowContext> = .td(.class("number"), .text(value))
                cells.append(node)
            }
            let row: Node<HTML.TableContext> = .tr(.group(cells))
            rows.append(row)
        }
        let headerRow: Node<HTML.TableContext> = .thead(.tr(.group(header)))
        let table: Node<HTML.BodyContext> = .table(.class("gradebook"), headerRow, .tbody(.group(rows)))
        let empty: Node<HTML.BodyContext> = .p(.text(language.text("まだ点数の列がありません。道具がテストを追加すると、ここに表示されます。", "No columns yet. They appear when a tool adds a test.")))
        let body: Node<HTML.BodyContext> = .group(
            .h1(.text(language.text("成績(道具から届いた点数)", "Gradebook (scores from tools)"))),
            items.isEmpty ? empty : table,
            .p(.a(.href("/t/\(tenant.code)/classes/\(classID)"), .text(language.text("クラスへもどる", "Back to the class"))))
        )
        return Layout.privateResponse(Layout.page(title: language.text("成績", "Gradebook"), language: language, path: request.url.path, body: body))
    }
}
