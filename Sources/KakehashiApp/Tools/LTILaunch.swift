import Fluent
import Foundation

/// A launch between its first leg (the browser sent to the tool's login URL) and its id_token.
/// The signed `lti_message_hint` names it; it is used once.
final class LTILaunch: Model, @unchecked Sendable {
    static let schema = "lti_launches"

    @ID(key: .id) var id: UUID?
    @Field(key: "hint_id") var hintID: String
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "user_sourced_id") var userSourcedID: String
    @Field(key: "tool_id") var toolID: UUID
    @Field(key: "deployment_id") var deploymentID: String
    @Field(key: "message_type") var messageType: String
    @OptionalField(key: "link_id") var linkID: String?
    @Field(key: "class_sourced_id") var classSourcedID: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    /// A board administrator's district-wide distribution: the content goes to every class of
    /// this grade (Japan Profile grade code), not only to `class_sourced_id`.
    @OptionalField(key: "distribution_grade") var distributionGrade: String?

    init() {}
}
