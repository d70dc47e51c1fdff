import Foundation
import Testing

@testable import OneRoster

/// CSV binding §2–§3: each value against its column's requirement and type.
///
/// Lines of valid-minimal used here: orgs.csv 2 district-1, 3 school-1, 4 school-2;
/// academicSessions.csv 2 session-2026, 3 term-2026-1; courses.csv 2 course-p1, 3 course-j1;
/// classes.csv 2 class-p1-1, 3 class-j1-1; users.csv 3 user-s1; userProfiles.csv 2 profile-t1;
/// roles.csv 2 role-t1, 3 role-s1; enrollments.csv 3 enr-s1; demographics.csv 2 user-s1.
@Suite struct FieldRuleTests {
    static let rules: [Rule] = [
        .fieldRequired, .fieldGUID, .fieldEnumeration, .fieldDate, .fieldDateTime, .fieldYear, .fieldBoolean,
        .fieldInteger, .fieldFloat, .fieldList, .fieldTypedList, .fieldLength, .fieldDateRange,
    ]

    @Test(arguments: rules)
    func validPackageDoesNotBreak(_ rule: Rule) async throws {
        let report = try await Fixtures.validate("valid-minimal")
        #expect(report.located(rule) == [])
    }

    /// valid-minimal with one cell changed.
    private func validate(_ cell: Cell, _ value: String, fixture: String = "valid-minimal") async throws -> ValidationReport {
        try await Fixtures.validate(patching: fixture) { try $0.setCell(cell.file, line: cell.line, column: cell.column, to: value) }
    }

    // MARK: - field.required

    @Test(arguments: [
        Cell("users.csv", 3, "givenName"), Cell("users.csv", 3, "username"), Cell("orgs.csv", 3, "name"),
        Cell("classes.csv", 2, "classType"), Cell("classes.csv", 3, "termSourcedIds"), Cell("enrollments.csv", 3, "role"),
        Cell("academicSessions.csv", 3, "startDate"), Cell("roles.csv", 3, "roleType"),
        Cell("userProfiles.csv", 2, "credentialType"), Cell("courses.csv", 2, "orgSourcedId"),
        Cell("demographics.csv", 2, "sourcedId"),
    ])
    func requiredValueBlank(_ cell: Cell) async throws {
        let report = try await validate(cell, "")
        #expect(report.located == [Located(.fieldRequired, cell.file, cell.line, cell.column, .error)])
    }

    // MARK: - field.guid

    static let invalidGUIDs = ["user s1", "ユーザー1", "user#1", "user,1", String(repeating: "a", count: 256)]

    @Test(arguments: invalidGUIDs)
    func sourcedIdNotAGUID(_ id: String) async throws {
        let report = try await validate(Cell("demographics.csv", 2, "sourcedId"), id)
        #expect(report.located == [Located(.fieldGUID, "demographics.csv", 2, "sourcedId", .error)])
    }

    @Test(arguments: [String(repeating: "a", count: 255), "a.b-c_d/e@f", "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"])
    func sourcedIdThatIsAGUID(_ id: String) async throws {
        let report = try await validate(Cell("demographics.csv", 2, "sourcedId"), id)
        #expect(report.located == [])
    }

    @Test func referenceNotAGUID() async throws {
        let report = try await validate(Cell("roles.csv", 3, "userSourcedId"), "user s1")
        #expect(report.located == [Located(.fieldGUID, "roles.csv", 3, "userSourcedId", .error)])
    }

    // MARK: - field.enum

    @Test func enrollmentRoleNotInTheVocabulary() async throws {
        // enrollment-bad-role: enr-s1 has role "pupil".
        let report = try await Fixtures.validate("enrollment-bad-role")
        #expect(report.located == [Located(.fieldEnumeration, "enrollments.csv", 3, "role", .error)])
    }

    @Test(arguments: ["Male", "ext:", "ext:not stated", "男"])
    func sexNotInTheVocabulary(_ value: String) async throws {
        let report = try await validate(Cell("demographics.csv", 2, "sex"), value)
        #expect(report.located == [Located(.fieldEnumeration, "demographics.csv", 2, "sex", .error)])
    }

    @Test(arguments: ["", "unspecified", "other", "ext:notStated", "ext:x.y-z_1"])
    func sexInTheVocabularyOrAnExtension(_ value: String) async throws {
        let report = try await validate(Cell("demographics.csv", 2, "sex"), value)
        #expect(report.located == [])
    }

    @Test func closedVocabularyTakesNoExtension() async throws {
        let report = try await validate(Cell("roles.csv", 2, "roleType"), "ext:main")
        #expect(report.located == [Located(.fieldEnumeration, "roles.csv", 2, "roleType", .error)])
    }

    @Test func deltaStatusNotInTheVocabulary() async throws {
        let report = try await validate(Cell("users.csv", 2, "status"), "deleted", fixture: "delta-outside-package")
        #expect(report.located(.fieldEnumeration) == [Located(.fieldEnumeration, "users.csv", 2, "status", .error)])
    }

    // MARK: - field.date

    @Test(arguments: ["2026/04/01", "2026-4-1", "20260401", "2019-02-29", "2026-13-01", "2026-04-31", "2026-04-01T00:00:00Z"])
    func notADate(_ value: String) async throws {
        let report = try await validate(Cell("demographics.csv", 2, "birthDate"), value)
        #expect(report.located == [Located(.fieldDate, "demographics.csv", 2, "birthDate", .error)])
    }

    @Test(arguments: ["2020-02-29", "2000-02-29", "2019-12-31"])
    func aDate(_ value: String) async throws {
        let report = try await validate(Cell("demographics.csv", 2, "birthDate"), value)
        #expect(report.located == [])
    }

    @Test func enrollmentBeginDateNotADate() async throws {
        let report = try await validate(Cell("enrollments.csv", 3, "beginDate"), "2026/04/01")
        #expect(report.located == [Located(.fieldDate, "enrollments.csv", 3, "beginDate", .error)])
    }

    // MARK: - field.datetime (delta rows carry dateLastModified)

    @Test(arguments: [
        "2026-11-28 09:00:00", "2026-11-28T09:00:00.000+09:00", "2026-11-28T24:00:00.000Z", "2026-11-28",
        "2026-11-28T09:00:00.0000Z", "2026-11-28T09:00:00.Z", "2026-02-30T09:00:00Z",
    ])
    func notADateTime(_ value: String) async throws {
        let report = try await validate(Cell("users.csv", 2, "dateLastModified"), value, fixture: "delta-outside-package")
        #expect(report.located(.fieldDateTime) == [Located(.fieldDateTime, "users.csv", 2, "dateLastModified", .error)])
        #expect(report.errorCount == 1)
    }

    @Test(arguments: ["2026-11-28T09:00:00Z", "2026-11-28T09:00:00.5Z", "2026-11-28T09:00:00.000Z"])
    func aDateTime(_ value: String) async throws {
        let report = try await validate(Cell("users.csv", 2, "dateLastModified"), value, fixture: "delta-outside-package")
        #expect(report.located(.fieldDateTime) == [])
        #expect(report.isValid)
    }

    // MARK: - field.year

    @Test(arguments: ["26", "２０２６", "2026年", "20266"])
    func notAYear(_ value: String) async throws {
        let report = try await validate(Cell("academicSessions.csv", 3, "schoolYear"), value)
        #expect(report.located == [Located(.fieldYear, "academicSessions.csv", 3, "schoolYear", .error)])
    }

    // MARK: - field.boolean

    @Test(arguments: ["yes", "TRUE", "1", "True"])
    func notABoolean(_ value: String) async throws {
        let report = try await validate(Cell("classes.csv", 2, "metadata.jp.specialNeeds"), value)
        #expect(report.located == [Located(.fieldBoolean, "classes.csv", 2, "metadata.jp.specialNeeds", .error)])
    }

    @Test func enabledUserNotABoolean() async throws {
        let report = try await validate(Cell("users.csv", 3, "enabledUser"), "1")
        #expect(report.located == [Located(.fieldBoolean, "users.csv", 3, "enabledUser", .error)])
    }

    // MARK: - field.integer

    @Test(arguments: ["一", "1.5", "１", "1番"])
    func attendanceNumberNotAnInteger(_ value: String) async throws {
        let report = try await validate(Cell("enrollments.csv", 3, "metadata.jp.shussekiNo"), value)
        #expect(report.located == [Located(.fieldInteger, "enrollments.csv", 3, "metadata.jp.shussekiNo", .error)])
    }

    // MARK: - field.float

    /// No rostering column is a float (they are in the gradebook files, which are not imported),
    /// so the rule is checked on the field rules directly.
    @Test(arguments: ["abc", "1,5", "1.2.3", "９"])
    func notAFloat(_ value: String) throws {
        var state = ValidationState(package: try RosterPackage(url: try Fixtures.url("valid-minimal")), options: ValidationOptions())
        var context = RowContext(file: .users, line: 7, mode: .bulk)
        FieldRules.check(value, column: Column("score", .optional, .float), context: &context, state: &state)
        #expect(state.result.diagnostics.map { Located(Rule(rawValue: $0.rule)!, $0.file, $0.line, $0.column, $0.severity) }
            == [Located(.fieldFloat, "users.csv", 7, "score", .error)])
    }

    @Test(arguments: ["1", "-2.5", "94.0", "1e3"])
    func aFloat(_ value: String) throws {
        var state = ValidationState(package: try RosterPackage(url: try Fixtures.url("valid-minimal")), options: ValidationOptions())
        var context = RowContext(file: .users, line: 7, mode: .bulk)
        FieldRules.check(value, column: Column("score", .optional, .float), context: &context, state: &state)
        #expect(state.result.diagnostics.isEmpty)
    }

    // MARK: - field.list

    @Test(arguments: ["国語,,数学", "国語,", ",数学"])
    func listWithAnEmptyItem(_ value: String) async throws {
        let report = try await validate(Cell("courses.csv", 3, "subjects"), value)
        #expect(report.located == [Located(.fieldList, "courses.csv", 3, "subjects", .error)])
    }

    @Test func referenceListWithAnItemThatIsNotAGUID() async throws {
        let report = try await validate(Cell("classes.csv", 3, "termSourcedIds"), "session-2026,term 1")
        #expect(report.located == [Located(.fieldList, "classes.csv", 3, "termSourcedIds", .error)])
    }

    @Test func listItemsMayBeSpacedAfterTheComma() async throws {
        let report = try await validate(Cell("classes.csv", 3, "termSourcedIds"), "session-2026, term-2026-1")
        #expect(report.located == [])
    }

    // MARK: - field.typed-list

    @Test(arguments: ["Kakehashi:s0001", "{Kakehashi:}", "{:s0001}", "{Kakehashi s0001}", "{Kakehashi:s0001},LDAP"])
    func userIdsNotTyped(_ value: String) async throws {
        let report = try await validate(Cell("users.csv", 3, "userIds"), value)
        #expect(report.located == [Located(.fieldTypedList, "users.csv", 3, "userIds", .error)])
    }

    @Test func everyBadItemIsReported() async throws {
        let report = try await validate(Cell("users.csv", 3, "userIds"), "LDAP,{Kakehashi:s0001},LTI")
        #expect(report.located == Array(repeating: Located(.fieldTypedList, "users.csv", 3, "userIds", .error), count: 2))
    }

    // MARK: - field.length

    @Test func valueLongerThan4096Bytes() async throws {
        let report = try await validate(Cell("users.csv", 3, "identifier"), String(repeating: "a", count: 4097))
        #expect(report.located == [Located(.fieldLength, "users.csv", 3, "identifier", .error)])
    }

    @Test func valueOf4096BytesIsAccepted() async throws {
        let report = try await validate(Cell("users.csv", 3, "identifier"), String(repeating: "a", count: 4096))
        #expect(report.located == [])
    }

    @Test func japaneseTextIsMeasuredInUTF8Bytes() async throws {
        // 1,366 kanji are 4,098 bytes.
        let report = try await validate(Cell("demographics.csv", 2, "cityOfBirth"), String(repeating: "市", count: 1366))
        #expect(report.located == [Located(.fieldLength, "demographics.csv", 2, "cityOfBirth", .error)])
    }

    // MARK: - field.date-range

    @Test func enrollmentEndsBeforeItBegins() async throws {
        let report = try await validate(Cell("enrollments.csv", 3, "endDate"), "2026-03-31")
        #expect(report.located == [Located(.fieldDateRange, "enrollments.csv", 3, "endDate", .error)])
    }

    @Test func sessionEndsBeforeItStarts() async throws {
        let report = try await validate(Cell("academicSessions.csv", 3, "endDate"), "2026-03-01")
        #expect(report.located == [Located(.fieldDateRange, "academicSessions.csv", 3, "endDate", .error)])
    }

    @Test func roleEndsBeforeItBegins() async throws {
        let report = try await validate(Cell("roles.csv", 2, "endDate"), "2026-03-31")
        #expect(report.located == [Located(.fieldDateRange, "roles.csv", 2, "endDate", .error)])
    }

    @Test func oneDayRangeIsFine() async throws {
        let report = try await validate(Cell("enrollments.csv", 3, "endDate"), "2026-04-01")
        #expect(report.located == [])
    }
}
