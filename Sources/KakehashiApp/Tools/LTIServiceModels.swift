import Fluent
import Foundation

/// A bearer token of the Advantage services (client credentials grant), stored as its hash.
final class LTIAccessToken: Model, @unchecked Sendable {
    static let schema = "lti_access_tokens"
    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "tool_id") var toolID: UUID
    /// Space-separated scopes granted.
    @Field(key: "scopes") var scopes: String
    @Field(key: "expires_at") var expiresAt: Date
    init() {}
}

/// A client assertion id already used (RFC 7523 §3: a `jti` is accepted once), kept until the
/// assertion would have expired.
final class LTIUsedJTI: Model, @unchecked Sendable {
    static let schema = "lti_used_jtis"
    @ID(key: .id) var id: UUID?
    /// `client_id` + `/` + `jti`.
    @Field(key: "key") var key: String
    @Field(key: "expires_at") var expiresAt: Date
    init() {}
}

/// A gradebook column of a class, owned by the tool that created it (AGS 2.0 line item).
final class LTILineItem: Model, @unchecked Sendable {
    static let schema = "lti_line_items"
    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "tool_id") var toolID: UUID
    @Field(key: "deployment_id") var deploymentID: String
    @Field(key: "class_sourced_id") var classSourcedID: String
    /// The resource link it is coupled to (Deep Linking `lineItem`), if any.
    @OptionalField(key: "link_id") var linkID: String?
    @Field(key: "label") var label: String
    @Field(key: "score_maximum") var scoreMaximum: Double
    @OptionalField(key: "resource_id") var resourceID: String?
    @OptionalField(key: "tag") var tag: String?
    @OptionalField(key: "start_date_time") var startDateTime: String?
    @OptionalField(key: "end_date_time") var endDateTime: String?
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

/// The latest score of a person on a line item (AGS 2.0 score → result).
final class LTIScore: Model, @unchecked Sendable {
    static let schema = "lti_scores"
    @ID(key: .id) var id: UUID?
    @Field(key: "line_item_id") var lineItemID: UUID
    @Field(key: "user_sourced_id") var userSourcedID: String
    @OptionalField(key: "score_given") var scoreGiven: Double?
    @OptionalField(key: "score_maximum") var scoreMaximum: Double?
    @OptionalField(key: "comment") var comment: String?
    @Field(key: "activity_progress") var activityProgress: String
    @Field(key: "grading_progress") var gradingProgress: String
    @Field(key: "timestamp") var timestamp: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

/// A single-use token for one LTI Dynamic Registration, issued by a board administrator.
final class LTIRegistrationToken: Model, @unchecked Sendable {
    static let schema = "lti_registration_tokens"
    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "created_by") var createdBy: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    init() {}
}
