import Testing

@testable import XAPI

/// Data §2.4.2: Agents, Groups and their Inverse Functional Identifiers.
@Suite("Actor: Agents and Groups")
struct AgentRulesTests {
    func withActor(_ actor: JSON) -> JSON { Fixture.minimal(setting: ["actor"], to: actor) }

    @Test(arguments: [
        ["mbox": "mailto:ann@example.com"] as JSON,
        ["mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"],
        ["openid": "http://ann.openid.example.org/"],
        ["account": ["homePage": "https://kakehashi.example.jp", "name": "s100"]],
        ["objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.com"],
    ])
    func eachKindOfIFIIdentifiesAnAgent(actor: JSON) {
        expectAccepted(withActor(actor))
    }

    @Test func anAgentWithoutAnIFIIsRejected() {
        expectRejected(withActor(["name": "Ann"]), code: "agent.ifi-missing", path: "$.actor")
    }

    @Test func anAgentWithTwoIFIsIsRejected() {
        expectRejected(
            withActor(["mbox": "mailto:ann@example.com", "openid": "http://ann.example.org/"]), code: "agent.ifi-multiple", path: "$.actor")
    }

    @Test(arguments: ["ann@example.com", "mailto:", "mailto:ann", "MAILTO:ann@example.com", "mailto:a nn@example.com", ""])
    func mboxMustBeAMailtoIRI(mbox: String) {
        expectRejected(withActor(["mbox": .string(mbox)]), code: "agent.mbox-invalid", path: "$.actor.mbox")
    }

    @Test(arguments: ["abc", "ebd31e95054c018b10727ccffd2ef2ec3a016ee", "zbd31e95054c018b10727ccffd2ef2ec3a016ee9"])
    func mboxSHA1SumMustBe40HexDigits(sum: String) {
        expectRejected(withActor(["mbox_sha1sum": .string(sum)]), code: "agent.mbox-sha1sum-invalid", path: "$.actor.mbox_sha1sum")
    }

    @Test func openidMustBeAURI() {
        expectRejected(withActor(["openid": "not a uri"]), code: "iri.invalid", path: "$.actor.openid")
    }

    @Test func anAccountNeedsHomePageAndName() {
        expectRejected(withActor(["account": ["name": "s100"]]), code: "property.missing", path: "$.actor.account.homePage")
        expectRejected(
            withActor(["account": ["homePage": "https://kakehashi.example.jp"]]), code: "property.missing", path: "$.actor.account.name")
    }

    @Test func accountHomePageMustBeAnIRL() {
        expectRejected(
            withActor(["account": ["homePage": "should fail", "name": "x"]]), code: "irl.invalid", path: "$.actor.account.homePage")
    }

    @Test func accountNameMustBeAString() {
        expectRejected(
            withActor(["account": ["homePage": "http://example.com", "name": ["key": "should fail"]]]),
            code: "value.wrong-type", path: "$.actor.account.name")
    }

    @Test func anAccountHasNoOtherProperties() {
        expectRejected(
            withActor(["account": ["homePage": "http://example.com", "name": "x", "id": "1"]]),
            code: "property.unknown", path: "$.actor.account.id")
    }

    @Test func anIdentifiedGroupMayListMembers() throws {
        let statement = try Fixture.validate(
            withActor([
                "objectType": "Group", "mbox": "mailto:team@example.com",
                "member": [["mbox": "mailto:ann@example.com"], ["account": ["homePage": "http://example.com", "name": "bo"]]],
            ]))
        #expect(statement.actorKey?.rawValue == "mbox:mailto:team@example.com")
        #expect(statement.agentKeys.map(\.rawValue) == ["mbox:mailto:team@example.com", "mbox:mailto:ann@example.com", "account:http://example.com bo"])
    }

    @Test func anAnonymousGroupMustListMembers() {
        expectRejected(withActor(["objectType": "Group", "name": "ad hoc"]), code: "group.anonymous-members-missing", path: "$.actor")
        expectRejected(withActor(["objectType": "Group", "member": []]), code: "group.anonymous-members-missing", path: "$.actor.member")
    }

    @Test func anAnonymousGroupHasNoActorKey() throws {
        let statement = try Fixture.validate(withActor(["objectType": "Group", "member": [["mbox": "mailto:ann@example.com"]]]))
        #expect(statement.actorKey == nil)
        #expect(statement.agentKeys.map(\.rawValue) == ["mbox:mailto:ann@example.com"])
    }

    @Test func groupMembersMustBeAgents() {
        let nested: JSON = ["objectType": "Group", "member": [["objectType": "Group", "mbox": "mailto:inner@example.com"]]]
        expectRejected(withActor(nested), code: "group.member-not-agent", path: "$.actor.member[0]")
    }

    @Test func groupMembersAreValidatedAsAgents() {
        let group: JSON = ["objectType": "Group", "member": [["mbox": "mailto:ann@example.com"], ["name": "no ifi"]]]
        expectRejected(withActor(group), code: "agent.ifi-missing", path: "$.actor.member[1]")
    }

    @Test func aGroupWithTwoIFIsIsRejected() {
        let group: JSON = ["objectType": "Group", "mbox": "mailto:a@example.com", "openid": "http://a.example.com/", "member": []]
        expectRejected(withActor(group), code: "group.ifi-multiple", path: "$.actor")
    }

    @Test func theActorObjectTypeIsAgentOrGroup() {
        expectRejected(withActor(["objectType": "agent", "mbox": "mailto:a@example.com"]), code: "object-type.invalid", path: "$.actor.objectType")
    }

    @Test func theActorIsRequired() {
        expectRejected(Fixture.minimal(setting: ["actor"], to: nil), code: "property.missing", path: "$.actor")
    }

    @Test func anAgentNameMustBeAString() {
        expectRejected(withActor(["mbox": "mailto:a@example.com", "name": 12]), code: "value.wrong-type", path: "$.actor.name")
    }
}

/// Data §2.4.9: the authority.
@Suite("Authority")
struct AuthorityRulesTests {
    func withAuthority(_ authority: JSON) -> JSON { Fixture.minimal(setting: ["authority"], to: authority) }
    static let member1: JSON = ["account": ["homePage": "http://example.com/xAPI/OAuth/Token", "name": "oauth_consumer_x75db"]]
    static let member2: JSON = ["mbox": "mailto:bob@example.com"]

    @Test func anAgentAuthorityIsAccepted() {
        expectAccepted(withAuthority(["objectType": "Agent", "mbox": "mailto:bob@example.com"]))
    }

    @Test func aTwoMemberAnonymousGroupIsAccepted() {
        expectAccepted(withAuthority(["objectType": "Group", "member": [Self.member1, Self.member2]]))
    }

    @Test func anIdentifiedGroupAuthorityIsRejected() {
        expectRejected(
            withAuthority(["objectType": "Group", "openid": "http://openid.example.org/12345", "member": [Self.member1, Self.member2]]),
            code: "authority.group-invalid", path: "$.authority")
    }

    @Test(arguments: [1, 3])
    func aGroupAuthorityNeedsExactlyTwoMembers(count: Int) {
        let members = Array([Self.member1, Self.member2, ["mbox": "mailto:james@example.com"]].prefix(count))
        expectRejected(withAuthority(["objectType": "Group", "member": .array(members)]), code: "authority.group-invalid", path: "$.authority")
    }

    @Test func theSubmittedAuthorityIsReplaced() throws {
        let statement = try Fixture.validate(withAuthority(["mbox": "mailto:bob@example.com"]))
        #expect(statement.statement["authority"] == Fixture.authority)
        #expect(statement.relatedAgentKeys.contains(AgentKey(rawValue: "account:https://lrs.example.jp tool-1")))
    }
}
