import Foundation
import LTI
import XAPI

/// One record of learning: an AGS score (LTI AGS 2.0 §3.4) as an xAPI statement, stored with
/// the score in the same transaction (``LTIServicesController``), so dashboards and exports read
/// one store.
///
/// - actor: the person as that tool knows them, an account on this platform (`homePage` = the
///   issuer, `name` = the `sub` the tool received); the roster person goes to the index column.
/// - verb: `scored` when the grade is final (FullyGraded with a score), else `completed`
///   (Submitted, Completed), `progressed` (Started, InProgress) or `initialized`.
/// - object: the line item, an Activity with the item's label; context: the resource link as
///   parent and the class as grouping, the two AGS progress values as an extension.
enum AGSStatement {
    static let progressExtension = "urn:kakehashi:xapi:extension:ags-progress"

    struct Source: Sendable {
        var issuer: String
        var toolUserID: String
        var lineItemURL: String
        var label: String
        var classURL: String
        var linkURL: String?
        var score: Score
        var scoreMaximum: Double
    }

    static func verb(_ score: Score) -> (id: String, en: String, ja: String) {
        if score.gradingProgress == .fullyGraded, score.scoreGiven != nil { return ("http://adlnet.gov/expapi/verbs/scored", "scored", "採点された") }
        switch score.activityProgress {
        case .completed, .submitted: return ("http://adlnet.gov/expapi/verbs/completed", "completed", "完了した")
        case .started, .inProgress: return ("http://adlnet.gov/expapi/verbs/progressed", "progressed", "取り組んだ")
        case .initialized: return ("http://adlnet.gov/expapi/verbs/initialized", "initialized", "開始した")
        }
    }

    static func json(_ source: Source) -> JSON {
        let score = source.score
        let verb = verb(score)
        var result: [(String, JSON)] = []
        if let given = score.scoreGiven, score.gradingProgress == .fullyGraded || score.gradingProgress == .pendingManual {
            let maximum = score.scoreMaximum ?? source.scoreMaximum
            var parts: [(String, JSON)] = []
            if maximum > 0 {
                parts.append(("scaled", number(min(1, max(-1, given / maximum)))))
                if given >= 0, given <= maximum {
                    parts += [("raw", number(given)), ("min", number(0)), ("max", number(maximum))]
                }
            }
            if !parts.isEmpty { result.append(("score", .object(JSONObject(parts)))) }
        }
        if score.activityProgress == .completed || score.activityProgress == .submitted { result.append(("completion", .bool(true))) }
        if let comment = score.comment, !comment.isEmpty { result.append(("response", .string(comment))) }
        var activities: [(String, JSON)] = [("grouping", .array([.object(JSONObject([("id", .string(source.classURL))]))]))]
        if let link = source.linkURL { activities.insert(("parent", .array([.object(JSONObject([("id", .string(link))]))])), at: 0) }
        var members: [(String, JSON)] = [
            ("actor", .object(JSONObject([
                ("objectType", .string("Agent")),
                ("account", .object(JSONObject([("homePage", .string(source.issuer)), ("name", .string(source.toolUserID))]))),
            ]))),
            ("verb", .object(JSONObject([("id", .string(verb.id)), ("display", .object(JSONObject([("en-US", .string(verb.en)), ("ja-JP", .string(verb.ja))])))]))),
            ("object", .object(JSONObject([
                ("objectType", .string("Activity")), ("id", .string(source.lineItemURL)),
                ("definition", .object(JSONObject([
                    ("name", .object(JSONObject([("ja-JP", .string(source.label.isEmpty ? "課題" : source.label))]))),
                    ("type", .string("http://adlnet.gov/expapi/activities/assessment")),
                ]))),
            ]))),
        ]
        if !result.isEmpty { members.append(("result", .object(JSONObject(result)))) }
        members.append(("context", .object(JSONObject([
            ("contextActivities", .object(JSONObject(activities))), ("platform", .string("Kakehashi")), ("language", .string("ja-JP")),
            ("extensions", .object(JSONObject([(progressExtension, .object(JSONObject([
                ("activityProgress", .string(score.activityProgress.rawValue)), ("gradingProgress", .string(score.gradingProgress.rawValue)),
            ])))]))),
        ]))))
        members.append(("timestamp", .string(Timestamp.format(score.timestamp))))
        return .object(JSONObject(members))
    }

    /// Whole numbers as integers (`40`, not `40.0`), as tools wrote them.
    static func number(_ value: Double) -> JSON {
        value == value.rounded() && abs(value) < 1e15 ? .number(.integer(Int64(value))) : .number(.double(value))
    }

    /// The validated statement, ready for ``StatementStore``.
    static func statement(_ source: Source, stored: Date, authority: JSON) throws -> ValidatedStatement {
        try StatementValidator(version: .v1_0_3).validate(json(source), assignment: LRSAssignment(stored: stored, authority: authority))
    }
}
