import Foundation
import Testing

@testable import OneRoster

/// The Japan Profile's rules (日本IMS協会 OneRoster国内適用検討部会; digest §4) on top of the
/// CSV binding's.
///
/// Lines of valid-minimal used here: orgs.csv 2 district-1, 3 school-1; academicSessions.csv
/// 2 session-2026 (2026年度); courses.csv 2 course-p1; classes.csv 2 class-p1-1;
/// users.csv 3 user-s1 (student, P1), 5 user-s2; userProfiles.csv 2 profile-t1;
/// enrollments.csv 2 enr-t1 (teacher), 3 enr-s1 (student).
@Suite struct JapanProfileRuleTests {
    static let rules: [Rule] = [
        .jpEnabledUser, .jpUserMasterIdentifier, .jpUserMasterIdentifierDuplicate, .jpEportalRequired, .jpGrade,
        .jpOrgType, .jpClassType, .jpDistrictParent, .jpSchoolCode, .jpEnrollmentRole, .jpPrimary, .jpSchoolYear, .jpCourseCode,
        .jpHalfWidthKana, .jpKana, .jpHomeClass,
    ]

    @Test(arguments: rules)
    func validPackageDoesNotBreak(_ rule: Rule) async throws {
        let report = try await Fixtures.validate("valid-minimal")
        #expect(report.located(rule) == [])
    }

    private func validate(_ cell: Cell, _ value: String, fixture: String = "valid-minimal") async throws -> ValidationReport {
        try await Fixtures.validate(patching: fixture) { try $0.setCell(cell.file, line: cell.line, column: cell.column, to: value) }
    }

    // MARK: - jp.enabled-user

    @Test func disabledUser() async throws {
        let report = try await validate(Cell("users.csv", 3, "enabledUser"), "false")
        #expect(report.located == [Located(.jpEnabledUser, "users.csv", 3, "enabledUser", .error)])
    }

    // MARK: - jp.user-master-identifier

    @Test func blankUserMasterIdentifier() async throws {
        let report = try await validate(Cell("users.csv", 3, "userMasterIdentifier"), "")
        #expect(report.located == [Located(.jpUserMasterIdentifier, "users.csv", 3, "userMasterIdentifier", .error)])
    }

    @Test func aLeavingUserNeedsNoUserMasterIdentifierNorEportalNames() async throws {
        let report = try await Fixtures.validate(patching: "delta-outside-package") { package in
            try package.setCell("users.csv", line: 2, column: "status", to: "tobedeleted")
            for column in ["userMasterIdentifier", "preferredGivenName", "preferredFamilyName", "metadata.jp.kanaGivenName", "metadata.jp.kanaFamilyName"] {
                try package.setCell("users.csv", line: 2, column: column, to: "")
            }
        }
        #expect(report.located(.jpUserMasterIdentifier) == [])
        #expect(report.located(.jpEportalRequired) == [])
        #expect(report.isValid)
    }

    // MARK: - jp.user-master-identifier-duplicate

    @Test func userMasterIdentifierTwice() async throws {
        let report = try await validate(Cell("users.csv", 5, "userMasterIdentifier"), "master-s1")
        #expect(report.located == [Located(.jpUserMasterIdentifierDuplicate, "users.csv", 5, "userMasterIdentifier", .error)])
        #expect(try #require(report.diagnostics.first).messageEn.contains("first on line 3"))
    }

    // MARK: - jp.eportal-required

    @Test(arguments: ["preferredGivenName", "preferredFamilyName", "metadata.jp.kanaGivenName", "metadata.jp.kanaFamilyName"])
    func eportalNameBlank(_ column: String) async throws {
        let report = try await validate(Cell("users.csv", 3, column), "")
        #expect(report.located == [Located(.jpEportalRequired, "users.csv", 3, column, .warning)])
        #expect(report.isValid)
    }

    // MARK: - jp.grade

    @Test(arguments: [
        (Cell("courses.csv", 2, "grades"), "G1"), (Cell("courses.csv", 2, "grades"), "P7"),
        (Cell("users.csv", 3, "grades"), "1"), (Cell("users.csv", 3, "grades"), "01"),
        (Cell("classes.csv", 2, "grades"), "P1,K1"),
    ])
    func gradeNotInTheJapaneseCodeList(_ cell: Cell, _ value: String) async throws {
        let report = try await validate(cell, value)
        #expect(report.located == [Located(.jpGrade, cell.file, cell.line, cell.column, .error)])
    }

    @Test(arguments: ["P6", "J3", "H1", "E2", "P1,P2", "J1, J2"])
    func gradeInTheJapaneseCodeList(_ value: String) async throws {
        let report = try await validate(Cell("courses.csv", 2, "grades"), value)
        #expect(report.located == [])
    }

    // MARK: - jp.org-type

    @Test(arguments: ["department", "local", "state", "national", "ext:board"])
    func orgThatIsNeitherDistrictNorSchool(_ type: String) async throws {
        let report = try await validate(Cell("orgs.csv", 2, "type"), type)
        #expect(report.located == [Located(.jpOrgType, "orgs.csv", 2, "type", .error)])
    }

    // MARK: - jp.class-type

    @Test func extensionClassType() async throws {
        // The core binding allows ext: class types; the Japan Profile only homeroom and scheduled.
        let report = try await validate(Cell("classes.csv", 2, "classType"), "ext:club")
        #expect(report.located == [Located(.jpClassType, "classes.csv", 2, "classType", .error)])
    }

    @Test func scheduledClass() async throws {
        let report = try await validate(Cell("classes.csv", 2, "classType"), "scheduled")
        #expect(report.located == [])
    }

    // MARK: - jp.district-parent

    @Test func districtWithAParent() async throws {
        let report = try await validate(Cell("orgs.csv", 2, "parentSourcedId"), "school-1")
        #expect(report.located == [Located(.jpDistrictParent, "orgs.csv", 2, "parentSourcedId", .error)])
    }

    // MARK: - jp.school-code

    @Test func schoolCodeOf12Characters() async throws {
        // orgs-bad-school-code: school-1's identifier is B11420000001.
        let report = try await Fixtures.validate("orgs-bad-school-code")
        #expect(report.located == [Located(.jpSchoolCode, "orgs.csv", 3, "identifier", .error)])
        #expect(try #require(report.diagnostics.first).messageEn.contains("has 12 characters"))
    }

    @Test(arguments: [
        ("B11420000000111", "has 15 characters"),
        ("Z114200000011", "school type Z1 is not in the code table"),
        ("B199200000011", "prefecture 99 is not 01–47"),
        ("B100200000011", "prefecture 00 is not 01–47"),
        ("B1142000000X1", "characters 3–13 are not all digits"),
        ("B1１4200000011", "characters 3–13 are not all digits"),
    ])
    func malformedSchoolCode(_ code: String, _ problem: String) async throws {
        let report = try await validate(Cell("orgs.csv", 3, "identifier"), code)
        #expect(report.located == [Located(.jpSchoolCode, "orgs.csv", 3, "identifier", .error)])
        #expect(try #require(report.diagnostics.first).messageEn.contains(problem))
    }

    @Test(arguments: ["B101200000019", "C147200000001", "H201100000005"])
    func wellFormedSchoolCode(_ code: String) async throws {
        let report = try await validate(Cell("orgs.csv", 3, "identifier"), code)
        #expect(report.located == [])
    }

    @Test func districtIdentifierIsNotASchoolCode() async throws {
        let report = try await validate(Cell("orgs.csv", 2, "identifier"), "141003")
        #expect(report.located == [])
    }

    @Test func schoolCodeStructure() {
        #expect(SchoolCode.problem(in: "B101200000019") == nil)
        #expect(SchoolCode.problem(in: "B10120000001") == .length(12))
        #expect(SchoolCode.problem(in: "X101200000019") == .schoolType("X1"))
        #expect(SchoolCode.problem(in: "B148200000019") == .prefecture("48"))
        #expect(SchoolCode.problem(in: "B1012000000A9") == .digits)
    }

    // MARK: - jp.enrollment-role

    @Test(arguments: ["proctor", "ext:aide"])
    func enrollmentRoleOutsideTheProfile(_ role: String) async throws {
        let report = try await validate(Cell("enrollments.csv", 3, "role"), role)
        #expect(report.located == [Located(.jpEnrollmentRole, "enrollments.csv", 3, "role", .error)])
    }

    @Test(arguments: ["administrator", "guardian"])
    func enrollmentRoleInTheProfile(_ role: String) async throws {
        let report = try await validate(Cell("enrollments.csv", 3, "role"), role)
        #expect(report.located == [])
    }

    // MARK: - jp.primary

    @Test func primaryStudent() async throws {
        let report = try await validate(Cell("enrollments.csv", 3, "primary"), "true")
        #expect(report.located == [Located(.jpPrimary, "enrollments.csv", 3, "primary", .error)])
    }

    @Test func teacherThatIsNotPrimary() async throws {
        let report = try await validate(Cell("enrollments.csv", 2, "primary"), "false")
        #expect(report.located == [])
    }

    // MARK: - jp.school-year

    @Test(arguments: [
        (Cell("academicSessions.csv", 2, "title"), "令和8年度"),
        (Cell("academicSessions.csv", 2, "title"), "2026"),
        (Cell("academicSessions.csv", 2, "startDate"), "2026-04-06"),
        (Cell("academicSessions.csv", 2, "endDate"), "2027-03-25"),
    ])
    func schoolYearNotAJapaneseSchoolYear(_ cell: Cell, _ value: String) async throws {
        let report = try await validate(cell, value)
        // Reported on the title, whichever part is off.
        #expect(report.located == [Located(.jpSchoolYear, "academicSessions.csv", 2, "title", .warning)])
        #expect(report.isValid)
    }

    // MARK: - jp.course-code

    @Test func courseWithACode() async throws {
        let report = try await validate(Cell("courses.csv", 2, "courseCode"), "KOKUGO-1")
        #expect(report.located == [Located(.jpCourseCode, "courses.csv", 2, "courseCode", .warning)])
        #expect(report.isValid)
    }

    // MARK: - jp.half-width-kana

    @Test func halfWidthKanaReading() async throws {
        // users-half-width-kana: user-s1's kanaFamilyName is ｻﾄｳ.
        let report = try await Fixtures.validate("users-half-width-kana")
        #expect(report.located == [Located(.jpHalfWidthKana, "users.csv", 3, "metadata.jp.kanaFamilyName", .error)])
    }

    @Test(arguments: [
        Cell("orgs.csv", 3, "name"), Cell("courses.csv", 2, "title"), Cell("classes.csv", 2, "title"),
        Cell("classes.csv", 2, "location"), Cell("users.csv", 3, "givenName"), Cell("users.csv", 3, "familyName"),
        Cell("users.csv", 3, "middleName"), Cell("users.csv", 3, "preferredGivenName"),
        Cell("users.csv", 3, "preferredMiddleName"), Cell("users.csv", 3, "preferredFamilyName"),
        Cell("userProfiles.csv", 2, "description"), Cell("users.csv", 3, "metadata.jp.kanaGivenName"),
        Cell("users.csv", 3, "metadata.jp.kanaPreferredFamilyName"),
    ])
    func halfWidthKanaWhereTheEportalRejectsIt(_ cell: Cell) async throws {
        let report = try await validate(cell, "ｶﾞｯｺｳ")
        #expect(report.located == [Located(.jpHalfWidthKana, cell.file, cell.line, cell.column, .error)])
    }

    @Test func halfWidthKanaElsewhereIsNotChecked() async throws {
        let report = try await validate(Cell("users.csv", 3, "identifier"), "ｶﾞｯｺｳ")
        #expect(report.located == [])
    }

    // MARK: - jp.kana

    @Test(arguments: ["さとう", "Sato", "佐藤", "サトウ1"])
    func readingNotInKatakana(_ value: String) async throws {
        let report = try await validate(Cell("users.csv", 3, "metadata.jp.kanaFamilyName"), value)
        #expect(report.located == [Located(.jpKana, "users.csv", 3, "metadata.jp.kanaFamilyName", .error)])
    }

    @Test(arguments: ["サトウ", "ヴァン・ダイク", "サトウ　タロウ", "サトウ タロウ", "ユーイチ", "ヰヱヽヾ"])
    func readingInFullWidthKatakana(_ value: String) async throws {
        let report = try await validate(Cell("users.csv", 3, "metadata.jp.kanaFamilyName"), value)
        #expect(report.located == [])
    }

    // MARK: - jp.home-class

    @Test func homeClassThatDoesNotExist() async throws {
        let report = try await validate(Cell("users.csv", 3, "metadata.jp.homeClass"), "class-p1-9")
        #expect(report.located == [Located(.jpHomeClass, "users.csv", 3, "metadata.jp.homeClass", .error)])
    }
}
