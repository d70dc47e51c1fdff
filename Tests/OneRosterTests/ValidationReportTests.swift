import Foundation
import Testing

@testable import OneRoster

/// The report as a whole: every problem of a package in one run, the cap on listed problems
/// (`report.truncated`), counts, and the place each diagnostic names.
@Suite struct ValidationReportTests {
    @Test func validPackageHasAnEmptyReport() async throws {
        let report = try await Fixtures.validate("valid-minimal")
        #expect(report.diagnostics == [])
        #expect(report.isValid)
        #expect(report.errorCount == 0 && report.warningCount == 0 && report.infoCount == 0 && report.omittedCount == 0)
        #expect(report.countsByRule == [:])
        #expect(report.profile == .japanK12)
    }

    @Test func everyRuleIsCoveredByARuleTest() {
        let covered = ManifestRuleTests.rules + CSVSyntaxRuleTests.rules + HeaderRuleTests.rules + FieldRuleTests.rules
            + ReferenceRuleTests.rules + DeltaRuleTests.rules + JapanProfileRuleTests.rules + [Rule.limitReached]
        #expect(covered.count == Set(covered).count, "a rule is listed by two suites")
        #expect(Set(covered) == Set(Rule.allCases))
    }

    // MARK: - Every problem in one run

    @Test func threeProblemsInOneRowGiveThreeDiagnostics() async throws {
        let report = try await Fixtures.validate { package in
            try package.setCell("users.csv", line: 3, column: "enabledUser", to: "yes")
            try package.setCell("users.csv", line: 3, column: "givenName", to: "")
            try package.setCell("users.csv", line: 3, column: "grades", to: "Z9")
        }
        #expect(report.located == [
            Located(.fieldBoolean, "users.csv", 3, "enabledUser", .error),
            Located(.fieldRequired, "users.csv", 3, "givenName", .error),
            Located(.jpGrade, "users.csv", 3, "grades", .error),
        ])
        #expect(report.errorCount == 3)
    }

    @Test func problemsInEveryFileAreReportedInFileOrder() async throws {
        let report = try await Fixtures.validate { package in
            try package.setCell("enrollments.csv", line: 6, column: "primary", to: "yes")
            try package.setCell("orgs.csv", line: 4, column: "identifier", to: "C1142")
            try package.write("users.csv", bytes: [0xEF, 0xBB, 0xBF] + (try package.bytes("users.csv")))
            try package.replace("2019-09-21", with: "2019-09-31", in: "demographics.csv")
            try package.setManifest("manifest.version", to: "1.1")
        }
        #expect(report.located == [
            Located(.manifestVersion, "manifest.csv", 2, "manifest.version", .error),
            Located(.jpSchoolCode, "orgs.csv", 4, "identifier", .error),
            Located(.csvByteOrderMark, "users.csv", 1, "", .warning),
            Located(.fieldBoolean, "enrollments.csv", 6, "primary", .error),
            Located(.fieldDate, "demographics.csv", 3, "birthDate", .error),
        ])
        #expect(report.errorCount == 4 && report.warningCount == 1)
        #expect(report.countsByRule == [
            "manifest.version": 1, "jp.school-code": 1, "csv.bom": 1, "field.boolean": 1, "field.date": 1,
        ])
    }

    // MARK: - report.truncated

    /// users.csv line 3 with five errors, in the order the validator finds them.
    private func fiveErrors(_ package: ScratchPackage) throws {
        try package.setCell("users.csv", line: 3, column: "enabledUser", to: "yes")
        try package.setCell("users.csv", line: 3, column: "givenName", to: "")
        try package.setCell("users.csv", line: 3, column: "grades", to: "Z9")
        try package.setCell("users.csv", line: 3, column: "metadata.jp.kanaGivenName", to: "たろう")
        try package.setCell("users.csv", line: 3, column: "userMasterIdentifier", to: "")
    }

    static let fiveErrorsLocated = [
        Located(.fieldBoolean, "users.csv", 3, "enabledUser", .error),
        Located(.fieldRequired, "users.csv", 3, "givenName", .error),
        Located(.jpGrade, "users.csv", 3, "grades", .error),
        Located(.jpKana, "users.csv", 3, "metadata.jp.kanaGivenName", .error),
        Located(.jpUserMasterIdentifier, "users.csv", 3, "userMasterIdentifier", .error),
    ]

    @Test func problemsBeyondTheCapAreCounted() async throws {
        let report = try await Fixtures.validate(options: ValidationOptions(maxDiagnostics: 2), fiveErrors)
        #expect(report.located == Array(Self.fiveErrorsLocated.prefix(2)) + [Located(.limitReached, "", 0, "", .info)])
        #expect(report.omittedCount == 3)
        #expect(report.errorCount == 5)
        #expect(report.countsByRule.values.reduce(0, +) == 5)
        let last = try #require(report.diagnostics.last)
        #expect(last.messageEn == "3 more problems not listed (showing the first 2).")
        #expect(last.location == "(package)")
    }

    @Test func noTruncationAtTheCap() async throws {
        let report = try await Fixtures.validate(options: ValidationOptions(maxDiagnostics: 5), fiveErrors)
        #expect(report.located == Self.fiveErrorsLocated)
        #expect(report.omittedCount == 0)
        #expect(report.located(.limitReached) == [])
    }

    // MARK: - Diagnostics

    @Test func locationNamesFileLineAndColumn() async throws {
        let report = try await Fixtures.validate("enrollment-missing-user")
        #expect(try #require(report.diagnostics.first).location == "enrollments.csv:4 [userSourcedId]")
        let missing = try await Fixtures.validate("manifest-missing")
        #expect(try #require(missing.diagnostics.first).location == "manifest.csv")
    }

    @Test(arguments: Rule.allCases)
    func everyRuleHasItsDefaultSeverity(_ rule: Rule) {
        let warnings: Set<Rule> = [
            .fileUnsupported, .headerOrder, .headerRemovedColumn, .manifestUnknownProperty, .referenceUnresolvedDelta,
            .jpEportalRequired, .jpSchoolYear, .jpCourseCode, .csvByteOrderMark,
        ]
        let expected: Diagnostic.Severity = rule == .limitReached ? .info : warnings.contains(rule) ? .warning : .error
        #expect(rule.severity == expected)
        #expect(Diagnostic(file: "x.csv", rule: rule, ja: "", en: "").severity == expected)
    }

    @Test func reportRoundTripsThroughJSON() async throws {
        let report = try await Fixtures.validate("users-half-width-kana")
        let decoded = try JSONDecoder().decode(ValidationReport.self, from: try JSONEncoder().encode(report))
        #expect(decoded.diagnostics == report.diagnostics)
        #expect(decoded.profile == report.profile && decoded.files == report.files)
        #expect(decoded.diagnostics.first?.messageJa.contains("半角カナ") == true)
    }
}
