import Foundation

/// Validates statements against the xAPI data rules and prepares them for storage.
///
/// ```swift
/// let validator = StatementValidator(version: try XAPIVersion.parseHeader(request.headers["X-Experience-API-Version"]))
/// let assignment = LRSAssignment(stored: Date(), authority: credentialsAgent)
/// let statements = try validator.validateBatch(body, assignment: assignment)   // POST: one statement or an array
/// let one = try validator.validateStatement(body, statementID: idParameter, assignment: assignment) // PUT
/// ```
///
/// Every rule of xAPI 1.0.3 Data §2.2–§2.4 and §4 (and their 2.0 forms) that an LRS MUST
/// enforce is checked; the first problem found is thrown as an ``XAPIError`` with its JSON path.
public struct StatementValidator: Sendable {
    /// The version the request was made with (from `X-Experience-API-Version`).
    public var version: XAPIVersion

    public init(version: XAPIVersion) {
        self.version = version
    }

    /// Parses and validates the body of `PUT /statements`: exactly one statement. A statement
    /// `id` must equal `statementID` (Communication §2.1.1.s3.b3).
    public func validateStatement(
        _ body: some Collection<UInt8>, statementID: UUID? = nil, assignment: LRSAssignment
    ) throws(XAPIError) -> ValidatedStatement {
        let json = try JSONParser.parse(body)
        return try validate(json, statementID: statementID, assignment: assignment)
    }

    /// Parses and validates the body of `POST /statements`: one statement or an array of them.
    /// Errors inside the array are located as `$[3].verb`; two statements with the same id
    /// reject the batch (Communication §2.1.2.s2.b6).
    public func validateBatch(_ body: some Collection<UInt8>, assignment: LRSAssignment) throws(XAPIError) -> [ValidatedStatement] {
        try validateBatch(try JSONParser.parse(body), assignment: assignment)
    }

    /// Validates an already parsed `POST /statements` body.
    public func validateBatch(_ json: JSON, assignment: LRSAssignment) throws(XAPIError) -> [ValidatedStatement] {
        guard case .array(let elements) = json else {
            return [try validate(json, assignment: assignment)]
        }
        var results: [ValidatedStatement] = []
        results.reserveCapacity(elements.count)
        var ids = Set<UUID>()
        for (index, element) in elements.enumerated() {
            let statement: ValidatedStatement
            do {
                statement = try validate(element, assignment: assignment)
            } catch {
                throw error.inBatch(at: index)
            }
            if !statement.idWasGenerated, !ids.insert(statement.id).inserted {
                throw XAPIError(
                    code: "batch.duplicate-id", path: "$[\(index)].id",
                    message: "The batch contains two statements with the id \(UUIDText.format(statement.id)).")
            }
            results.append(statement)
        }
        return results
    }

    /// Validates one parsed statement and applies the LRS-set properties.
    public func validate(_ json: JSON, statementID: UUID? = nil, assignment: LRSAssignment) throws(XAPIError) -> ValidatedStatement {
        var validation = Validation(version: version)
        try validation.statement(json)
        let facts = validation.facts
        if let statementID, let id = facts.id, id != statementID {
            throw XAPIError(
                code: "statement.id-mismatch", path: "$.id",
                message: "The statement id \(UUIDText.format(id)) differs from the statementId parameter \(UUIDText.format(statementID)).")
        }
        return prepare(json, facts: facts, statementID: statementID, assignment: assignment)
    }

    /// Validates without preparing for storage: for SubStatement-free checks such as the payload
    /// of a signature. Returns nothing; throws the first problem.
    public func check(_ json: JSON) throws(XAPIError) {
        var validation = Validation(version: version)
        try validation.statement(json)
    }

    // MARK: - LRS-set properties (Data §2.4.1, §2.4.7, §2.4.8, §2.4.9, §2.4.10)

    func prepare(_ json: JSON, facts: StatementFacts, statementID: UUID?, assignment: LRSAssignment) -> ValidatedStatement {
        guard case .object(var object) = json else { preconditionFailure("validated statements are objects") }
        let generated = facts.id == nil && statementID == nil
        let id = facts.id ?? statementID ?? assignment.makeID()
        let stored = assignment.storedTimestamp
        let timestamp = facts.timestamp ?? stored
        let version = facts.version ?? version.defaultStatementVersion

        if facts.id == nil {
            object.members.insert(JSONObject.Member(key: "id", value: .string(UUIDText.format(id))), at: 0)
        }
        object["timestamp"] = .string(timestamp.utcString)
        object["stored"] = .string(stored.utcString)
        object["authority"] = assignment.authority
        if facts.version == nil { object["version"] = .string(version) }
        if facts.hasSingleContextActivity {
            if let context = object["context"] { object["context"] = Self.normalizedContext(context) }
            if var subStatement = object["object"]?.object, let context = subStatement["context"] {
                subStatement["context"] = Self.normalizedContext(context)
                object["object"] = .object(subStatement)
            }
        }

        var relatedAgentKeys = facts.relatedAgentKeys
        if case .object(let authority) = assignment.authority {
            if let key = AgentKey(agent: authority), !relatedAgentKeys.contains(key) { relatedAgentKeys.append(key) }
            for case .object(let member) in authority["member"]?.array ?? [] {
                if let key = AgentKey(agent: member), !relatedAgentKeys.contains(key) { relatedAgentKeys.append(key) }
            }
        }

        return ValidatedStatement(
            id: id,
            idWasGenerated: generated,
            statement: .object(object),
            version: version,
            verbID: facts.verbID,
            actorKey: facts.actorKey,
            objectKind: facts.objectKind,
            objectActivityID: facts.objectActivityID,
            objectAgentKey: facts.objectAgentKey,
            statementRefTarget: facts.statementRefTarget,
            voidedStatementID: facts.verbID == Validation.voidedVerb ? facts.statementRefTarget : nil,
            registration: facts.registration,
            timestamp: timestamp.date,
            stored: stored.date,
            agentKeys: facts.agentKeys,
            relatedAgentKeys: relatedAgentKeys,
            relatedActivityIDs: facts.relatedActivityIDs,
            attachments: facts.attachments,
            japanProfile: facts.japan)
    }

    /// contextActivities values as arrays (Data §2.4.6.2.s4.b3, b4).
    static func normalizedContext(_ context: JSON) -> JSON {
        guard case .object(var object) = context, case .object(var activities) = object["contextActivities"] else { return context }
        for index in activities.members.indices where activities.members[index].value.array == nil {
            activities.members[index].value = .array([activities.members[index].value])
        }
        object["contextActivities"] = .object(activities)
        return .object(object)
    }
}
