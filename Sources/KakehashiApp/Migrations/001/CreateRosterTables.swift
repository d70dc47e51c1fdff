import Fluent
import OneRoster

/// The roster tables as of the first release. The column list comes from the OneRoster schema of
/// that release; a later change to `RosterSchema.storageColumns` needs a new migration that adds
/// the column (a test compares the tables with the schema so that cannot be forgotten).
struct CreateRosterTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        for table in RosterTable.all {
            var builder = database.schema(table.name)
                .id()
                // No foreign key to tenants: it cost every imported row a lookup, and distributed
                // PostgreSQL engines restrict foreign keys across shards. Tenants are created in
                // the import's own transaction and never deleted.
                .field("tenant_id", .uuid, .required)
                .field("sourced_id", .string, .required)
                .field("status", .string, .required)
                .field("date_last_modified", .string, .required)
                // The dateLastModified the source gave (delta rows only), for the staleness check.
                .field("source_date_last_modified", .string)
            for column in table.dataColumns {
                builder = builder.field(FieldKey(stringLiteral: column.database), .string)
            }
            builder = builder
                .field("extensions", .string)
                .field("content_hash", .string, .required)
                .unique(on: "tenant_id", "sourced_id")
            try await builder.create()
        }
        // Secondary indexes (users by username, enrollments by class, …) arrive with the features that
        // query them: each one costs every import time, so none is added before it is used.
    }

    func revert(on database: any Database) async throws {
        for table in RosterTable.all.reversed() {
            try await database.schema(table.name).delete()
        }
    }
}
