/// The body of a context membership response (NRPS 2.0 §2.2), served as
/// `application/vnd.ims.lti-nrps.v2.membershipcontainer+json`. Pages are linked by the `Link`
/// header (``LinkHeader``), not by the body.
public struct MembershipContainer: Codable, Sendable, Equatable {
    /// The URL of this membership list.
    public var id: String
    public var context: Context
    public var members: [Member]

    public init(id: String, context: Context, members: [Member]) {
        self.id = id
        self.context = context
        self.members = members
    }

    /// The context (course or class) whose members are listed.
    public struct Context: Codable, Sendable, Equatable {
        public var id: String
        public var label: String?
        public var title: String?

        public init(id: String, label: String? = nil, title: String? = nil) {
            self.id = id
            self.label = label
            self.title = title
        }
    }
}
