import Testing

@testable import XAPI

/// Data §2.4.6: the context; IEEE 9274.1.1: contextAgents and contextGroups (2.0 only).
@Suite("Context")
struct ContextRulesTests {
    func withContext(_ context: JSON) -> JSON { Fixture.minimal(setting: ["context"], to: context) }
    static let agent: JSON = ["objectType": "Agent", "mbox": "mailto:player-1@example.com"]

    @Test func registrationMustBeAUUID() throws {
        let statement = try Fixture.validate(withContext(["registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"]))
        #expect(statement.registration == UUIDText.parse("ec531277-b57b-4c15-8d91-d292c5b2b8f7"))
        expectRejected(withContext(["registration": "AA97B177-9383-4934-8543-0F91A7A028368"]), code: "uuid.invalid", path: "$.context.registration")
        expectRejected(withContext(["registration": nil]), code: "value.null", path: "$.context.registration")
    }

    @Test func instructorIsAnAgentOrGroup() throws {
        let statement = try Fixture.validate(withContext(["instructor": ["mbox": "mailto:teacher@example.com"]]))
        #expect(statement.relatedAgentKeys.contains(AgentKey(rawValue: "mbox:mailto:teacher@example.com")))
        #expect(!statement.agentKeys.contains(AgentKey(rawValue: "mbox:mailto:teacher@example.com")))
        expectRejected(withContext(["instructor": ["name": "x"]]), code: "agent.ifi-missing", path: "$.context.instructor")
    }

    @Test func teamMustBeAGroup() {
        expectRejected(withContext(["team": ["mbox": "mailto:team@example.com"]]), code: "context.team-not-group", path: "$.context.team")
        expectAccepted(withContext(["team": ["objectType": "Group", "mbox": "mailto:team@example.com"]]))
    }

    @Test func contextActivityKeysAreTheFourKinds() {
        expectRejected(
            withContext(["contextActivities": ["parents": [["id": "http://example.com/a"]]]]),
            code: "property.unknown", path: "$.context.contextActivities.parents")
    }

    @Test func contextActivitiesAreValidatedAsActivities() {
        expectRejected(
            withContext(["contextActivities": ["parent": [["id": "http://example.com/a"], ["id": "not an iri"]]]]),
            code: "iri.invalid", path: "$.context.contextActivities.parent[1].id")
        expectRejected(
            withContext(["contextActivities": ["grouping": "http://example.com/a"]]),
            code: "value.wrong-type", path: "$.context.contextActivities.grouping")
    }

    @Test func aSingleContextActivityIsStoredAsAnArray() throws {
        let statement = try Fixture.validate(
            withContext(["contextActivities": ["parent": ["id": "http://example.com/test"], "category": [["id": "http://example.com/c"]]]]))
        #expect(statement.statement["context"]?["contextActivities"]?["parent"] == [["id": "http://example.com/test"]])
        #expect(statement.relatedActivityIDs == ["http://example.adlnet.gov/xapi/example/activity", "http://example.com/test", "http://example.com/c"])
    }

    @Test(arguments: ["revision", "platform"])
    func revisionAndPlatformNeedAnActivityObject(key: String) {
        let context = JSON.object(JSONObject([(key, "x")]))
        expectAccepted(withContext(context))
        let agentObject = withContext(context).setting(["object"], to: ["objectType": "Agent", "mbox": "mailto:a@example.com"])
        expectRejected(agentObject, code: "context.\(key)-not-allowed", path: "$.context.\(key)")
    }

    @Test(arguments: ["ja-JP", "tlh", "de", "supercalifragilisticexpialidociouswhatabouthhhhhhh"])
    func languageIsALanguageCode(language: String) {
        expectAccepted(withContext(["language": .string(language)]))
    }

    @Test(arguments: ["", "ja_JP", "ja--JP", "日本語"])
    func malformedLanguageCodesAreRejected(language: String) {
        expectRejected(withContext(["language": .string(language)]), code: "context.language-invalid", path: "$.context.language")
    }

    @Test func statementIsAStatementRef() {
        expectAccepted(withContext(["statement": ["objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"]]))
        expectRejected(
            withContext(["statement": ["id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"]]), code: "property.missing", path: "$.context.statement.objectType")
    }

    @Test func contextAgentsAreOnlyIn2_0() {
        let context: JSON = ["contextAgents": [["objectType": "contextAgent", "agent": Self.agent]]]
        expectAccepted(withContext(context), version: .v2_0_0)
        expectRejected(withContext(context), code: "property.unknown", path: "$.context.contextAgents", version: .v1_0_3)
    }

    @Test func contextAgentsAreIndexedAsRelatedAgents() throws {
        let context: JSON = ["contextAgents": [["objectType": "contextAgent", "agent": Self.agent, "relevantTypes": ["http://example.com/types/peer"]]]]
        let statement = try Fixture.validate(withContext(context), version: .v2_0_0)
        #expect(statement.relatedAgentKeys.contains(AgentKey(rawValue: "mbox:mailto:player-1@example.com")))
    }

    @Test func contextAgentObjectTypeIsRequiredAndExact() {
        expectRejected(
            withContext(["contextAgents": [["objectType": "Should fail", "agent": Self.agent]]]),
            code: "object-type.invalid", path: "$.context.contextAgents[0].objectType", version: .v2_0_0)
        expectRejected(
            withContext(["contextAgents": [["agent": Self.agent]]]),
            code: "property.missing", path: "$.context.contextAgents[0].objectType", version: .v2_0_0)
    }

    @Test func contextAgentAgentMustBeValid() {
        expectRejected(
            withContext(["contextAgents": [["objectType": "contextAgent", "agent": ["key": "Should fail"]]]]),
            code: "property.unknown", path: "$.context.contextAgents[0].agent.key", version: .v2_0_0)
    }

    @Test func relevantTypesIsANonEmptyArrayOfIRIs() {
        expectRejected(
            withContext(["contextAgents": [["objectType": "contextAgent", "agent": Self.agent, "relevantTypes": []]]]),
            code: "context.relevant-types-empty", path: "$.context.contextAgents[0].relevantTypes", version: .v2_0_0)
        expectRejected(
            withContext(["contextAgents": [["objectType": "contextAgent", "agent": Self.agent, "relevantTypes": ["abc"]]]]),
            code: "iri.invalid", path: "$.context.contextAgents[0].relevantTypes[0]", version: .v2_0_0)
    }

    @Test func contextGroupsHoldGroups() {
        let group: JSON = ["objectType": "Group", "member": [Self.agent]]
        expectAccepted(withContext(["contextGroups": [["objectType": "contextGroup", "group": group]]]), version: .v2_0_0)
        expectRejected(
            withContext(["contextGroups": [["objectType": "contextGroup", "group": Self.agent]]]),
            code: "context.context-group-not-group", path: "$.context.contextGroups[0].group", version: .v2_0_0)
        expectRejected(
            withContext(["contextGroups": [["objectType": "contextAgent", "group": group]]]),
            code: "object-type.invalid", path: "$.context.contextGroups[0].objectType", version: .v2_0_0)
    }

    @Test func contextExtensionsMayHoldNull() {
        expectAccepted(withContext(["extensions": ["http://example.com/null": nil]]))
    }
}
