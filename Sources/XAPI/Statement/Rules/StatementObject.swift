import Foundation

/// The statement's object (xAPI Data §2.4.4): an Activity (the default), an Agent or Group
/// (objectType required, §2.4.4.2), a StatementRef (§2.4.4.3.s4) or a SubStatement (§2.4.4.3.s8).
extension Validation {
    static let statementRefKeys = ["objectType", "id"]
    static let subStatementKeys = ["objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"]
    static let subStatementForbidden = ["id", "stored", "version", "authority"]

    /// Validates the object and records its kind and identifiers; returns the kind.
    mutating func statementObject(_ value: JSON) throws(XAPIError) -> ValidatedStatement.ObjectKind {
        guard case .object(let object) = value else { throw wrongType(value, expected: "an Activity, Agent, Group, StatementRef or SubStatement object") }
        let narrow = !inSubStatement
        switch object["objectType"] {
        case nil, .string("Activity"):
            let id = try activity(value, collectJapan: !inSubStatement)
            if !inSubStatement { facts.objectActivityID = id }
            facts.addActivity(id)
            return .activity
        case .string("Agent"):
            let key = try agent(value)
            if !inSubStatement { facts.objectAgentKey = key }
            facts.addAgent(key, narrow: narrow)
            return .agent
        case .string("Group"):
            var members: [AgentKey] = []
            let key = try group(value, members: &members)
            if !inSubStatement { facts.objectAgentKey = key }
            if let key { facts.addAgent(key, narrow: narrow) }
            for member in members { facts.addAgent(member, narrow: narrow) }
            return .group
        case .string("StatementRef"):
            let target = try statementRef(value)
            if !inSubStatement { facts.statementRefTarget = target }
            return .statementRef
        case .string("SubStatement"):
            guard !inSubStatement else {
                throw try at("objectType") { v throws(XAPIError) in
                    v.error("substatement.nested", "A SubStatement must not contain another SubStatement.")
                }
            }
            try subStatement(object)
            return .subStatement
        case .some(let other):
            throw try at("objectType") { v throws(XAPIError) in
                let text = try v.string(other)
                return v.error(
                    "object-type.invalid",
                    "The object's objectType must be Activity, Agent, Group, StatementRef or SubStatement (exact case); got \"\(text)\".")
            }
        }
    }

    /// A Statement Reference: `objectType` `StatementRef` and a UUID `id`.
    mutating func statementRef(_ value: JSON) throws(XAPIError) -> UUID {
        let object = try self.object(value, "a StatementRef", allowed: Self.statementRefKeys)
        let objectType = try required(object, "objectType", of: "A StatementRef")
        try at("objectType") { v throws(XAPIError) in
            guard try v.string(objectType) == "StatementRef" else {
                throw v.error("object-type.invalid", "A Statement Reference must have objectType \"StatementRef\".")
            }
        }
        let id = try required(object, "id", of: "A StatementRef")
        return try at("id") { v throws(XAPIError) in try v.uuid(id) }
    }

    /// A SubStatement: validated as a statement without id, stored, version or authority.
    mutating func subStatement(_ object: JSONObject) throws(XAPIError) {
        for key in Self.subStatementForbidden where object[key] != nil {
            try at(key) { v throws(XAPIError) in
                throw v.error("substatement.property-forbidden", "A SubStatement must not have \"\(key)\".")
            }
        }
        _ = try self.object(.object(object), "a SubStatement", allowed: Self.subStatementKeys)
        inSubStatement = true
        defer { inSubStatement = false }
        try statementBody(object, what: "A SubStatement")
    }
}
