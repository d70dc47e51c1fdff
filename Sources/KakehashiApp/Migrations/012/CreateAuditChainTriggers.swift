import Fluent
import SQLKit

/// On SQLite, an audit entry extends its chain in one statement: the INSERT itself checks that
/// the entry follows the chain's head (position and hash) and moves the head, by two triggers.
/// The writer remembers the head between entries; when another process or a rolled-back
/// transaction moved it, the check fails and the writer reads the head and tries again
/// (``AuditLog``). PostgreSQL keeps claiming the head row first, which locks it until commit.
struct CreateAuditChainTriggers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard SQLDialectKind(database.sql) == .sqlite else { return }
        try await database.sql.raw(
            """
            CREATE TRIGGER "audit_events_follow_head" BEFORE INSERT ON "audit_events"
            BEGIN
              SELECT RAISE(ABORT, 'audit chain head moved')
              WHERE NOT EXISTS (SELECT 1 FROM "audit_chain_heads" h
                                WHERE h."chain" = NEW."chain" AND h."position" = NEW."position" - 1 AND h."hash" = NEW."previous_hash");
            END
            """
        ).run()
        try await database.sql.raw(
            """
            CREATE TRIGGER "audit_events_move_head" AFTER INSERT ON "audit_events"
            BEGIN
              UPDATE "audit_chain_heads" SET "position" = NEW."position", "hash" = NEW."hash" WHERE "chain" = NEW."chain";
            END
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        guard SQLDialectKind(database.sql) == .sqlite else { return }
        try await database.sql.raw("DROP TRIGGER IF EXISTS \"audit_events_move_head\"").run()
        try await database.sql.raw("DROP TRIGGER IF EXISTS \"audit_events_follow_head\"").run()
    }
}
