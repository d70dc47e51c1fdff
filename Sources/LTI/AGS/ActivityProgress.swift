/// How far the user is in the activity (AGS 2.0 §3.4.6): exactly these five values.
public enum ActivityProgress: String, Codable, Sendable, CaseIterable {
    case initialized = "Initialized"
    case started = "Started"
    case inProgress = "InProgress"
    case submitted = "Submitted"
    case completed = "Completed"
}
