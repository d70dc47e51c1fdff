import Foundation
import Testing

@testable import XAPI

/// Communication §1.5.2: multipart/mixed statement requests and responses.
@Suite("Multipart attachments")
struct MultipartTests {
    static let boundary = "-------314159265358979323846"
    static let text = "here is a simple attachment"
    static let sha = "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"
    static let statement = #"{"actor":{"mbox":"mailto:sample.agent@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/answered"},"object":{"id":"http://www.example.com/tincan/activities/multipart"},"attachments":[{"usageType":"http://example.com/attachment-usage/test","display":{"en-US":"A test attachment"},"contentType":"text/plain","length":27,"sha2":"495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"}]}"#

    static func body(lineBreak: String = "\r\n", firstType: String = "application/json", hash: String? = sha, encoding: String? = "binary", data: String = text) -> [UInt8] {
        var lines = ["--\(boundary)", "Content-Type:\(firstType)", "", statement, "--\(boundary)", "Content-Type: text/plain"]
        if let encoding { lines.append("Content-Transfer-Encoding: \(encoding)") }
        if let hash { lines.append("X-Experience-API-Hash: \(hash)") }
        lines += ["", data, "--\(boundary)--", ""]
        return Array(lines.joined(separator: lineBreak).utf8)
    }

    static let contentType = "multipart/mixed; boundary=\(boundary)"

    func readError(_ body: [UInt8], contentType: String = contentType) -> XAPIError? {
        do {
            _ = try StatementRequest.read(body: body, contentType: contentType)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: ["\r\n", "\n"])
    func aStatementWithItsAttachmentIsRead(lineBreak: String) throws {
        let request = try StatementRequest.read(body: Self.body(lineBreak: lineBreak), contentType: Self.contentType)
        #expect(String(decoding: request.statementJSON, as: UTF8.self) == Self.statement)
        #expect(request.payloads == [AttachmentPayload(sha2: Self.sha, contentType: "text/plain", data: Array(Self.text.utf8))])
        let statements = try StatementValidator(version: .v1_0_3).validateBatch(request.statementJSON, assignment: Fixture.assignment)
        let payloads = try request.matchAttachments(of: statements)
        #expect(payloads[Self.sha]?.data.count == 27)
    }

    @Test func theBoundaryComesFromTheContentType() throws {
        #expect(try MultipartMixed.boundary(contentType: "multipart/mixed; boundary=\"abcABC0123'()+_,-./:=?\"") == "abcABC0123'()+_,-./:=?")
        #expect(readError(Self.body(), contentType: "multipart/mixed;")?.code == "multipart.boundary-missing")
        #expect(readError(Self.body(), contentType: "multipart/form-data; boundary=\(Self.boundary)")?.code == "request.content-type")
    }

    @Test func theFirstPartMustBeJSON() {
        #expect(readError(Self.body(firstType: "text/plain"))?.code == "multipart.first-part-not-json")
    }

    @Test func attachmentPartsNeedAHashAndBinaryEncoding() {
        #expect(readError(Self.body(hash: nil))?.code == "multipart.hash-missing")
        #expect(readError(Self.body(encoding: nil))?.code == "multipart.transfer-encoding")
        #expect(readError(Self.body(encoding: "base64"))?.code == "multipart.transfer-encoding")
    }

    @Test func thePartMustHashToItsHeader() {
        #expect(readError(Self.body(data: "here is a simple attachmenT"))?.code == "multipart.hash-mismatch")
        #expect(readError(Self.body(hash: "abc"))?.code == "multipart.hash-algorithm")
    }

    @Test func sha384AndSHA512AreAccepted() throws {
        for hash in [AttachmentPayload.digest(of: Array(Self.text.utf8), like: String(repeating: "0", count: 96))!,
                     AttachmentPayload.digest(of: Array(Self.text.utf8), like: String(repeating: "0", count: 128))!] {
            let request = try StatementRequest.read(body: Self.body(hash: hash), contentType: Self.contentType)
            #expect(request.payloads.first?.sha2 == hash)
        }
    }

    @Test func everyAttachmentWithoutFileUrlNeedsAPart() throws {
        let request = StatementRequest(statementJSON: Array(Self.statement.utf8), payloads: [])
        let statements = try StatementValidator(version: .v1_0_3).validateBatch(request.statementJSON, assignment: Fixture.assignment)
        #expect(throws: XAPIError.self) { try request.matchAttachments(of: statements) }
    }

    @Test func aPartMatchingNoAttachmentIsRejected() throws {
        let other = AttachmentPayload(sha2: String(repeating: "a", count: 64), contentType: nil, data: [])
        let request = StatementRequest(
            statementJSON: Array(Self.statement.utf8),
            payloads: [AttachmentPayload(sha2: Self.sha, contentType: nil, data: Array(Self.text.utf8)), other])
        let statements = try StatementValidator(version: .v1_0_3).validateBatch(request.statementJSON, assignment: Fixture.assignment)
        do {
            _ = try request.matchAttachments(of: statements)
            Issue.record("accepted")
        } catch {
            #expect(error.code == "multipart.part-unexpected")
        }
    }

    @Test func theClosingBoundaryIsRequired() {
        var body = Self.body()
        body.removeLast(Self.boundary.count + 6)
        #expect(readError(body)?.code == "multipart.unterminated")
    }

    @Test func responsesRoundTripThroughTheParser() throws {
        let json = Array(#"{"statements":[],"more":""}"#.utf8)
        let payload = AttachmentPayload(sha2: Self.sha, contentType: "text/plain", data: Array(Self.text.utf8))
        let body = StatementRequest.writeResponse(statementJSON: json, payloads: [payload, payload], boundary: "xyz")
        let parts = try MultipartMixed.parse(body, boundary: "xyz")
        #expect(parts.count == 2)
        #expect(parts[0].body == json)
        #expect(parts[1].header("x-experience-api-hash") == Self.sha)
        #expect(parts[1].body == Array(Self.text.utf8))
    }
}

/// Data §2.6: signed statements.
@Suite("Signed statements")
struct SignedStatementTests {
    static let original: JSON = Fixture.minimal.setting(["timestamp"], to: "2013-04-01T12:00:00Z")

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func jws(alg: String = "RS256", payload: [UInt8] = original.encoded()) -> [UInt8] {
        Array((base64URL(Array(#"{"alg":"\#(alg)"}"#.utf8)) + "." + base64URL(payload) + "." + base64URL([1, 2, 3])).utf8)
    }

    /// The statement with its signature attachment, validated, and the payload map.
    static func signed(_ jws: [UInt8], statement: JSON = original, contentType: String = "application/octet-stream") throws -> (ValidatedStatement, [String: AttachmentPayload]) {
        let sha = AttachmentPayload.digest(of: jws, like: String(repeating: "0", count: 64))!
        let attachment: JSON = [
            "usageType": "http://adlnet.gov/expapi/attachments/signature", "display": ["en-US": "Signed by the Test Suite"],
            "contentType": .string(contentType), "length": .number(.integer(Int64(jws.count))), "sha2": .string(sha),
        ]
        let validated = try Fixture.validate(statement.setting(["attachments"], to: [attachment]))
        let request = StatementRequest(statementJSON: [], payloads: [AttachmentPayload(sha2: sha, contentType: contentType, data: jws)])
        return (validated, try request.matchAttachments(of: [validated]))
    }

    func verifyError(_ jws: [UInt8], statement: JSON = original, contentType: String = "application/octet-stream") throws -> XAPIError? {
        let (validated, payloads) = try Self.signed(jws, statement: statement, contentType: contentType)
        do {
            try SignedStatement.verifyAll([validated], payloads: payloads, version: .v1_0_3)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: ["RS256", "RS384", "RS512"])
    func aMatchingSignatureIsAccepted(alg: String) throws {
        #expect(try verifyError(Self.jws(alg: alg)) == nil)
    }

    @Test func theAlgorithmMustBeRSA() throws {
        #expect(try verifyError(Self.jws(alg: "HS256"))?.code == "signature.algorithm")
    }

    @Test func theContentTypeMustBeOctetStream() throws {
        #expect(try verifyError(Self.jws(), contentType: "text/plain; charset=ascii")?.code == "signature.content-type")
    }

    @Test func aPayloadThatIsNotJSONIsRejected() throws {
        let broken = Array(Self.original.jsonString.replacingOccurrences(of: "\"", with: "'").utf8)
        #expect(try verifyError(Self.jws(payload: broken))?.code == "signature.payload-invalid")
    }

    @Test func aPayloadForAnotherStatementIsRejected() throws {
        let other = Self.original.setting(["verb", "id"], to: "http://example.com/other").encoded()
        #expect(try verifyError(Self.jws(payload: other))?.code == "signature.payload-mismatch")
    }

    @Test func notAJWSIsRejected() throws {
        #expect(try verifyError(Array("not a jws".utf8))?.code == "signature.malformed")
    }
}
