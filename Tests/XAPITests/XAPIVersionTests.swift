import Testing

@testable import XAPI

/// Communication §3.3: the X-Experience-API-Version header.
@Suite("Version header")
struct XAPIVersionTests {
    @Test func rawValuesAreTheHeaderValues() {
        #expect(XAPIVersion.allCases.map(\.rawValue) == ["1.0.3", "2.0.0"])
    }

    @Test(arguments: ["1.0", "1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.9", " 1.0.3 "])
    func theOneZeroLineIsAccepted(header: String) throws {
        #expect(try XAPIVersion.parseHeader(header) == .v1_0_3)
    }

    @Test(arguments: ["2.0", "2.0.0"])
    func twoZeroIsAccepted(header: String) throws {
        #expect(try XAPIVersion.parseHeader(header) == .v2_0_0)
    }

    @Test(arguments: ["0.95", "0.9", "1.1.0", "1.0.", "1.0.x", "3.0.0", "abc", "1"])
    func otherVersionsAreRejected(header: String) {
        #expect(throws: XAPIError.self) { try XAPIVersion.parseHeader(header) }
        #expect((try? XAPIVersion.parseHeader(header)) == nil)
    }

    @Test func aMissingHeaderIsItsOwnError() {
        do {
            _ = try XAPIVersion.parseHeader(nil)
            Issue.record("accepted a missing header")
        } catch {
            #expect(error.code == "version.header-missing")
            #expect(error.status == 400)
        }
    }

    @Test func theDefaultStatementVersionFollowsTheSpec() {
        #expect(XAPIVersion.v1_0_3.defaultStatementVersion == "1.0.0")
        #expect(XAPIVersion.v2_0_0.defaultStatementVersion == "2.0.0")
    }
}
