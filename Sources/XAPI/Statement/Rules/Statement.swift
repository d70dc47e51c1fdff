/// The statement itself (xAPI Data §2.2, §2.4): its properties, the parts shared with a
/// SubStatement, voiding (§2.3.2), version (§2.4.10) and the LRS-set properties.
extension Validation {
    static let statementKeys = [
        "id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version", "attachments",
    ]

    /// A complete statement.
    mutating func statement(_ value: JSON) throws(XAPIError) {
        let statement = try object(value, "a Statement", allowed: Self.statementKeys)
        if let id = statement["id"] {
            facts.id = try at("id") { v throws(XAPIError) in try v.uuid(id) }
        }
        try statementBody(statement, what: "A Statement")
        if let stored = statement["stored"] {
            try at("stored") { v throws(XAPIError) in _ = try v.timestamp(stored) }
        }
        if let authority = statement["authority"] {
            try at("authority") { v throws(XAPIError) in try v.authority(authority) }
        }
        if let version = statement["version"] {
            try at("version") { v throws(XAPIError) in
                let text = try v.string(version)
                guard v.version.acceptsStatementVersion(text) else {
                    let accepted = v.version == .v1_0_3 ? "1.0 or 1.0.x" : "1.0.x or 2.0.x"
                    throw v.error("version.unsupported", "The statement version must be \(accepted); got \"\(text)\".")
                }
                v.facts.version = text
            }
        }
        // Voiding (§2.3.2.s2.b1): the object of a voiding statement is a StatementRef.
        if facts.verbID == Self.voidedVerb, facts.objectKind != .statementRef {
            throw try at("object") { v throws(XAPIError) in
                v.error(
                    "voiding.object-not-statement-ref",
                    "A statement with the verb \(Self.voidedVerb) must have a StatementRef object naming the statement it voids.")
            }
        }
    }

    /// What a Statement and a SubStatement share: actor, verb, object, result, context,
    /// timestamp, attachments.
    mutating func statementBody(_ statement: JSONObject, what: String) throws(XAPIError) {
        let actor = try required(statement, "actor", of: what)
        try at("actor") { v throws(XAPIError) in
            var members: [AgentKey] = []
            let key = try v.actor(actor, role: "the actor", members: &members)
            let narrow = !v.inSubStatement
            if narrow { v.facts.actorKey = key }
            if let key { v.facts.addAgent(key, narrow: narrow) }
            for member in members { v.facts.addAgent(member, narrow: narrow) }
        }
        let verb = try required(statement, "verb", of: what)
        let verbID = try at("verb") { v throws(XAPIError) in try v.verb(verb) }
        if !inSubStatement { facts.verbID = verbID }
        let object = try required(statement, "object", of: what)
        let kind = try at("object") { v throws(XAPIError) in try v.statementObject(object) }
        if !inSubStatement { facts.objectKind = kind }
        if let result = statement["result"] {
            try at("result") { v throws(XAPIError) in try v.result(result) }
        }
        if let context = statement["context"] {
            try at("context") { v throws(XAPIError) in try v.context(context, objectKind: kind) }
        }
        if let timestamp = statement["timestamp"] {
            let parsed = try at("timestamp") { v throws(XAPIError) in try v.timestamp(timestamp) }
            if !inSubStatement { facts.timestamp = parsed }
        }
        if let attachments = statement["attachments"] {
            try at("attachments") { v throws(XAPIError) in try v.attachments(attachments) }
        }
    }
}
