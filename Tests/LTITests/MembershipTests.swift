import Foundation
import Testing

@testable import LTI

/// NRPS 2.0 §2.2: the membership container and PII minimisation.
@Suite("Memberships")
struct MembershipTests {
    static let member = Member(
        userId: "u-1", roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"], name: "山田 太郎",
        givenName: "太郎", familyName: "山田", email: "taro@example.jp", lisPersonSourcedId: "sis-1")

    @Test func encodesWithTheSpecKeys() throws {
        let container = MembershipContainer(
            id: "https://k.example/ctx/1/members", context: .init(id: "ctx-1", label: "3-2", title: "3年2組"),
            members: [Self.member])
        let json = try JSONDecoder().decode(LTIJSON.self, from: JSONEncoder().encode(container))
        let member = try #require(json["members"]?.array?.first?.object)
        #expect(Set(member.keys) == ["user_id", "roles", "status", "name", "given_name", "family_name", "email", "lis_person_sourcedid"])
        #expect(member["status"] == "Active")
        #expect(json["context"]?["title"] == "3年2組")
    }

    @Test func personalFieldsOutsideTheAllowListAreRemoved() {
        let limited = Self.member.limited(to: [.givenName])
        #expect(limited.givenName == "太郎")
        #expect(limited.name == nil && limited.email == nil && limited.familyName == nil && limited.lisPersonSourcedId == nil)
        #expect(limited.userId == "u-1")
    }

    @Test func theClaimUsesSnakeCaseAndVersion2() throws {
        let claim = NRPSClaim(contextMembershipsURL: "https://k.example/ctx/1/members")
        let json = try JSONDecoder().decode([String: LTIJSON].self, from: JSONEncoder().encode(claim))
        #expect(json == ["context_memberships_url": "https://k.example/ctx/1/members", "service_versions": ["2.0"]])
    }
}
