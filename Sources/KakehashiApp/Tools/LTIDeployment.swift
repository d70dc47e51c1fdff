import Fluent
import Foundation

/// A tool deployed to a tenant (or one school of it). The deployment id is stable for the life
/// of the deployment and sent in every launch (`lti_deployment_id`, the deployment_id claim).
final class LTIDeployment: Model, @unchecked Sendable {
    static let schema = "lti_deployments"

    @ID(key: .id) var id: UUID?
    @Field(key: "deployment_id") var deploymentID: String
    @Field(key: "tool_id") var toolID: UUID
    @Field(key: "tenant_id") var tenantID: UUID
    /// Nil: the whole tenant.
    @OptionalField(key: "school_sourced_id") var schoolSourcedID: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
