import Foundation
import Testing

@testable import XAPI

/// Data §2.4.1, §2.4.7–§2.4.10: the properties the LRS sets, and the index fields.
@Suite("Storage preparation and index fields")
struct StoragePreparationTests {
    @Test func anIdIsGeneratedWhenAbsent() throws {
        let statement = try Fixture.validate(Fixture.minimal(setting: ["id"], to: nil))
        #expect(statement.id == Fixture.fixedID)
        #expect(statement.idWasGenerated)
        #expect(statement.statement.object?.members.first?.key == "id")
        #expect(statement.statement["id"] == "00000000-0000-4000-8000-000000000001")
    }

    @Test func storedAuthorityTimestampAndVersionAreSet() throws {
        let statement = try Fixture.validate(Fixture.minimal.setting(["stored"], to: "2001-01-01T00:00:00Z"))
        #expect(statement.statement["stored"] == "2024-06-01T00:30:15.250Z")
        #expect(statement.statement["timestamp"] == "2024-06-01T00:30:15.250Z")
        #expect(statement.statement["authority"] == Fixture.authority)
        #expect(statement.statement["version"] == "1.0.0")
        #expect(statement.timestamp == Fixture.stored)
        #expect(try Fixture.validate(Fixture.minimal, version: .v2_0_0).statement["version"] == "2.0.0")
    }

    @Test func aSentTimestampAndVersionAreKeptTimestampInUTC() throws {
        let statement = try Fixture.validate(
            Fixture.minimal.setting(["timestamp"], to: "2024-06-01T09:30:15.25+09:00").setting(["version"], to: "1.0.3"))
        #expect(statement.statement["timestamp"] == "2024-06-01T00:30:15.250Z")
        #expect(statement.statement["version"] == "1.0.3")
        #expect(statement.version == "1.0.3")
        #expect(statement.timestamp == Date(timeIntervalSince1970: 1_717_201_815.25))
    }

    @Test func thePUTStatementIdParameterMustMatch() throws {
        let other = UUIDText.parse("e05aa883-acaf-40ad-bf54-02c8ce485fb0")!
        let validator = StatementValidator(version: .v1_0_3)
        #expect(throws: XAPIError.self) { try validator.validate(Fixture.minimal, statementID: other, assignment: Fixture.assignment) }
        let withoutID = try validator.validate(Fixture.minimal(setting: ["id"], to: nil), statementID: other, assignment: Fixture.assignment)
        #expect(withoutID.id == other)
        #expect(withoutID.statement["id"] == "e05aa883-acaf-40ad-bf54-02c8ce485fb0")
    }

    @Test func integersRoundTripThroughValidation() throws {
        let text = #"{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/o"},"result":{"score":{"raw":1,"min":0,"max":10}}}"#
        let statement = try Fixture.validate(text: text)
        let stored = String(decoding: statement.encoded(), as: UTF8.self)
        #expect(stored.contains(#""score":{"raw":1,"min":0,"max":10}"#))
        #expect(stored.hasPrefix(#"{"id":"00000000-0000-4000-8000-000000000001","actor""#))
    }

    @Test func indexFieldsAreCollected() throws {
        let json: JSON = [
            "actor": ["objectType": "Agent", "account": ["homePage": "https://kakehashi.example.jp", "name": "s100"]],
            "verb": ["id": "http://adlnet.gov/expapi/verbs/answered"],
            "object": ["id": "https://cbt.example.jp/q/1"],
            "context": [
                "registration": "EC531277-B57B-4C15-8D91-D292C5B2B8F7",
                "instructor": ["mbox": "mailto:Teacher@Example.COM"],
                "team": ["objectType": "Group", "member": [["mbox_sha1sum": "EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"]]],
                "contextActivities": ["parent": [["id": "https://cbt.example.jp/test"]], "grouping": [["id": "https://cbt.example.jp/q/1"]]],
            ],
            "attachments": [[
                "usageType": "http://example.com/u", "display": ["en": "x"], "contentType": "text/plain", "length": 3,
                "sha2": "ABCDEF", "fileUrl": "http://example.com/f",
            ]],
        ]
        let statement = try Fixture.validate(json)
        #expect(statement.actorKey?.rawValue == "account:https://kakehashi.example.jp s100")
        #expect(statement.verbID == "http://adlnet.gov/expapi/verbs/answered")
        #expect(statement.registration?.uuidString == "EC531277-B57B-4C15-8D91-D292C5B2B8F7")
        #expect(statement.relatedActivityIDs == ["https://cbt.example.jp/q/1", "https://cbt.example.jp/test"])
        #expect(statement.agentKeys == [AgentKey(rawValue: "account:https://kakehashi.example.jp s100")])
        #expect(
            statement.relatedAgentKeys.map(\.rawValue) == [
                "account:https://kakehashi.example.jp s100", "mbox:mailto:Teacher@example.com",
                "mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9", "account:https://lrs.example.jp tool-1",
            ])
        #expect(statement.attachmentHashes == ["abcdef"])
    }
}

/// Communication §2.1.2: batches.
@Suite("Batches")
struct BatchTests {
    let validator = StatementValidator(version: .v1_0_3)

    @Test func aSingleStatementOrAnArrayIsAccepted() throws {
        #expect(try validator.validateBatch(Fixture.minimal, assignment: Fixture.assignment).count == 1)
        let two: JSON = [Fixture.minimal, Fixture.minimal(setting: ["id"], to: nil)]
        #expect(try validator.validateBatch(two, assignment: Fixture.assignment).count == 2)
    }

    @Test func errorsAreLocatedInTheBatch() {
        let distinct: JSON = [Fixture.minimal(setting: ["id"], to: nil), Fixture.minimal(setting: ["verb", "display"], to: "x")]
        do {
            _ = try validator.validateBatch(distinct, assignment: Fixture.assignment)
            Issue.record("accepted")
        } catch {
            #expect(error.path == "$[1].verb.display")
            #expect(error.code == "value.wrong-type")
        }
    }

    @Test func duplicateIdsRejectTheBatch() {
        do {
            _ = try validator.validateBatch([Fixture.minimal, Fixture.minimal], assignment: Fixture.assignment)
            Issue.record("accepted")
        } catch {
            #expect(error.code == "batch.duplicate-id")
            #expect(error.path == "$[1].id")
        }
    }

    @Test func bodiesAreParsedFromBytes() throws {
        let body = Array(#"[{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/o"}}]"#.utf8)
        #expect(try validator.validateBatch(body, assignment: Fixture.assignment).count == 1)
    }
}

/// The `agent` query parameter uses the same keys as the index.
@Suite("Agent keys")
struct AgentKeyTests {
    @Test func theAgentParameterGivesTheSameKeyAsTheStatement() throws {
        let key = try AgentKey(agentParameter: #"{"mbox":"mailto:xapi@ADLNET.gov"}"#, version: .v1_0_3)
        #expect(key == (try Fixture.validate(Fixture.minimal)).actorKey)
        let account = try AgentKey(agentParameter: #"{"objectType":"Agent","account":{"homePage":"http://x.example","name":"n 1"}}"#, version: .v1_0_3)
        #expect(account.rawValue == "account:http://x.example n 1")
    }

    @Test func invalidAgentParametersAreRejected() {
        #expect(throws: XAPIError.self) { try AgentKey(agentParameter: "{", version: .v1_0_3) }
        #expect(throws: XAPIError.self) { try AgentKey(agentParameter: #"{"name":"x"}"#, version: .v1_0_3) }
        #expect(throws: XAPIError.self) {
            try AgentKey(agentParameter: #"{"objectType":"Group","member":[{"mbox":"mailto:a@b.c"}]}"#, version: .v1_0_3)
        }
    }
}
