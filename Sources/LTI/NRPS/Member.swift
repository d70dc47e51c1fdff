/// One member of a context (NRPS 2.0 §2.2). `userId` is the launch's `sub`; the personal
/// fields are optional and must follow the tool's privacy allow-list (``limited(to:)``).
public struct Member: Codable, Sendable, Equatable {
    public var userId: String
    /// Full role URIs, as in the launch's roles claim.
    public var roles: [String]
    public var status: Status?
    public var name: String?
    public var givenName: String?
    public var familyName: String?
    public var email: String?
    public var picture: String?
    public var lisPersonSourcedId: String?

    public enum Status: String, Codable, Sendable, CaseIterable {
        case active = "Active"
        case inactive = "Inactive"
        case deleted = "Deleted"
    }

    /// The personal fields a tool may or may not be allowed to see.
    public enum PersonalField: String, Sendable, CaseIterable, Hashable {
        case name, givenName, familyName, email, picture, lisPersonSourcedId
    }

    public init(
        userId: String, roles: [String], status: Status? = .active, name: String? = nil, givenName: String? = nil,
        familyName: String? = nil, email: String? = nil, picture: String? = nil, lisPersonSourcedId: String? = nil
    ) {
        self.userId = userId
        self.roles = roles
        self.status = status
        self.name = name
        self.givenName = givenName
        self.familyName = familyName
        self.email = email
        self.picture = picture
        self.lisPersonSourcedId = lisPersonSourcedId
    }

    /// This member with only the personal fields in `allowed` (PII minimisation per tool).
    public func limited(to allowed: Set<PersonalField>) -> Member {
        var copy = self
        if !allowed.contains(.name) { copy.name = nil }
        if !allowed.contains(.givenName) { copy.givenName = nil }
        if !allowed.contains(.familyName) { copy.familyName = nil }
        if !allowed.contains(.email) { copy.email = nil }
        if !allowed.contains(.picture) { copy.picture = nil }
        if !allowed.contains(.lisPersonSourcedId) { copy.lisPersonSourcedId = nil }
        return copy
    }

    enum CodingKeys: String, CodingKey {
        case userId = "user_id"
        case roles, status, name, email, picture
        case givenName = "given_name"
        case familyName = "family_name"
        case lisPersonSourcedId = "lis_person_sourcedid"
    }
}
