/// Table names of the Learning Record Store (migration 013, ``CreateLRS``).
enum LRSSchema {
    static let statements = "lrs_statements"
    /// The `agent` filter: a row per agent of a statement, with its verb (migration 020, ``FilterKeys``).
    static let filterAgents = "lrs_filter_agents"
    /// The `activity` filter: a row per activity of a statement.
    static let filterActivities = "lrs_filter_activities"
    /// Registrations and course-of-study codes of statements.
    static let filterKeys = "lrs_filter_keys"
    /// Filter rows on their way to the three tables above (migrations 017 and 020, SQLite).
    static let filterStaging = "lrs_filter_staging"
    static let attachments = "lrs_attachments"
    static let documents = "lrs_documents"
    static let activities = "lrs_activities"
    static let agents = "lrs_agents"
    static let subjects = "lrs_subjects"
    static let subjectFills = "lrs_subject_fills"

    /// The filter tables before migration 020, keyed by the tenant's id and texts (migrations
    /// 013 and 018; migration 020 re-keys their rows and drops them, and its revert rebuilds them).
    enum TextKeyed {
        static let agents = "lrs_statement_agents"
        static let activities = "lrs_statement_activities"
        static let keys = "lrs_statement_keys"
    }
}
