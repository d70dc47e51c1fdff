import Fluent
import Foundation
import SQLKit

extension LTILaunch {
    /// Records this launch as used now, in one statement; false when its hint was used before
    /// (`hint_id` is unique). A replay racing the first use: one wins, on both engines.
    /// Launches past their expiry by an hour are pruned at most once a minute per process.
    func recordUse(on database: any Database, now: Date = Date()) async throws -> Bool {
        let sql = database.sql
        var ids = UUIDVersion7Generator()
        let id = ids.next()
        let inserted = try await database.gatedWrite {
            try await sql.raw(
                """
                INSERT INTO \(ident: Self.schema) ("id", "hint_id", "tenant_id", "user_sourced_id", "tool_id", "deployment_id", "message_type", "link_id",
                  "class_sourced_id", "created_at", "expires_at", "used_at", "distribution_grade")
                VALUES (\(bind: id), \(bind: hintID), \(bind: tenantID), \(bind: userSourcedID), \(bind: toolID), \(bind: deploymentID), \(bind: messageType),
                  \(bind: linkID), \(bind: classSourcedID), \(bind: createdAt), \(bind: expiresAt), \(bind: now), \(bind: distributionGrade))
                ON CONFLICT ("hint_id") DO NOTHING RETURNING "id"
                """
            ).first()
        }
        guard inserted != nil else { return false }
        self.id = id
        self.usedAt = now
        if Self.pruning.mutate({ last in
            guard now.timeIntervalSince(last) > 60 else { return false }
            last = now
            return true
        }) {
            try await database.gatedWrite {
                try await sql.delete(from: Self.schema).where("expires_at", .lessThan, SQLBind(now.addingTimeInterval(-3600))).run()
            }
        }
        return true
    }

    /// When this process last pruned old launches.
    private static let pruning = LockedBox(Date.distantPast)
}
