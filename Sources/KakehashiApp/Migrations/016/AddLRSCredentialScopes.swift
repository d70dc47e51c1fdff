import Fluent
import SQLKit

/// LRS credentials limited to some xAPI scopes (``XAPIScopes``, Communication §4.2): the names
/// separated by spaces. Credentials made before keep unrestricted access (`all`).
struct AddLRSCredentialScopes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LRSCredential.schema).field("scopes", .string, .required, .sql(.default("all"))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LRSCredential.schema).deleteField("scopes").update()
    }
}
