import Fluent
import Foundation

/// A tool placed in a class: what students and teachers launch. Its `link_id` is the
/// resource_link id tools see, stable for the placement.
final class LTIResourceLink: Model, @unchecked Sendable {
    static let schema = "lti_resource_links"

    @ID(key: .id) var id: UUID?
    @Field(key: "link_id") var linkID: String
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "class_sourced_id") var classSourcedID: String
    @Field(key: "tool_id") var toolID: UUID
    @Field(key: "deployment_id") var deploymentID: String
    @Field(key: "title") var title: String
    @Field(key: "text") var text: String
    /// The launch URL a deep-linked item asked for; nil: the tool's target link URI.
    @OptionalField(key: "url") var url: String?
    /// JSON object of custom parameters for this link.
    @Field(key: "custom") var custom: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "status") var status: String

    init() {}

    var customParameters: [String: String] { (try? JSONDecoder().decode([String: String].self, from: Data(custom.utf8))) ?? [:] }
}
