import Testing

@testable import XAPI

/// Communication §2.2 (JSON merge) and §3.1 (ETags and concurrency).
@Suite("Documents: merge, ETag, preconditions")
struct DocumentTests {
    @Test func postMergesTopLevelProperties() throws {
        let merged = try DocumentMerge.merge(existing: Array(#"{"x":"foo","y":"bar"}"#.utf8), posted: Array(#"{"x":"bash","z":"faz"}"#.utf8))
        #expect(String(decoding: merged, as: UTF8.self) == #"{"x":"bash","y":"bar","z":"faz"}"#)
    }

    @Test func nestedObjectsAreReplacedNotMerged() throws {
        let merged = try DocumentMerge.merge(existing: Array(#"{"a":{"b":1,"c":2}}"#.utf8), posted: Array(#"{"a":{"d":3}}"#.utf8))
        #expect(String(decoding: merged, as: UTF8.self) == #"{"a":{"d":3}}"#)
    }

    @Test(arguments: [(#"[1]"#, #"{"a":1}"#), (#"{"a":1}"#, #""text""#), ("not json", #"{"a":1}"#)])
    func bothSidesMustBeJSONObjects(existing: String, posted: String) {
        do {
            _ = try DocumentMerge.merge(existing: Array(existing.utf8), posted: Array(posted.utf8))
            Issue.record("merged")
        } catch {
            #expect(error.code == "document.not-json-object")
            #expect(error.status == 400)
        }
    }

    @Test func theETagIsTheQuotedSHA1OfTheBytes() {
        #expect(ETag.compute(Array("abc".utf8)) == "\"a9993e364706816aba3e25717850c26c9cd0d89d\"")
        #expect(ETag.compute([UInt8]()).count == 42)
    }

    static let etag = ETag.compute(Array("{}".utf8))

    func outcome(
        _ method: DocumentPrecondition.Method = .put, _ resource: DocumentPrecondition.Resource = .activityProfile,
        _ version: XAPIVersion = .v1_0_3, current: String? = etag, ifMatch: String? = nil, ifNoneMatch: String? = nil
    ) -> DocumentPrecondition.Outcome {
        DocumentPrecondition.evaluate(method: method, resource: resource, version: version, currentETag: current, ifMatch: ifMatch, ifNoneMatch: ifNoneMatch)
    }

    @Test func ifMatchWithTheCurrentETagProceeds() {
        #expect(outcome(ifMatch: Self.etag) == .proceed)
        #expect(outcome(ifMatch: "\"other\", \(Self.etag)") == .proceed)
        #expect(outcome(ifMatch: "*") == .proceed)
    }

    @Test func ifMatchWithAnotherETagFails() {
        #expect(outcome(ifMatch: "1234") == .preconditionFailed)
        #expect(outcome(.post, ifMatch: "1234") == .preconditionFailed)
        #expect(outcome(.delete, ifMatch: "1234") == .preconditionFailed)
        #expect(outcome(current: nil, ifMatch: Self.etag) == .preconditionFailed)
        #expect(outcome(ifMatch: "1234").status == 412)
    }

    @Test func ifNoneMatchStarFailsWhenTheDocumentExists() {
        #expect(outcome(ifNoneMatch: "*") == .preconditionFailed)
        #expect(outcome(current: nil, ifNoneMatch: "*") == .proceed)
    }

    @Test func putWithoutHeadersOnAnExistingProfileConflicts() {
        #expect(outcome(.put, .activityProfile) == .conflict)
        #expect(outcome(.put, .agentProfile).status == 409)
        #expect(outcome(.put, .agentProfile, current: nil) == .proceed)
        #expect(outcome(.post, .agentProfile) == .proceed)
    }

    @Test func stateIsExemptIn1_0_3ButNotIn2_0() {
        #expect(outcome(.put, .state, .v1_0_3) == .proceed)
        #expect(outcome(.put, .state, .v2_0_0) == .conflict)
    }
}
