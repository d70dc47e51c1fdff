/// The context (xAPI Data §2.4.6), its contextActivities (§2.4.6.2) and, in 2.0, contextAgents
/// and contextGroups (IEEE 9274.1.1 §4.2.2.5).
extension Validation {
    static let contextKeys103 = [
        "registration", "instructor", "team", "contextActivities", "revision", "platform", "language", "statement", "extensions",
    ]
    static let contextKeys200 = contextKeys103 + ["contextAgents", "contextGroups"]
    static let contextActivityKinds = ["parent", "grouping", "category", "other"]
    static let contextAgentKeys = ["objectType", "agent", "relevantTypes"]
    static let contextGroupKeys = ["objectType", "group", "relevantTypes"]

    mutating func context(_ value: JSON, objectKind: ValidatedStatement.ObjectKind) throws(XAPIError) {
        let allowed = version == .v1_0_3 ? Self.contextKeys103 : Self.contextKeys200
        let context = try object(value, "a context", allowed: allowed)
        for member in context.members {
            try at(member.key) { v throws(XAPIError) in
                switch member.key {
                case "registration":
                    let registration = try v.uuid(member.value)
                    if !v.inSubStatement { v.facts.registration = registration }
                case "instructor":
                    var members: [AgentKey] = []
                    let key = try v.actor(member.value, role: "the instructor", members: &members)
                    v.addRelated(key, members)
                case "team":
                    guard member.value["objectType"] == .string("Group") else {
                        throw v.error("context.team-not-group", "context.team must be a Group (objectType \"Group\").")
                    }
                    var members: [AgentKey] = []
                    let key = try v.group(member.value, members: &members)
                    v.addRelated(key, members)
                case "contextActivities": try v.contextActivities(member.value)
                case "revision", "platform":
                    _ = try v.string(member.value)
                    guard objectKind == .activity else {
                        throw v.error(
                            "context.\(member.key)-not-allowed",
                            "context.\(member.key) may only be used when the statement's object is an Activity.")
                    }
                case "language": try v.languageCode(member.value)
                case "statement": _ = try v.statementRef(member.value)
                case "extensions":
                    let map = try v.extensions(member.value)
                    if !v.inSubStatement { v.facts.japan.collect(from: map) }
                case "contextAgents": try v.contextAgents(member.value)
                default: try v.contextGroups(member.value)
                }
            }
        }
    }

    mutating func addRelated(_ key: AgentKey?, _ members: [AgentKey]) {
        if let key { facts.addAgent(key, narrow: false) }
        for member in members { facts.addAgent(member, narrow: false) }
    }

    /// Keys parent, grouping, category, other; each an Activity or an array of Activities.
    mutating func contextActivities(_ value: JSON) throws(XAPIError) {
        let map = try object(value, "contextActivities", allowed: Self.contextActivityKinds)
        for member in map.members {
            try at(member.key) { v throws(XAPIError) in
                if case .array(let activities) = member.value {
                    for (index, activity) in activities.enumerated() {
                        try v.at(index) { v throws(XAPIError) in v.facts.addActivity(try v.activity(activity)) }
                    }
                } else {
                    guard case .object = member.value else {
                        throw v.wrongType(member.value, expected: "an Activity or an array of Activities")
                    }
                    v.facts.addActivity(try v.activity(member.value))
                    v.facts.hasSingleContextActivity = true
                }
            }
        }
    }

    /// 2.0: an array of `{objectType: "contextAgent", agent: Agent, relevantTypes?: [IRI]}`.
    mutating func contextAgents(_ value: JSON) throws(XAPIError) {
        for (index, element) in try array(value, of: "contextAgent objects").enumerated() {
            try at(index) { v throws(XAPIError) in
                let object = try v.object(element, "a contextAgent", allowed: Self.contextAgentKeys)
                try v.contextObjectType(object, "contextAgent")
                let agent = try v.required(object, "agent", of: "A contextAgent")
                let key = try v.at("agent") { v throws(XAPIError) in
                    if let type = agent["objectType"], type != .string("Agent") {
                        throw v.error("context.context-agent-not-agent", "contextAgents[].agent must be an Agent.")
                    }
                    return try v.agent(agent)
                }
                v.facts.addAgent(key, narrow: false)
                try v.relevantTypes(object)
            }
        }
    }

    /// 2.0: an array of `{objectType: "contextGroup", group: Group, relevantTypes?: [IRI]}`.
    mutating func contextGroups(_ value: JSON) throws(XAPIError) {
        for (index, element) in try array(value, of: "contextGroup objects").enumerated() {
            try at(index) { v throws(XAPIError) in
                let object = try v.object(element, "a contextGroup", allowed: Self.contextGroupKeys)
                try v.contextObjectType(object, "contextGroup")
                let group = try v.required(object, "group", of: "A contextGroup")
                try v.at("group") { v throws(XAPIError) in
                    guard group["objectType"] == .string("Group") else {
                        throw v.error("context.context-group-not-group", "contextGroups[].group must be a Group (objectType \"Group\").")
                    }
                    var members: [AgentKey] = []
                    let key = try v.group(group, members: &members)
                    v.addRelated(key, members)
                }
                try v.relevantTypes(object)
            }
        }
    }

    mutating func contextObjectType(_ object: JSONObject, _ expected: String) throws(XAPIError) {
        let objectType = try required(object, "objectType", of: "A \(expected)")
        try at("objectType") { v throws(XAPIError) in
            guard try v.string(objectType) == expected else {
                throw v.error("object-type.invalid", "The objectType must be \"\(expected)\".")
            }
        }
    }

    mutating func relevantTypes(_ object: JSONObject) throws(XAPIError) {
        guard let types = object["relevantTypes"] else { return }
        try at("relevantTypes") { v throws(XAPIError) in
            let list = try v.array(types, of: "IRIs")
            guard !list.isEmpty else {
                throw v.error("context.relevant-types-empty", "relevantTypes, when present, must list at least one IRI.")
            }
            for (index, type) in list.enumerated() {
                try v.at(index) { v throws(XAPIError) in _ = try v.iri(type) }
            }
        }
    }
}
