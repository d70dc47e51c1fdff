import Foundation
import OneRoster
import Testing

@testable import KakehashiApp

@Suite struct SchemaTests {
    /// The roster tables hold every canonical OneRoster column: a change to the schema without a
    /// migration that adds its column fails here.
    @Test(arguments: TestDatabase.available)
    func everyStorageColumnHasATableColumn(database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let sql = BulkSQL(app.db)
            for table in RosterTable.all {
                let columns = table.columns.map(\.database) + ["extensions", "content_hash", "tenant_id"]
                // Selecting every column fails if one is missing.
                _ = try await sql.run(
                    "SELECT " + columns.map(BulkSQL.quote).joined(separator: ", ") + " FROM \(BulkSQL.quote(table.name)) WHERE 1 = 0", [])
                #expect(table.columns.count == RosterSchema.storageColumns(table.file).count)
            }
        }
    }

    @Test func databaseNamesFollowTheColumnNames() {
        #expect(RosterTable.databaseName(for: "givenName") == "given_name")
        #expect(RosterTable.databaseName(for: "metadata.jp.kanaGivenName") == "jp_kana_given_name")
        #expect(RosterTable.databaseName(for: "sourcedId") == "sourced_id")
        #expect(RosterTable(.academicSessions).name == "roster_academic_sessions")
        let names = RosterTable.all.flatMap { $0.columns.map(\.database) }
        #expect(!names.contains { $0.contains(".") })
    }

    /// `.ci/run` sets KAKEHASHI_REQUIRE_POSTGRES=1: there the PostgreSQL tests must not be skipped.
    @Test func postgresIsConfiguredWhenRequired() {
        if ProcessInfo.processInfo.environment["KAKEHASHI_REQUIRE_POSTGRES"] == "1" {
            #expect(TestDatabase.postgresURL != nil, "KAKEHASHI_TEST_POSTGRES_URL is not set")
            #expect(TestDatabase.available.contains(.postgres))
        }
    }

    @Test func theDatabaseDescriptionHidesThePassword() {
        let settings = Settings(environment: ["KAKEHASHI_DATABASE_URL": "postgres://kakehashi:s3cret@db.example:5432/kakehashi"])
        #expect(!settings.databaseDescription.contains("s3cret"))
        #expect(settings.databaseDescription.contains("db.example"))
    }
}

