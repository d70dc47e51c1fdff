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

    /// `state` and `profile` alone reach only the credential's own documents; `all/read` widens
    /// reading, `all` everything, and the other scopes never narrow.
    @Test func stateAndProfileAloneReachOnlyOwnDocuments() throws {
        let state = try XAPIScopes(parsing: "state")
        #expect(state.reachesOnlyOwnDocuments(.readState) && state.reachesOnlyOwnDocuments(.writeState))
        let profile = try XAPIScopes(parsing: "profile statements/write")
        #expect(profile.reachesOnlyOwnDocuments(.readProfiles) && profile.reachesOnlyOwnDocuments(.writeProfiles))
        #expect(!profile.reachesOnlyOwnDocuments(.readState), "not granted at all: refused by check, not narrowed")
        let readsAll = try XAPIScopes(parsing: "state all/read")
        #expect(!readsAll.reachesOnlyOwnDocuments(.readState) && readsAll.reachesOnlyOwnDocuments(.writeState))
        let all = try XAPIScopes(parsing: "state all")
        for access in XAPIAccess.allCases { #expect(!all.reachesOnlyOwnDocuments(access), "\(access)") }
        #expect(!XAPIScopes([.statementsReadMine]).reachesOnlyOwnDocuments(.readStatements), "statements have their own rule")
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
