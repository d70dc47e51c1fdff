import Testing

@testable import XAPI

/// Communication §4.2: the authorization scopes, what each opens, and the 403 outside them.
@Suite("Authorization scopes")
struct ScopeTests {
    @Test func namesAreTheSpecificationsAndKeptInItsOrder() throws {
        #expect(try XAPIScopes(parsing: "statements/read/mine statements/write").text == "statements/write statements/read/mine")
        #expect(try XAPIScopes(parsing: "all/read,state").scopes == [.allRead, .state])
        #expect(throws: XAPIError.self) { try XAPIScopes(parsing: "statements/delete") }
        #expect(throws: XAPIError.self) { try XAPIScopes(parsing: " ") }
    }

    @Test(arguments: [
        (XAPIScope.statementsWrite, [XAPIAccess.writeStatements]),
        (.statementsRead, [.readStatements, .readActivitiesAndAgents]),
        (.statementsReadMine, [.readStatements]),
        (.state, [.readState, .writeState]),
        (.profile, [.readProfiles, .writeProfiles]),
        (.allRead, [.readStatements, .readState, .readProfiles, .readActivitiesAndAgents]),
        (.all, XAPIAccess.allCases),
        (.define, []),
    ])
    func eachScopeOpensItsAccess(scope: XAPIScope, opens: [XAPIAccess]) {
        let scopes = XAPIScopes([scope])
        for access in XAPIAccess.allCases {
            #expect(scopes.allows(access) == opens.contains(access), "\(scope.rawValue) and \(access)")
        }
    }

    @Test func readMineLimitsReadsUnlessAWiderReadIsGranted() throws {
        #expect(try XAPIScopes(parsing: "statements/read/mine").readsOnlyOwnStatements)
        #expect(try !XAPIScopes(parsing: "statements/read/mine all/read").readsOnlyOwnStatements)
        #expect(try !XAPIScopes(parsing: "statements/read").readsOnlyOwnStatements)
    }

    @Test func theRefusalNamesWhatIsMissing() {
        do {
            try XAPIScopes([.statementsRead]).check(.writeStatements)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.status == 403 && error.code == "credentials.insufficient-scope")
            #expect(error.message.contains("statements/write") && error.message.contains("statements/read"))
        }
    }
}
