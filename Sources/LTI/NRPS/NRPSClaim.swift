/// The Names and Role Provisioning Services claim of a launch (NRPS 2.0 §3.6.1): where the tool
/// reads the membership of the context.
public struct NRPSClaim: Codable, Sendable, Equatable {
    public static let claimName = LTIClaimName.namesRoleService

    public var contextMembershipsURL: String
    /// The service versions offered: `["2.0"]`.
    public var serviceVersions: [String]

    public init(contextMembershipsURL: String, serviceVersions: [String] = ["2.0"]) {
        self.contextMembershipsURL = contextMembershipsURL
        self.serviceVersions = serviceVersions
    }

    enum CodingKeys: String, CodingKey {
        case contextMembershipsURL = "context_memberships_url"
        case serviceVersions = "service_versions"
    }
}
