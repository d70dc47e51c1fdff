/// Where grading of the user's work stands (AGS 2.0 §3.4.7): exactly these five values.
public enum GradingProgress: String, Codable, Sendable, CaseIterable {
    /// Final: the score is the grade.
    case fullyGraded = "FullyGraded"
    /// Not final; a grade may come later without a person's action.
    case pending = "Pending"
    /// A teacher must grade it (e.g. 見取り of a free answer); the score may be partial.
    case pendingManual = "PendingManual"
    case failed = "Failed"
    /// No grading has started.
    case notReady = "NotReady"

    /// Only a final or a partial-awaiting-teacher score changes the grade book (AGS 2.0 §3.4.7).
    public var changesGrade: Bool { self == .fullyGraded || self == .pendingManual }
}
