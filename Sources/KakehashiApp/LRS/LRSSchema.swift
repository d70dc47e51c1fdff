/// Table names of the Learning Record Store (migration 013, ``CreateLRS``).
enum LRSSchema {
    static let statements = "lrs_statements"
    static let statementAgents = "lrs_statement_agents"
    static let statementActivities = "lrs_statement_activities"
    /// Filter rows on their way to the two tables above (migration 017, SQLite).
    static let filterStaging = "lrs_filter_staging"
    /// Registrations and course-of-study codes of statements (migration 018, ``StatementStore/KeyKind``).
    static let statementKeys = "lrs_statement_keys"
    static let attachments = "lrs_attachments"
    static let documents = "lrs_documents"
    static let activities = "lrs_activities"
    static let agents = "lrs_agents"
    static let subjects = "lrs_subjects"
    static let subjectFills = "lrs_subject_fills"
}
