import Fluent
import Foundation
import SQLKit

/// Fixed-window request counters in the database (`rate_limits`): `hit` counts one request for
/// a key and says whether it is within the limit.
struct RateLimiter: Sendable {
    static let schema = "rate_limits"

    struct Rule: Sendable {
        var limit: Int
        var window: TimeInterval
    }

    /// Sign-in attempts per address: generous, because a whole school signs in at 08:30 from one
    /// NAT address; it stops scripted guessing across accounts, the per-account lockout does the rest.
    static let signInPerAddress = Rule(limit: 1_500, window: 5 * 60)
    /// Sign-in attempts per account (right or wrong), on top of the lockout after failures.
    static let signInPerAccount = Rule(limit: 20, window: 5 * 60)

    let database: any Database

    /// Counts a request for `key`; false when it is over the rule's limit in the current window.
    func hit(_ key: String, rule: Rule, now: Date = Date()) async throws -> Bool {
        let sql = database.sql
        let nowSeconds = Int64(now.timeIntervalSince1970)
        let windowStart = nowSeconds - Int64(rule.window)
        var ids = UUIDVersion7Generator()
        let id = ids.next()
        // One statement counts and answers; queued behind this process's other SQLite writers.
        let row = try await database.gatedWrite {
            try await sql.raw("""
                INSERT INTO "rate_limits" ("id", "key", "window_start", "count") VALUES (\(bind: id), \(bind: key), \(bind: nowSeconds), 1)
                ON CONFLICT ("key") DO UPDATE SET
                  "count" = CASE WHEN "rate_limits"."window_start" <= \(bind: windowStart) THEN 1 ELSE "rate_limits"."count" + 1 END,
                  "window_start" = CASE WHEN "rate_limits"."window_start" <= \(bind: windowStart) THEN \(bind: nowSeconds) ELSE "rate_limits"."window_start" END
                RETURNING "count"
                """).first()
        }
        guard let row else { return true }
        return try row.decode(column: "count", as: Int.self) <= rule.limit
    }
}
