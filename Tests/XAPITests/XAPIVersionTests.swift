import Testing
@testable import XAPI

@Suite struct XAPIVersionTests {
    @Test func rawValuesAreTheHeaderValues() {
        #expect(XAPIVersion.allCases.map(\.rawValue) == ["1.0.3", "2.0.0"])
    }
}
