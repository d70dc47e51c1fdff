import Fluent
import SQLKit

/// The credential that wrote each State, Activity Profile and Agent Profile document: a
/// credential whose only way to a document resource is the `state` or `profile` scope reaches
/// only the documents it wrote (``XAPIScopes/reachesOnlyOwnDocuments(_:)``). Documents stored
/// before have no writer (`''`) and stay with the credentials that reach every document.
struct AddDocumentWriters: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LRSSchema.documents).field("credential", .string, .required, .sql(.default(""))).update()
    }

    func revert(on database: any Database) async throws {
        // One statement both engines take (SQLite since 3.35).
        try await database.sql.raw("ALTER TABLE \(ident: LRSSchema.documents) DROP COLUMN \"credential\"").run()
    }
}
