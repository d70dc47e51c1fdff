import Fluent
import OneRoster
import SQLKit

/// The roster tables as of the first release. The column list comes from the OneRoster schema of
/// that release; a later change to `RosterSchema.storageColumns` needs a new migration that adds
/// the column (a test compares the tables with the schema so that cannot be forgotten).
struct CreateRosterTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        for table in RosterTable.all {
            var builder = database.schema(table.name)
                .id()
                .field("tenant_id", .uuid, .required, .references(Tenant.schema, .id))
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
        let sql = database.sql
        // Lookups the importer, sign-in and REST need, all scoped by tenant.
        let indexes: [(String, String, [String])] = [
            ("roster_users_username", "roster_users", ["tenant_id", "username"]),
            ("roster_users_email", "roster_users", ["tenant_id", "email"]),
            ("roster_enrollments_class", "roster_enrollments", ["tenant_id", "class_sourced_id"]),
            ("roster_enrollments_user", "roster_enrollments", ["tenant_id", "user_sourced_id"]),
            ("roster_classes_school", "roster_classes", ["tenant_id", "school_sourced_id"]),
            ("roster_roles_user", "roster_roles", ["tenant_id", "user_sourced_id"]),
        ]
        for (name, table, columns) in indexes {
            try await sql.create(index: name).on(table).column(columns[0]).column(columns[1]).run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in RosterTable.all.reversed() {
            try await database.schema(table.name).delete()
        }
    }
}
