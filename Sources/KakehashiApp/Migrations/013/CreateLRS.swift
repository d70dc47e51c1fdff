import Fluent
import SQLKit

/// The Learning Record Store (issue 5): statements with their index columns, the side tables of
/// the `agent` / `activity` filters, attachments by SHA-2, the three document resources,
/// canonical activities and agent names, credentials, and the map from tools' pseudonymous
/// subjects to roster people.
///
/// Times are integer microseconds since 1970 (`*_us`), so ordering and `since`/`until` compare
/// numbers on both engines. Text keys that are absent are stored as `''` where they take part
/// in a unique key (NULLs never collide).
struct CreateLRS: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await database.schema(LRSSchema.statements)
            .field("tenant_id", .uuid, .required)
            .field("statement_id", .string, .required)
            .field("stored_us", .int64, .required)
            .field("timestamp_us", .int64, .required)
            .field("verb_id", .string, .required)
            .field("actor_key", .string)
            .field("object_kind", .string, .required)
            .field("object_activity_id", .string)
            .field("object_agent_key", .string)
            .field("statement_ref", .string)
            .field("voids", .string)
            .field("registration", .string)
            .field("voided", .int64, .required)
            .field("person_sourced_id", .string)
            .field("credential", .string, .required)
            .field("jp_grade", .string)
            .field("jp_subject", .string)
            .field("jp_course_of_study", .string)
            .field("jp_unit", .string)
            .field("jp_assessment_type", .string)
            .field("statement", .string, .required)
            .compositeIdentifier(over: "tenant_id", "statement_id")
            .create()
        try await sql.create(index: "lrs_statements_stored").on(LRSSchema.statements).column("tenant_id").column("stored_us").run()
        try await sql.create(index: "lrs_statements_verb").on(LRSSchema.statements).column("tenant_id").column("verb_id").column("stored_us").run()
        try await sql.raw(
            "CREATE INDEX \"lrs_statements_registration\" ON \"lrs_statements\" (\"tenant_id\", \"registration\", \"stored_us\") WHERE \"registration\" IS NOT NULL"
        ).run()
        try await sql.raw(
            "CREATE INDEX \"lrs_statements_voids\" ON \"lrs_statements\" (\"tenant_id\", \"voids\") WHERE \"voids\" IS NOT NULL").run()
        try await sql.raw(
            "CREATE INDEX \"lrs_statements_person\" ON \"lrs_statements\" (\"tenant_id\", \"person_sourced_id\", \"stored_us\") WHERE \"person_sourced_id\" IS NOT NULL"
        ).run()
        try await sql.raw(
            "CREATE INDEX \"lrs_statements_course_of_study\" ON \"lrs_statements\" (\"tenant_id\", \"jp_course_of_study\") WHERE \"jp_course_of_study\" IS NOT NULL"
        ).run()

        // `agent` filter: one row per agent key of a statement; `direct` = 1 for the keys the
        // plain filter matches (actor, object, their members), 0 for related_agents only.
        // `activity` filter: `direct` = 1 for the object Activity, 0 for related_activities only.
        // The primary key is the query's order, so the table is its own index: on SQLite a
        // WITHOUT ROWID table, one B-tree per row instead of three (table, key, query index);
        // ingestion writes two or three of these rows per statement.
        try await Self.createFilterTables(sql)

        try await database.schema(LRSSchema.attachments)
            .field("tenant_id", .uuid, .required)
            .field("sha2", .string, .required)
            .field("content_type", .string, .required)
            .field("length", .int64, .required)
            .field("content", .data, .required)
            .field("created_us", .int64, .required)
            .compositeIdentifier(over: "tenant_id", "sha2")
            .create()

        // State (kind `state`), activity profile (`activity`) and agent profile (`agent`).
        try await database.schema(LRSSchema.documents)
            .id()
            .field("tenant_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("activity_id", .string, .required)
            .field("agent_key", .string, .required)
            .field("registration", .string, .required)
            .field("document_id", .string, .required)
            .field("content", .data, .required)
            .field("content_type", .string, .required)
            .field("etag", .string, .required)
            .field("updated_us", .int64, .required)
            .unique(on: "tenant_id", "kind", "activity_id", "agent_key", "registration", "document_id", name: "lrs_documents_key")
            .create()

        try await database.schema(LRSSchema.activities)
            .field("tenant_id", .uuid, .required)
            .field("activity_id", .string, .required)
            .field("definition", .string, .required)
            .field("updated_us", .int64, .required)
            .compositeIdentifier(over: "tenant_id", "activity_id")
            .create()
        try await database.schema(LRSSchema.agents)
            .field("tenant_id", .uuid, .required)
            .field("agent_key", .string, .required)
            .field("name", .string, .required)
            .field("updated_us", .int64, .required)
            .compositeIdentifier(over: "tenant_id", "agent_key")
            .create()

        try await database.schema(LRSCredential.schema)
            .id()
            .field("tenant_id", .uuid, .required)
            .field("key", .string, .required)
            .field("secret_hash", .string, .required)
            .field("label", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .unique(on: "key")
            .create()

        // Tools' pseudonymous subjects → roster people, filled per tool and tenant when an
        // unknown subject arrives (``ActorResolver``).
        try await database.schema(LRSSchema.subjects)
            .field("tenant_id", .uuid, .required)
            .field("tool_id", .uuid, .required)
            .field("subject", .string, .required)
            .field("sourced_id", .string, .required)
            .compositeIdentifier(over: "tenant_id", "subject", "tool_id")
            .create()
        try await database.schema(LRSSchema.subjectFills)
            .field("tenant_id", .uuid, .required)
            .field("tool_id", .uuid, .required)
            .field("filled_us", .int64, .required)
            .compositeIdentifier(over: "tenant_id", "tool_id")
            .create()
    }

    /// The `agent` and `activity` filter tables as this migration made them (also migration
    /// 020's revert, which brings them back).
    static func createFilterTables(_ sql: any SQLDatabase) async throws {
            let kind = SQLDialectKind(sql)
            let integer = kind == .sqlite ? "INTEGER" : "BIGINT"
            let clustered = kind == .sqlite ? " WITHOUT ROWID" : ""
            try await sql.raw(
                """
                CREATE TABLE \(ident: LRSSchema.TextKeyed.agents) ("tenant_id" UUID NOT NULL, "agent_key" TEXT NOT NULL, "verb_id" TEXT NOT NULL,
                  "stored_us" \(unsafeRaw: integer) NOT NULL, "statement_id" TEXT NOT NULL, "direct" \(unsafeRaw: integer) NOT NULL,
                  PRIMARY KEY ("tenant_id", "agent_key", "verb_id", "stored_us", "statement_id"))\(unsafeRaw: clustered)
                """
            ).run()
            try await sql.raw(
                """
                CREATE TABLE \(ident: LRSSchema.TextKeyed.activities) ("tenant_id" UUID NOT NULL, "activity_id" TEXT NOT NULL,
                  "stored_us" \(unsafeRaw: integer) NOT NULL, "statement_id" TEXT NOT NULL, "direct" \(unsafeRaw: integer) NOT NULL,
                  PRIMARY KEY ("tenant_id", "activity_id", "stored_us", "statement_id"))\(unsafeRaw: clustered)
                """
            ).run()
    }

    func revert(on database: any Database) async throws {
        for table in [
            LRSSchema.subjectFills, LRSSchema.subjects, LRSCredential.schema, LRSSchema.agents, LRSSchema.activities, LRSSchema.documents,
            LRSSchema.attachments, LRSSchema.TextKeyed.activities, LRSSchema.TextKeyed.agents, LRSSchema.statements,
        ] {
            try await database.schema(table).delete()
        }
    }
}
