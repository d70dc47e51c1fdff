import Fluent
import SQLKit

/// The registration and the Japan profile's course-of-study codes of each statement as rows of
/// `lrs_statement_keys` (tenant, kind, key, stored, statement), in place of two indexes of
/// `lrs_statements`. A registration is random per attempt and a code one of hundreds, so each
/// statement had rewritten a page of each index into the WAL; as key rows they are staged on
/// SQLite with the filter rows and merged in key order (``StatementStore``). A statement with
/// several codes now has a row for each (the index held the codes joined by line feeds).
/// `kind` is ``FilterKeys/Kind``; the staging table gains `key` for them.
struct CreateStatementKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        let sqlite = SQLDialectKind(sql) == .sqlite
        try await Self.createTable(sql)
        try await sql.raw("ALTER TABLE \(ident: LRSSchema.filterStaging) ADD COLUMN \"key\" TEXT").run()
        let registration = FilterKeys.Kind.registration.rawValue
        let courseOfStudy = FilterKeys.Kind.courseOfStudy.rawValue
        try await sql.raw(
            """
            INSERT INTO \(ident: LRSSchema.TextKeyed.keys) ("tenant_id", "kind", "key", "stored_us", "statement_id")
            SELECT "tenant_id", \(unsafeRaw: String(registration)), "registration", "stored_us", "statement_id" FROM "lrs_statements" WHERE "registration" IS NOT NULL
            """
        ).run()
        if sqlite {
            try await sql.raw(
                """
                WITH RECURSIVE "split"("tenant_id", "stored_us", "statement_id", "code", "rest") AS (
                  SELECT "tenant_id", "stored_us", "statement_id", '', "jp_course_of_study" || char(10) FROM "lrs_statements" WHERE "jp_course_of_study" IS NOT NULL
                  UNION ALL
                  SELECT "tenant_id", "stored_us", "statement_id", substr("rest", 1, instr("rest", char(10)) - 1), substr("rest", instr("rest", char(10)) + 1)
                  FROM "split" WHERE "rest" <> '')
                INSERT OR IGNORE INTO \(ident: LRSSchema.TextKeyed.keys) ("tenant_id", "kind", "key", "stored_us", "statement_id")
                SELECT "tenant_id", \(unsafeRaw: String(courseOfStudy)), "code", "stored_us", "statement_id" FROM "split" WHERE "code" <> ''
                """
            ).run()
        } else {
            try await sql.raw(
                """
                INSERT INTO \(ident: LRSSchema.TextKeyed.keys) ("tenant_id", "kind", "key", "stored_us", "statement_id")
                SELECT DISTINCT "tenant_id", \(unsafeRaw: String(courseOfStudy)), "code", "stored_us", "statement_id"
                FROM "lrs_statements", unnest(string_to_array("jp_course_of_study", E'\\n')) AS "code" WHERE "jp_course_of_study" IS NOT NULL AND "code" <> ''
                """
            ).run()
        }
        try await sql.drop(index: "lrs_statements_registration").run()
        try await sql.drop(index: "lrs_statements_course_of_study").run()
    }

    /// The key table as this migration made it (also migration 020's revert, which brings it back).
    static func createTable(_ sql: any SQLDatabase) async throws {
        let sqlite = SQLDialectKind(sql) == .sqlite
        let integer = sqlite ? "INTEGER" : "BIGINT"
        try await sql.raw(
            """
            CREATE TABLE \(ident: LRSSchema.TextKeyed.keys) ("tenant_id" UUID NOT NULL, "kind" \(unsafeRaw: integer) NOT NULL, "key" TEXT NOT NULL,
              "stored_us" \(unsafeRaw: integer) NOT NULL, "statement_id" TEXT NOT NULL,
              PRIMARY KEY ("tenant_id", "kind", "key", "stored_us", "statement_id"))\(unsafeRaw: sqlite ? " WITHOUT ROWID" : "")
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.raw(
            "CREATE INDEX \"lrs_statements_registration\" ON \"lrs_statements\" (\"tenant_id\", \"registration\", \"stored_us\") WHERE \"registration\" IS NOT NULL"
        ).run()
        try await sql.raw(
            "CREATE INDEX \"lrs_statements_course_of_study\" ON \"lrs_statements\" (\"tenant_id\", \"jp_course_of_study\") WHERE \"jp_course_of_study\" IS NOT NULL"
        ).run()
        try await sql.raw("DELETE FROM \(ident: LRSSchema.filterStaging) WHERE \"kind\" >= 2").run()
        try await sql.raw("ALTER TABLE \(ident: LRSSchema.filterStaging) DROP COLUMN \"key\"").run()
        try await database.schema(LRSSchema.TextKeyed.keys).delete()
    }
}
