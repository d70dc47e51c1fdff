import Fluent
import Foundation

/// A roster package uploaded through the admin page: validated on arrival, applied only when an
/// administrator confirms. Kept in the database (not on one server's disk) so the confirmation
/// may reach any instance.
final class RosterUpload: Model, @unchecked Sendable {
    static let schema = "roster_uploads"

    enum Status: String, Sendable {
        case pending, applied, discarded, failed
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "uploaded_by") var uploadedBy: String
    @Field(key: "uploaded_at") var uploadedAt: Date
    @Field(key: "filename") var filename: String
    @Field(key: "sha256") var sha256: String
    @Field(key: "size") var size: Int
    @Field(key: "package") var package: Data
    @Field(key: "valid") var valid: Bool
    /// The validation report as JSON (``OneRoster/ValidationReport``).
    @Field(key: "report") var report: String
    @Field(key: "status") var status: String
    @OptionalField(key: "decided_at") var decidedAt: Date?

    init() {}
}
