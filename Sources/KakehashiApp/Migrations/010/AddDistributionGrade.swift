import Fluent

/// District-wide distribution (一斉配信): a deep linking launch may target every class of a grade.
struct AddDistributionGrade: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LTILaunch.schema).field("distribution_grade", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LTILaunch.schema).deleteField("distribution_grade").update()
    }
}
