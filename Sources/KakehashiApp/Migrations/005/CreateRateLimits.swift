import Fluent

/// Rate-limit counters live in the database, so every instance behind a load balancer counts
/// the same requests.
struct CreateRateLimits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RateLimiter.schema)
            .id()
            .field("key", .string, .required)
            .field("window_start", .int64, .required)
            .field("count", .int64, .required)
            .unique(on: "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RateLimiter.schema).delete()
    }
}
