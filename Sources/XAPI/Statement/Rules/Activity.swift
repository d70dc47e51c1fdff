/// Activities and their definitions, including interaction activities (xAPI Data §2.4.4.1).
extension Validation {
    static let activityKeys = ["objectType", "id", "definition"]
    static let definitionKeys = [
        "name", "description", "type", "moreInfo", "extensions", "interactionType", "correctResponsesPattern",
        "choices", "scale", "source", "target", "steps",
    ]
    static let componentKeys = ["id", "description"]
    static let interactionTypes = [
        "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing", "likert", "numeric", "other",
    ]
    static let componentLists = ["choices", "scale", "source", "target", "steps"]

    /// The interaction component lists each interactionType supports (§2.4.4.1.s15 table 2).
    static func allowedComponentLists(_ interactionType: String) -> [String] {
        switch interactionType {
        case "choice", "sequencing": ["choices"]
        case "likert": ["scale"]
        case "matching": ["source", "target"]
        case "performance": ["steps"]
        default: []
        }
    }

    /// An Activity; returns its id. `japanExtensions` collects the Japan profile extensions of
    /// the definition (only for the statement's own object).
    mutating func activity(_ value: JSON, collectJapan: Bool = false) throws(XAPIError) -> String {
        let object = try self.object(value, "an Activity", allowed: Self.activityKeys)
        if let objectType = object["objectType"] {
            try at("objectType") { v throws(XAPIError) in
                guard try v.string(objectType) == "Activity" else {
                    throw v.error("object-type.invalid", "The objectType of an Activity must be \"Activity\".")
                }
            }
        }
        let id = try required(object, "id", of: "An Activity")
        let activityID = try at("id") { v throws(XAPIError) in try v.iri(id) }
        if let definition = object["definition"] {
            try at("definition") { v throws(XAPIError) in try v.activityDefinition(definition, collectJapan: collectJapan) }
        }
        return activityID
    }

    mutating func activityDefinition(_ value: JSON, collectJapan: Bool) throws(XAPIError) {
        let definition = try object(value, "an Activity definition", allowed: Self.definitionKeys)
        for member in definition.members {
            try at(member.key) { v throws(XAPIError) in
                switch member.key {
                case "name", "description": try v.languageMap(member.value)
                case "type": _ = try v.iri(member.value)
                case "moreInfo": _ = try v.irl(member.value)
                case "extensions":
                    let map = try v.extensions(member.value)
                    if collectJapan { v.facts.japan.collect(from: map) }
                case "interactionType":
                    let type = try v.string(member.value)
                    guard Self.interactionTypes.contains(type) else {
                        throw v.error(
                            "activity.interaction-type-invalid",
                            "interactionType must be one of \(Self.interactionTypes.joined(separator: ", ")) (exact case); got \"\(type)\".")
                    }
                case "correctResponsesPattern":
                    for (index, element) in try v.array(member.value, of: "strings").enumerated() {
                        try v.at(index) { v throws(XAPIError) in _ = try v.string(element) }
                    }
                default:  // component lists
                    try v.interactionComponents(member.value)
                }
            }
        }
        // Interaction properties need a valid interactionType (§2.4.4.1.s13.b1), and only the
        // component lists of that type (§2.4.4.1.s15).
        let interactionType = definition["interactionType"]?.string
        let presentLists = Self.componentLists.filter { definition[$0] != nil }
        if interactionType == nil, definition["correctResponsesPattern"] != nil || !presentLists.isEmpty {
            throw error(
                "activity.interaction-type-missing",
                "An interaction activity (with correctResponsesPattern or component lists) must have an interactionType.")
        }
        if let interactionType {
            let allowed = Self.allowedComponentLists(interactionType)
            for list in presentLists where !allowed.contains(list) {
                try at(list) { v throws(XAPIError) in
                    throw v.error(
                        "activity.component-list-not-allowed",
                        "The interactionType \"\(interactionType)\" does not use \"\(list)\""
                            + (allowed.isEmpty ? " (it has no component lists)." : " (it uses \(allowed.joined(separator: ", "))).")
                    )
                }
            }
        }
    }

    /// An interaction component list: objects with a string `id` (distinct within the list,
    /// §2.4.4.1.s16.b1) and an optional `description` language map.
    mutating func interactionComponents(_ value: JSON) throws(XAPIError) {
        let list = try array(value, of: "interaction components")
        var ids: [String] = []
        for (index, element) in list.enumerated() {
            try at(index) { v throws(XAPIError) in
                let component = try v.object(element, "an interaction component", allowed: Self.componentKeys)
                let id = try v.required(component, "id", of: "An interaction component")
                let text = try v.at("id") { v throws(XAPIError) in try v.string(id) }
                if ids.contains(text) {
                    throw v.error("activity.component-id-duplicate", "Interaction component ids must be distinct; \"\(text)\" repeats.")
                }
                ids.append(text)
                if let description = component["description"] {
                    try v.at("description") { v throws(XAPIError) in try v.languageMap(description) }
                }
            }
        }
    }
}
