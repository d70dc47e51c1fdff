import Foundation
import Testing

@testable import OneRoster

/// CSV binding §1 (a bulk set is referentially complete) and §3 (sourcedIds are unique, `R`
/// columns name a record of the referenced file); the Japan Profile's school references.
@Suite struct ReferenceRuleTests {
    static let rules: [Rule] = [.recordDuplicateId, .referenceMissing, .referenceWrongType]

    @Test(arguments: rules)
    func validPackageDoesNotBreak(_ rule: Rule) async throws {
        let report = try await Fixtures.validate("valid-minimal")
        #expect(report.located(rule) == [])
    }

    // MARK: - record.duplicate-id

    @Test func userSourcedIdTwice() async throws {
        // users-duplicate-sourcedid: a new row on line 8 reuses user-s2 (line 5).
        let report = try await Fixtures.validate("users-duplicate-sourcedid")
        #expect(report.located == [Located(.recordDuplicateId, "users.csv", 8, "sourcedId", .error)])
        #expect(try #require(report.diagnostics.first).messageEn.contains("first on line 5"))
    }

    @Test func enrollmentSourcedIdTwice() async throws {
        let report = try await Fixtures.validate { try $0.setCell("enrollments.csv", line: 4, column: "sourcedId", to: "enr-s1") }
        #expect(report.located == [Located(.recordDuplicateId, "enrollments.csv", 4, "sourcedId", .error)])
    }

    @Test func sameIdInDifferentFilesIsFine() async throws {
        // demographics' sourcedId is the user's, by design; ids are unique per file.
        let report = try await Fixtures.validate { try $0.setCell("roles.csv", line: 2, column: "sourcedId", to: "user-t1") }
        #expect(report.located == [])
    }

    // MARK: - reference.missing

    @Test func enrollmentOfAMissingUser() async throws {
        // enrollment-missing-user: enr-s2 (line 4) names user-s9.
        let report = try await Fixtures.validate("enrollment-missing-user")
        #expect(report.located == [Located(.referenceMissing, "enrollments.csv", 4, "userSourcedId", .error)])
        let diagnostic = try #require(report.diagnostics.first)
        #expect(diagnostic.messageEn == "userSourcedId \"user-s9\" is not in users.csv.")
        #expect(diagnostic.messageJa.contains("user-s9"))
    }

    @Test(arguments: [
        Cell("orgs.csv", 3, "parentSourcedId"),
        Cell("academicSessions.csv", 3, "parentSourcedId"),
        Cell("courses.csv", 2, "schoolYearSourcedId"),
        Cell("courses.csv", 2, "orgSourcedId"),
        Cell("classes.csv", 2, "courseSourcedId"),
        Cell("classes.csv", 2, "schoolSourcedId"),
        Cell("classes.csv", 3, "termSourcedIds"),
        Cell("users.csv", 3, "agentSourcedIds"),
        Cell("users.csv", 3, "primaryOrgSourcedId"),
        Cell("userProfiles.csv", 2, "userSourcedId"),
        Cell("roles.csv", 2, "userSourcedId"),
        Cell("roles.csv", 2, "orgSourcedId"),
        Cell("roles.csv", 2, "userProfileSourcedId"),
        Cell("enrollments.csv", 3, "classSourcedId"),
        Cell("enrollments.csv", 3, "schoolSourcedId"),
    ])
    func referenceToNothing(_ cell: Cell) async throws {
        let report = try await Fixtures.validate { try $0.setCell(cell.file, line: cell.line, column: cell.column, to: "nobody-9") }
        #expect(report.located == [Located(.referenceMissing, cell.file, cell.line, cell.column, .error)])
    }

    @Test func oneMissingItemOfAList() async throws {
        let report = try await Fixtures.validate { try $0.setCell("classes.csv", line: 3, column: "termSourcedIds", to: "session-2026,term-2026-2") }
        #expect(report.located == [Located(.referenceMissing, "classes.csv", 3, "termSourcedIds", .error)])
        #expect(try #require(report.diagnostics.first).messageEn.contains("term-2026-2"))
    }

    @Test func referenceWithinAFileMayPointForward() async throws {
        // user-s1 (line 3) names the guardian user-g1 of line 4 in valid-minimal; a reference to
        // a later line is checked when the file ends and reported on the referring line.
        let valid = try await Fixtures.validate("valid-minimal")
        #expect(valid.located == [])
        let report = try await Fixtures.validate { try $0.setCell("users.csv", line: 3, column: "agentSourcedIds", to: "user-g1,user-g2") }
        #expect(report.located == [Located(.referenceMissing, "users.csv", 3, "agentSourcedIds", .error)])
    }

    @Test func bulkFilesAreNotCompletedFromTheRoster() async throws {
        // users.csv is bulk: a user that is only in the current roster does not count.
        var existing = try await ExistingRoster.ids(of: "valid-minimal")
        existing[.users, default: []].insert("user-s9")
        let report = try await Fixtures.validate("enrollment-missing-user", options: ValidationOptions(existingIds: existing))
        #expect(report.located == [Located(.referenceMissing, "enrollments.csv", 4, "userSourcedId", .error)])
    }

    @Test func rowsWithErrorsStillDefineTheirId() async throws {
        // user-s1 has a bad userIds value; its enrollment, role and demographics still resolve.
        let report = try await Fixtures.validate { try $0.setCell("users.csv", line: 3, column: "userIds", to: "s0001") }
        #expect(report.located == [Located(.fieldTypedList, "users.csv", 3, "userIds", .error)])
    }

    // MARK: - reference.wrong-type

    @Test func enrollmentSchoolIsADistrict() async throws {
        let report = try await Fixtures.validate { try $0.setCell("enrollments.csv", line: 3, column: "schoolSourcedId", to: "district-1") }
        #expect(report.located == [Located(.referenceWrongType, "enrollments.csv", 3, "schoolSourcedId", .error)])
        #expect(try #require(report.diagnostics.first).messageEn == "schoolSourcedId \"district-1\" is a district org, not a school.")
    }

    @Test func classSchoolIsADistrict() async throws {
        let report = try await Fixtures.validate { try $0.setCell("classes.csv", line: 2, column: "schoolSourcedId", to: "district-1") }
        #expect(report.located == [Located(.referenceWrongType, "classes.csv", 2, "schoolSourcedId", .error)])
    }
}
