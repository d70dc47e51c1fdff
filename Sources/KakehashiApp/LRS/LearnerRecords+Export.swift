import Foundation
import XAPI

extension LearnerRecords {
    /// The name of the export's format, its first member.
    static let exportFormat = "kakehashi.learner-records.v1"

    /// What an export held.
    struct ExportCounts: Sendable, Equatable {
        var statements = 0
        var documents = 0
        var attachments = 0
        var agsResults = 0

        var details: [String: String] {
            ["statements": String(statements), "documents": String(documents), "attachments": String(attachments), "agsResults": String(agsResults)]
        }
    }

    /// Every learning record of `person` as one JSON document (UTF-8, members in a fixed order,
    /// one record per line), and `learner.export` with the counts in the tenant's audit log.
    ///
    /// ```
    /// {"format":"kakehashi.learner-records.v1","tenant":…,"person":{"sourcedId":…,"username":…},"exportedAt":…,
    /// "counts":{"statements":…,"documents":…,"attachments":…,"agsResults":…},
    /// "agents":[{"key":…,"name":…|null}, …],
    /// "statements":[<each statement exactly as stored>, …],
    /// "voidedStatementIds":[…],
    /// "documents":[{"kind":"state"|"agent","activityId":…|null,"agent":…,"registration":…|null,"id":…,
    ///               "contentType":…,"updated":…,"encoding":"json"|"base64","content":…}, …],
    /// "attachments":[{"sha2":…,"contentType":…,"length":…,"content":<base64>}, …],
    /// "agsResults":[{"lineItem":…,"label":…,"class":…,"tool":…,"scoreGiven":…,"scoreMaximum":…,"comment":…,
    ///                "activityProgress":…,"gradingProgress":…,"timestamp":…,"updated":…}, …]}
    /// ```
    ///
    /// Memory is that of one person's records: the statements and documents are read whole, the
    /// document is built in one buffer.
    func export(_ person: Person, actor: String, source: String, now: Date = Date()) async throws -> (json: [UInt8], counts: ExportCounts) {
        let keys = try await agentKeys(of: person)
        let statements = try await statements(of: person, keys: keys)
        let documents = try await documents(keys: keys)
        let hashes = Self.attachmentHashes(of: statements)
        let attachments = try await StatementStore(database: database, tenantID: tenantID).attachments(hashes).sorted { $0.sha2 < $1.sha2 }
        let results = try await agsResults(of: person)
        let names = try await agentNames(keys: keys)
        let counts = ExportCounts(statements: statements.count, documents: documents.count, attachments: attachments.count, agsResults: results.count)

        var out = JSONWriter(capacity: 4096 + statements.reduce(0) { $0 + $1.json.utf8.count + 2 })
        func member(_ key: String, first: Bool = false) {
            out.writeRaw(Array((first ? "{" : ",\n").utf8))
            out.write(.string(key))
            out.writeRaw([UInt8(ascii: ":")])
        }
        func list<T>(_ items: [T], _ write: (T) -> Void) {
            out.writeRaw([UInt8(ascii: "[")])
            for (index, item) in items.enumerated() {
                out.writeRaw(Array((index == 0 ? "\n" : ",\n").utf8))
                write(item)
            }
            out.writeRaw([UInt8(ascii: "]")])
        }
        func optional(_ text: String) -> JSON { text.isEmpty ? .null : .string(text) }

        member("format", first: true)
        out.write(.string(Self.exportFormat))
        member("tenant")
        out.write(.string(tenantCode))
        member("person")
        out.write(.object(JSONObject([("sourcedId", .string(person.sourcedID)), ("username", .string(person.username))])))
        member("exportedAt")
        out.write(.string(Timestamp.format(now)))
        member("counts")
        out.write(.object(JSONObject([
            ("statements", .number(.integer(Int64(counts.statements)))), ("documents", .number(.integer(Int64(counts.documents)))),
            ("attachments", .number(.integer(Int64(counts.attachments)))), ("agsResults", .number(.integer(Int64(counts.agsResults)))),
        ])))
        member("agents")
        list(keys) { key in out.write(.object(JSONObject([("key", .string(key)), ("name", names[key].map { .string($0) } ?? .null)]))) }
        member("statements")
        list(statements) { out.writeRaw(Array($0.json.utf8)) }
        member("voidedStatementIds")
        out.write(.array(statements.filter(\.voided).map { .string($0.id) }))
        member("documents")
        list(documents) { document in
            let text = String(validating: document.content, as: UTF8.self)
            let isJSON = text != nil && (try? JSONParser.parse(document.content)) != nil
            out.write(.object(JSONObject([
                ("kind", .string(document.kind)), ("activityId", optional(document.activityID)), ("agent", .string(document.agentKey)),
                ("registration", optional(document.registration)), ("id", .string(document.documentID)), ("contentType", .string(document.contentType)),
                ("updated", .string(Timestamp.format(Date(timeIntervalSince1970: Double(document.updatedUS) / 1_000_000)))),
                ("encoding", .string(isJSON ? "json" : "base64")),
                ("content", .string(isJSON ? text ?? "" : Data(document.content).base64EncodedString())),
            ])))
        }
        member("attachments")
        list(attachments) { attachment in
            out.write(.object(JSONObject([
                ("sha2", .string(attachment.sha2)), ("contentType", .string(attachment.contentType ?? "application/octet-stream")),
                ("length", .number(.integer(Int64(attachment.data.count)))), ("content", .string(Data(attachment.data).base64EncodedString())),
            ])))
        }
        member("agsResults")
        list(results) { result in
            out.write(.object(JSONObject([
                ("lineItem", .string(UUIDText.format(result.lineItemID))), ("label", .string(result.label)), ("class", .string(result.classSourcedID)),
                ("tool", .string(result.tool)), ("scoreGiven", result.scoreGiven.map(AGSStatement.number) ?? .null),
                ("scoreMaximum", result.scoreMaximum.map(AGSStatement.number) ?? .null), ("comment", result.comment.map { .string($0) } ?? .null),
                ("activityProgress", .string(result.activityProgress)), ("gradingProgress", .string(result.gradingProgress)),
                ("timestamp", .string(Timestamp.format(result.timestamp))), ("updated", .string(Timestamp.format(result.updatedAt))),
            ])))
        }
        out.writeRaw(Array("}\n".utf8))

        try await AuditLog(database: database).append(
            .init(actor: actor, action: "learner.export", subject: "user:\(tenantCode)/\(person.sourcedID)", details: counts.details, source: source),
            tenant: tenantCode)
        return (out.bytes, counts)
    }
}
