import Foundation

/// A score published by a tool to `{lineitem}/scores` (AGS 2.0 §3.4), media type
/// `application/vnd.ims.lis.v1.score+json`.
///
/// Read incoming scores with ``Score/decode(_:)``, which applies the spec's rules one by one
/// and reports the first broken one as an ``LTIError`` with the member's JSON path:
///
/// | rule | status |
/// |---|---|
/// | `userId`, `timestamp`, `activityProgress`, `gradingProgress` present | 400 |
/// | `activityProgress`, `gradingProgress` one of their five values | 400 |
/// | `timestamp` ISO 8601 with fractional seconds and an offset | 400 |
/// | `scoreGiven` ≥ 0 | 400 |
/// | `scoreGiven` comes with a `scoreMaximum` ≥ 0 | 422 |
///
/// Two rules need stored state and stay with the app: a score older than the stored one is a
/// 400 (``isOlder(than:)``, ``LTIError/scoreTimestampOlder(_:stored:)``) and a user outside the
/// context is a 422 (``LTIError/scoreUserNotInContext(_:)``).
public struct Score: Sendable, Equatable {
    public var userId: String
    public var scoreGiven: Double?
    public var scoreMaximum: Double?
    public var comment: String?
    /// When the tool produced the score; orders scores of one user.
    public var timestamp: Date
    public var activityProgress: ActivityProgress
    public var gradingProgress: GradingProgress
    public var submission: Submission?

    /// When the user started and submitted the work (AGS 2.0 §3.4.9).
    public struct Submission: Codable, Sendable, Equatable {
        public var startedAt: String?
        public var submittedAt: String?

        public init(startedAt: String? = nil, submittedAt: String? = nil) {
            self.startedAt = startedAt
            self.submittedAt = submittedAt
        }
    }

    public init(
        userId: String, scoreGiven: Double? = nil, scoreMaximum: Double? = nil, comment: String? = nil,
        timestamp: Date, activityProgress: ActivityProgress, gradingProgress: GradingProgress,
        submission: Submission? = nil
    ) {
        self.userId = userId
        self.scoreGiven = scoreGiven
        self.scoreMaximum = scoreMaximum
        self.comment = comment
        self.timestamp = timestamp
        self.activityProgress = activityProgress
        self.gradingProgress = gradingProgress
        self.submission = submission
    }

    // MARK: - Rules needing stored state

    /// Whether this score was produced before the one already stored (then it must be refused).
    public func isOlder(than stored: Date) -> Bool { timestamp < stored }

    /// Whether this score changes the grade: only FullyGraded and PendingManual do.
    public var changesGrade: Bool { gradingProgress.changesGrade }

    /// Throws `ags.score.timestamp-older` (400) when this score is older than `stored`.
    public func checkNotOlder(than stored: Date?) throws {
        if let stored, isOlder(than: stored) { throw LTIError.scoreTimestampOlder(timestamp, stored: stored) }
    }
}

// MARK: - Reading

extension Score {
    /// Reads a score body and checks the spec's rules (see the table above).
    public static func decode(_ body: Data) throws -> Score {
        try Score(validating: try JSONBody.object(from: body))
    }

    /// Checks the rules on a score already read as a JSON object.
    public init(validating object: [String: LTIJSON]) throws {
        func string(_ key: String, required: Bool) throws -> String? {
            switch object[key] {
            case nil, .null?:
                if required { throw LTIError.scoreMissingField(JSONPath.member(key)) }
                return nil
            case .string(let value)?:
                if required && value.isEmpty { throw LTIError.scoreMissingField(JSONPath.member(key)) }
                return value
            default:
                throw LTIError.scoreWrongType(JSONPath.member(key), expected: "a string")
            }
        }
        func number(_ key: String) throws -> Double? {
            switch object[key] {
            case nil, .null?: return nil
            case .number(let value)? where value.isFinite: return value
            default: throw LTIError.scoreWrongType(JSONPath.member(key), expected: "a number")
            }
        }

        let userId = try string("userId", required: true)!
        let activity = try string("activityProgress", required: true)!
        guard let activityProgress = ActivityProgress(rawValue: activity) else {
            throw LTIError.scoreActivityProgress(activity)
        }
        let grading = try string("gradingProgress", required: true)!
        guard let gradingProgress = GradingProgress(rawValue: grading) else {
            throw LTIError.scoreGradingProgress(grading)
        }
        let stamp = try string("timestamp", required: true)!
        guard let timestamp = ISO8601Timestamp.parse(stamp) else { throw LTIError.scoreTimestampFormat(stamp) }

        let scoreGiven = try number("scoreGiven")
        let scoreMaximum = try number("scoreMaximum")
        if let scoreGiven {
            guard scoreGiven >= 0 else { throw LTIError.scoreGivenNegative() }
            guard let scoreMaximum, scoreMaximum >= 0 else { throw LTIError.scoreMaximumRequired() }
        }

        var submission: Submission?
        if let value = object["submission"], !value.isNull {
            guard let fields = value.object else {
                throw LTIError.scoreWrongType("$.submission", expected: "an object")
            }
            submission = Submission(
                startedAt: fields["startedAt"]?.string, submittedAt: fields["submittedAt"]?.string)
        }

        self.init(
            userId: userId, scoreGiven: scoreGiven, scoreMaximum: scoreMaximum, comment: try string("comment", required: false),
            timestamp: timestamp, activityProgress: activityProgress, gradingProgress: gradingProgress,
            submission: submission)
    }
}

// MARK: - Codable

extension Score: Codable {
    enum CodingKeys: String, CodingKey {
        case userId, scoreGiven, scoreMaximum, comment, timestamp, activityProgress, gradingProgress, submission
    }

    public init(from decoder: any Decoder) throws {
        let object = try decoder.singleValueContainer().decode([String: LTIJSON].self)
        try self.init(validating: object)
    }

    /// Writes the score with `timestamp` in UTC with milliseconds.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(userId, forKey: .userId)
        try container.encodeIfPresent(scoreGiven, forKey: .scoreGiven)
        try container.encodeIfPresent(scoreMaximum, forKey: .scoreMaximum)
        try container.encodeIfPresent(comment, forKey: .comment)
        try container.encode(ISO8601Timestamp.format(timestamp), forKey: .timestamp)
        try container.encode(activityProgress, forKey: .activityProgress)
        try container.encode(gradingProgress, forKey: .gradingProgress)
        try container.encodeIfPresent(submission, forKey: .submission)
    }
}
