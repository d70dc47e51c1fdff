import Fluent
import SQLKit

/// Learner rights (``LearnerRecords``) find one person's records by who they are, not by the
/// keys the LRS queries by: documents by agent key (the State key starts with the activity),
/// tools' pseudonymous subjects by the person, gradebook scores by the person. Without these
/// indexes each export, erasure and person page read the tenant's whole tables. None is on the
/// statement ingestion path.
struct CreateLearnerRecordIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.create(index: "lrs_documents_agent").on(LRSSchema.documents).column("tenant_id").column("agent_key").run()
        try await sql.create(index: "lrs_subjects_person").on(LRSSchema.subjects).column("tenant_id").column("sourced_id").run()
        try await sql.create(index: "lti_scores_user").on(LTIScore.schema).column("user_sourced_id").run()
    }

    func revert(on database: any Database) async throws {
        for index in ["lti_scores_user", "lrs_subjects_person", "lrs_documents_agent"] {
            try await database.sql.drop(index: index).run()
        }
    }
}
