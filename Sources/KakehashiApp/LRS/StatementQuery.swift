import Foundation
import XAPI

/// The filters of `GET /statements` (Communication §2.1.3), read from the parameters, and the
/// opaque `more` token that carries them with the position of the next page.
struct StatementQuery: Sendable, Codable {
    struct Cursor: Sendable, Codable {
        var storedUS: Int64
        var statementID: String
    }

    var agentKey: String?
    var verb: String?
    var activity: String?
    var registration: String?
    var relatedActivities = false
    var relatedAgents = false
    var sinceUS: Int64?
    var untilUS: Int64?
    /// 0: the server's maximum.
    var limit = 0
    var ascending = false
    var format = "exact"
    var attachments = false
    var cursor: Cursor?

    /// The most statements one page returns (also `limit=0`).
    static let maximumPage = 500

    static let filterNames: Set<String> = [
        "agent", "verb", "activity", "registration", "related_activities", "related_agents", "since", "until", "limit", "ascending",
    ]

    init(parameters: LRSParameters, version: XAPIVersion) throws(XAPIError) {
        agentKey = try parameters.agent("agent", version: version)?.rawValue
        verb = try parameters.iri("verb")
        activity = try parameters.iri("activity")
        registration = try parameters.uuid("registration").map(UUIDText.format)
        relatedActivities = try parameters.bool("related_activities") ?? false
        relatedAgents = try parameters.bool("related_agents") ?? false
        sinceUS = try parameters.timestamp("since", version: version).map(StatementStore.microseconds)
        untilUS = try parameters.timestamp("until", version: version).map(StatementStore.microseconds)
        if let text = parameters.first("limit") {
            guard let value = Int(text), value >= 0 else {
                throw XAPIError(code: "parameter.limit-invalid", path: "limit", message: "limit must be a whole number ≥ 0; got \"\(text)\".")
            }
            limit = value
        }
        ascending = try parameters.bool("ascending") ?? false
        format = try StatementFormat.parse(parameters.first("format")).rawValue
        attachments = try parameters.bool("attachments") ?? false
    }

    var pageSize: Int { limit == 0 ? Self.maximumPage : min(limit, Self.maximumPage) }

    var statementFormat: StatementFormat { StatementFormat(rawValue: format) ?? .exact }

    // MARK: - more

    /// The token of the next page after `row`.
    func moreToken(after row: StatementStore.Row) -> String {
        var next = self
        next.cursor = Cursor(storedUS: row.storedUS, statementID: row.statementID)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(next)) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The query a `more` token continues.
    static func more(_ token: String) throws(XAPIError) -> StatementQuery {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let query = try? JSONDecoder().decode(StatementQuery.self, from: data), query.cursor != nil else {
            throw XAPIError(code: "parameter.more-invalid", path: "more", message: "The more token is not one this LRS made.")
        }
        return query
    }
}
