import Testing

@testable import XAPI

/// Data §2.4.4: the object — Agents and Groups, StatementRefs, SubStatements — and voiding (§2.3.2).
@Suite("Object, StatementRef, SubStatement, voiding")
struct ObjectRulesTests {
    static let subStatement: JSON = [
        "objectType": "SubStatement",
        "actor": ["mbox": "mailto:ann@example.com"],
        "verb": ["id": "http://example.com/visited", "display": ["en-US": "will visit"]],
        "object": ["id": "http://example.com/website"],
    ]

    func withObject(_ object: JSON) -> JSON { Fixture.minimal(setting: ["object"], to: object) }

    @Test func anAgentObjectNeedsObjectType() throws {
        let statement = try Fixture.validate(withObject(["objectType": "Agent", "mbox": "mailto:bo@example.com"]))
        #expect(statement.objectKind == .agent)
        #expect(statement.objectAgentKey?.rawValue == "mbox:mailto:bo@example.com")
        #expect(statement.agentKeys.contains(AgentKey(rawValue: "mbox:mailto:bo@example.com")))
        // Without objectType it is read as an Activity, which needs an id.
        expectRejected(withObject(["mbox": "mailto:bo@example.com"]), code: "property.unknown", path: "$.object.mbox")
    }

    @Test func aGroupObjectIsValidatedAsAGroup() {
        expectRejected(withObject(["objectType": "Group"]), code: "group.anonymous-members-missing", path: "$.object")
    }

    @Test(arguments: ["statementref", "Statement", "Person", "contextAgent"])
    func unknownObjectTypesAreRejected(type: String) {
        expectRejected(withObject(["objectType": .string(type), "id": "http://example.com/a"]), code: "object-type.invalid", path: "$.object.objectType")
    }

    @Test func aStatementRefNeedsAUUID() throws {
        let statement = try Fixture.validate(withObject(["objectType": "StatementRef", "id": "8F87CCDE-BB56-4C2E-AB83-44982EF22DF0"]))
        #expect(statement.statementRefTarget?.uuidString == "8F87CCDE-BB56-4C2E-AB83-44982EF22DF0")
        expectRejected(withObject(["objectType": "StatementRef", "id": "http://example.com/a"]), code: "uuid.invalid", path: "$.object.id")
        expectRejected(withObject(["objectType": "StatementRef"]), code: "property.missing", path: "$.object.id")
    }

    @Test func aStatementRefHasNoOtherProperties() {
        expectRejected(
            withObject(["objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0", "definition": [:]]),
            code: "property.unknown", path: "$.object.definition")
    }

    @Test func aSubStatementIsValidatedAsAStatement() throws {
        let statement = try Fixture.validate(withObject(Self.subStatement))
        #expect(statement.objectKind == .subStatement)
        #expect(statement.relatedActivityIDs == ["http://example.com/website"])
        #expect(statement.relatedAgentKeys.contains(AgentKey(rawValue: "mbox:mailto:ann@example.com")))
        #expect(!statement.agentKeys.contains(AgentKey(rawValue: "mbox:mailto:ann@example.com")))
        expectRejected(withObject(Self.subStatement.setting(["verb", "id"], to: "x")), code: "iri.invalid", path: "$.object.verb.id")
        expectRejected(withObject(Self.subStatement.setting(["actor"], to: nil)), code: "property.missing", path: "$.object.actor")
    }

    @Test(arguments: ["id", "stored", "version", "authority"])
    func aSubStatementHasNoLRSProperties(key: String) {
        let value: JSON = key == "authority" ? ["mbox": "mailto:a@example.com"] : "x"
        expectRejected(withObject(Self.subStatement.setting([key], to: value)), code: "substatement.property-forbidden", path: "$.object.\(key)")
    }

    @Test func subStatementsDoNotNest() {
        expectRejected(
            withObject(Self.subStatement.setting(["object"], to: Self.subStatement)), code: "substatement.nested", path: "$.object.object.objectType")
    }

    @Test func aSubStatementTimestampMayBeInTheFuture() {
        expectAccepted(withObject(Self.subStatement.setting(["timestamp"], to: "2999-01-01T00:00:00Z")))
    }

    @Test func aVoidingStatementTargetsAStatementRef() throws {
        let voiding = Fixture.minimal
            .setting(["verb", "id"], to: "http://adlnet.gov/expapi/verbs/voided")
            .setting(["object"], to: ["objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"])
        let statement = try Fixture.validate(voiding)
        #expect(statement.isVoiding)
        #expect(statement.voidedStatementID == UUIDText.parse("e05aa883-acaf-40ad-bf54-02c8ce485fb0"))
    }

    @Test func aVoidingStatementWithAnActivityObjectIsRejected() {
        expectRejected(
            Fixture.minimal(setting: ["verb", "id"], to: "http://adlnet.gov/expapi/verbs/voided"),
            code: "voiding.object-not-statement-ref", path: "$.object")
    }

    @Test func aStatementRefThatIsNotVoidingVoidsNothing() throws {
        let statement = try Fixture.validate(withObject(["objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"]))
        #expect(statement.voidedStatementID == nil)
        #expect(statement.statementRefTarget != nil)
    }

    @Test func theObjectIsRequired() {
        expectRejected(Fixture.minimal(setting: ["object"], to: nil), code: "property.missing", path: "$.object")
    }
}
