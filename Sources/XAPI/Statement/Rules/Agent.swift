/// Agents, Groups and the authority (xAPI Data §2.4.2, §2.4.9).
extension Validation {
    static let agentKeys = ["objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"]
    static let groupKeys = ["objectType", "name", "member", "mbox", "mbox_sha1sum", "openid", "account"]
    static let accountKeys = ["homePage", "name"]

    /// An Agent or a Group in the actor position (actor, instructor, the `agent` parameter):
    /// `objectType` absent or `Agent` means an Agent, `Group` a Group. Returns the key (nil for
    /// an Anonymous Group) and records the keys of the group's members in `members`.
    @discardableResult
    mutating func actor(_ value: JSON, role: String, members: inout [AgentKey]) throws(XAPIError) -> AgentKey? {
        guard case .object(let object) = value else { throw wrongType(value, expected: "\(role) (an Agent or Group object)") }
        switch object["objectType"] {
        case nil, .string("Agent"):
            return try agent(value)
        case .string("Group"):
            return try group(value, members: &members)
        case .some(let other):
            throw try at("objectType") { v throws(XAPIError) in
                _ = try v.string(other)
                return v.error("object-type.invalid", "The objectType of \(role) must be \"Agent\" or \"Group\".")
            }
        }
    }

    @discardableResult
    mutating func actor(_ value: JSON, role: String) throws(XAPIError) -> AgentKey? {
        var members: [AgentKey] = []
        return try actor(value, role: role, members: &members)
    }

    /// An Agent: exactly one IFI (Data §2.4.2.1.s2.b1, b2).
    mutating func agent(_ value: JSON) throws(XAPIError) -> AgentKey {
        let object = try self.object(value, "an Agent", allowed: Self.agentKeys)
        if let objectType = object["objectType"] {
            try at("objectType") { v throws(XAPIError) in
                guard try v.string(objectType) == "Agent" else {
                    throw v.error("object-type.invalid", "The objectType of an Agent must be \"Agent\".")
                }
            }
        }
        if let name = object["name"] { try at("name") { v throws(XAPIError) in _ = try v.string(name) } }
        let count = try inverseFunctionalIdentifiers(object)
        if count == 0 {
            throw error("agent.ifi-missing", "An Agent must have exactly one of mbox, mbox_sha1sum, openid or account.")
        }
        if count > 1 {
            throw error("agent.ifi-multiple", "An Agent must have exactly one of mbox, mbox_sha1sum, openid or account, not \(count).")
        }
        return AgentKey(agent: object)!
    }

    /// A Group: Anonymous (no IFI, a `member` list) or Identified (exactly one IFI); members are
    /// Agents, never Groups (Data §2.4.2.2.s4, s5).
    mutating func group(_ value: JSON, members: inout [AgentKey]) throws(XAPIError) -> AgentKey? {
        let object = try self.object(value, "a Group", allowed: Self.groupKeys)
        if let name = object["name"] { try at("name") { v throws(XAPIError) in _ = try v.string(name) } }
        let count = try inverseFunctionalIdentifiers(object)
        if count > 1 {
            throw error("group.ifi-multiple", "An Identified Group must have exactly one of mbox, mbox_sha1sum, openid or account, not \(count).")
        }
        if let member = object["member"] {
            try at("member") { v throws(XAPIError) in
                let list = try v.array(member, of: "Agents")
                if count == 0, list.isEmpty {
                    throw v.error("group.anonymous-members-missing", "An Anonymous Group must list its member Agents.")
                }
                for (index, element) in list.enumerated() {
                    try v.at(index) { v throws(XAPIError) in
                        if case .object(let memberObject) = element, let type = memberObject["objectType"], type != .string("Agent") {
                            throw v.error("group.member-not-agent", "The members of a Group must be Agents, not Groups.")
                        }
                        members.append(try v.agent(element))
                    }
                }
            }
        } else if count == 0 {
            throw error("group.anonymous-members-missing", "An Anonymous Group (a Group without an identifier) must have a \"member\" list.")
        }
        return count == 1 ? AgentKey(agent: object) : nil
    }

    /// Validates the IFI properties present and returns how many there are.
    mutating func inverseFunctionalIdentifiers(_ object: JSONObject) throws(XAPIError) -> Int {
        var count = 0
        if let mbox = object["mbox"] {
            count += 1
            try at("mbox") { v throws(XAPIError) in
                let text = try v.string(mbox)
                guard IRI.isValidMailto(text) else {
                    throw v.error("agent.mbox-invalid", "mbox must be a mailto IRI such as mailto:ann@example.com; got \"\(text)\".")
                }
            }
        }
        if let sha1 = object["mbox_sha1sum"] {
            count += 1
            try at("mbox_sha1sum") { v throws(XAPIError) in
                let text = try v.string(sha1)
                guard IRI.isSHA1Hex(text) else {
                    throw v.error("agent.mbox-sha1sum-invalid", "mbox_sha1sum must be the 40 hex digits of a SHA-1 hash; got \"\(text)\".")
                }
            }
        }
        if let openid = object["openid"] {
            count += 1
            try at("openid") { v throws(XAPIError) in _ = try v.iri(openid, what: "an OpenID URI") }
        }
        if let account = object["account"] {
            count += 1
            try at("account") { v throws(XAPIError) in
                let accountObject = try v.object(account, "an account", allowed: Self.accountKeys)
                let homePage = try v.required(accountObject, "homePage", of: "An account")
                try v.at("homePage") { v throws(XAPIError) in _ = try v.irl(homePage) }
                let name = try v.required(accountObject, "name", of: "An account")
                try v.at("name") { v throws(XAPIError) in _ = try v.string(name) }
            }
        }
        return count
    }

    /// The authority (Data §2.4.9.s3.b1): an Agent, or for 3-legged OAuth an Anonymous Group of
    /// exactly two Agents.
    mutating func authority(_ value: JSON) throws(XAPIError) {
        guard case .object(let object) = value else { throw wrongType(value, expected: "an Agent or Group object") }
        if object["objectType"] == .string("Group") {
            var members: [AgentKey] = []
            let key = try group(value, members: &members)
            let count = object["member"]?.array?.count ?? 0
            guard key == nil, count == 2 else {
                throw error(
                    "authority.group-invalid",
                    "A Group authority must be an Anonymous Group of exactly two Agents (the OAuth consumer and the user).")
            }
        } else {
            try actor(value, role: "the authority")
        }
    }
}
