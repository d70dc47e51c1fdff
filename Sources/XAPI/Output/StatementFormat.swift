/// The `format` parameter of GET statements (Communication §2.1.3): pure functions from the
/// stored statement to what the response carries.
public enum StatementFormat: String, Sendable, CaseIterable {
    /// As stored (the default).
    case exact
    /// Only what identifies Agents, Groups, Activities and the verb.
    case ids
    /// Language maps reduced to one language chosen by Accept-Language.
    case canonical

    /// Reads the `format` parameter; nil means `exact`.
    public static func parse(_ value: String?) throws(XAPIError) -> StatementFormat {
        guard let value else { return .exact }
        guard let format = StatementFormat(rawValue: value) else {
            throw XAPIError(code: "parameter.format-invalid", message: "format must be exact, ids or canonical; got \"\(value)\".")
        }
        return format
    }

    /// The statement in this format. `canonicalDefinition` may supply the LRS's canonical
    /// Activity definition for `canonical` (by Activity id); the statement's own is used otherwise.
    public func apply(
        to statement: JSON, acceptLanguage: AcceptLanguage = AcceptLanguage(nil),
        canonicalDefinition: (String) -> JSON? = { _ in nil }
    ) -> JSON {
        switch self {
        case .exact: return statement
        case .ids: return Self.ids(statement)
        case .canonical: return Self.canonical(statement, acceptLanguage, canonicalDefinition)
        }
    }

    // MARK: - ids

    static func ids(_ statement: JSON) -> JSON {
        guard case .object(var object) = statement else { return statement }
        if let actor = object["actor"] { object["actor"] = idsAgent(actor) }
        if let authority = object["authority"] { object["authority"] = idsAgent(authority) }
        if case .object(var verb)? = object["verb"] {
            verb["display"] = nil
            object["verb"] = .object(verb)
        }
        if case .object(let target)? = object["object"] {
            switch target["objectType"]?.string {
            case nil, "Activity": object["object"] = idsActivity(.object(target))
            case "Agent", "Group": object["object"] = idsAgent(.object(target))
            case "SubStatement": object["object"] = ids(.object(target))
            default: break
            }
        }
        if case .object(var context)? = object["context"] {
            if let instructor = context["instructor"] { context["instructor"] = idsAgent(instructor) }
            if let team = context["team"] { context["team"] = idsAgent(team) }
            if case .object(var activities)? = context["contextActivities"] {
                for index in activities.members.indices {
                    let value = activities.members[index].value
                    activities.members[index].value = .array((value.array ?? [value]).map(idsActivity))
                }
                context["contextActivities"] = .object(activities)
            }
            for (key, inner) in [("contextAgents", "agent"), ("contextGroups", "group")] {
                if case .array(let entries)? = context[key] {
                    context[key] = .array(
                        entries.map { entry in
                            guard case .object(var entry) = entry, let agent = entry[inner] else { return entry }
                            entry[inner] = idsAgent(agent)
                            return .object(entry)
                        })
                }
            }
            object["context"] = .object(context)
        }
        return .object(object)
    }

    /// An Agent or Identified Group keeps objectType and its IFI; an Anonymous Group keeps
    /// objectType and its members reduced the same way.
    static func idsAgent(_ agent: JSON) -> JSON {
        guard case .object(let object) = agent else { return agent }
        var reduced = JSONObject()
        for key in ["objectType", "mbox", "mbox_sha1sum", "openid", "account"] {
            if let value = object[key] { reduced[key] = value }
        }
        if AgentKey(agent: object) == nil, case .array(let members)? = object["member"] {
            reduced["member"] = .array(members.map(idsAgent))
        }
        return .object(reduced)
    }

    static func idsActivity(_ activity: JSON) -> JSON {
        guard case .object(let object) = activity else { return activity }
        var reduced = JSONObject()
        if let type = object["objectType"] { reduced["objectType"] = type }
        if let id = object["id"] { reduced["id"] = id }
        return .object(reduced)
    }

    // MARK: - canonical

    /// The ids of the Activities whose definitions `canonical` shows: the object, the context
    /// activities, and both inside a SubStatement. The LRS looks up its canonical definitions of
    /// these before formatting (Communication §2.1.3.s4.b3).
    public static func activityIDs(in statement: JSON) -> [String] {
        var ids: [String] = []
        func add(_ activity: JSON) {
            guard case .object(let object) = activity, object["objectType"]?.string ?? "Activity" == "Activity", let id = object["id"]?.string else { return }
            ids.append(id)
        }
        func addContext(_ context: JSON?) {
            guard case .object(let activities)? = context?["contextActivities"] else { return }
            for member in activities.members {
                for activity in member.value.array ?? [member.value] { add(activity) }
            }
        }
        if let target = statement["object"] {
            add(target)
            if target["objectType"]?.string == "SubStatement" {
                if let inner = target["object"] { add(inner) }
                addContext(target["context"])
            }
        }
        addContext(statement["context"])
        return ids
    }

    static func canonical(_ statement: JSON, _ language: AcceptLanguage, _ definitions: (String) -> JSON?) -> JSON {
        guard case .object(var object) = statement else { return statement }
        if case .object(var verb)? = object["verb"] {
            if let display = verb["display"] { verb["display"] = reduce(display, language) }
            object["verb"] = .object(verb)
        }
        if case .object(let target)? = object["object"] {
            switch target["objectType"]?.string {
            case nil, "Activity": object["object"] = canonicalActivity(.object(target), language, definitions)
            case "SubStatement": object["object"] = canonical(.object(target), language, definitions)
            default: break
            }
        }
        if case .object(var context)? = object["context"], case .object(var activities)? = context["contextActivities"] {
            for index in activities.members.indices {
                let value = activities.members[index].value
                activities.members[index].value = .array((value.array ?? [value]).map { canonicalActivity($0, language, definitions) })
            }
            context["contextActivities"] = .object(activities)
            object["context"] = .object(context)
        }
        if case .array(let attachments)? = object["attachments"] {
            object["attachments"] = .array(
                attachments.map { attachment in
                    guard case .object(var attachment) = attachment else { return attachment }
                    for key in ["display", "description"] {
                        if let map = attachment[key] { attachment[key] = reduce(map, language) }
                    }
                    return .object(attachment)
                })
        }
        return .object(object)
    }

    static func canonicalActivity(_ activity: JSON, _ language: AcceptLanguage, _ definitions: (String) -> JSON?) -> JSON {
        guard case .object(var object) = activity else { return activity }
        if let id = object["id"]?.string, let definition = definitions(id) { object["definition"] = definition }
        guard case .object(var definition)? = object["definition"] else { return .object(object) }
        for key in ["name", "description"] {
            if let map = definition[key] { definition[key] = reduce(map, language) }
        }
        for key in ["choices", "scale", "source", "target", "steps"] {
            if case .array(let components)? = definition[key] {
                definition[key] = .array(
                    components.map { component in
                        guard case .object(var component) = component, let map = component["description"] else { return component }
                        component["description"] = reduce(map, language)
                        return .object(component)
                    })
            }
        }
        object["definition"] = .object(definition)
        return .object(object)
    }

    /// A language map with only the chosen language.
    static func reduce(_ map: JSON, _ language: AcceptLanguage) -> JSON {
        guard case .object(let object) = map, let key = language.choose(from: object), let value = object[key] else { return map }
        return .object(JSONObject([JSONObject.Member(key: key, value: value)]))
    }
}
