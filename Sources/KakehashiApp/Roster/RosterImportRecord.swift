import Fluent
import Foundation

/// One roster import attempt, kept for admins (import history): when, who or what, the package's
/// SHA-256, the counts per entity and the result.
final class RosterImportRecord: Model, @unchecked Sendable {
    static let schema = "roster_imports"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID?
    @Field(key: "tenant_code") var tenantCode: String
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "finished_at") var finishedAt: Date
    /// Who or what started it: `cli:root@host`, later a signed-in admin.
    @Field(key: "actor") var actor: String
    @Field(key: "package_name") var packageName: String
    @Field(key: "package_sha256") var packageSHA256: String
    @Field(key: "profile") var profile: String
    /// `applied`, `unchanged`, `rejected-invalid`, `rejected-shrink`, `failed`.
    @Field(key: "result") var result: String
    /// Counts per entity as JSON (`{"users":{"created":…}}`).
    @Field(key: "counts") var counts: String
    @Field(key: "error_count") var errorCount: Int
    @Field(key: "message") var message: String

    init() {}
}
