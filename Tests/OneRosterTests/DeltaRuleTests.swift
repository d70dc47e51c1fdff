import Foundation
import Testing

@testable import OneRoster

/// CSV binding §2, bulk vs delta: `status` and `dateLastModified` blank in bulk, required in
/// delta; a delta package may name records that are only in the roster it is imported into.
///
/// delta-outside-package: users.csv (delta) line 2 adds user-s4 in class-p1-1 of school-1;
/// enrollments.csv (delta) line 2 enrols user-s4, line 3 removes user-s2's enrollment
/// (tobedeleted). Every other file is absent, so the orgs, classes and user-s2 are outside it.
@Suite struct DeltaRuleTests {
    static let rules: [Rule] = [.statusBulkNotBlank, .statusDeltaRequired, .referenceUnresolvedDelta]

    @Test(arguments: rules)
    func validPackageDoesNotBreak(_ rule: Rule) async throws {
        let report = try await Fixtures.validate("valid-minimal")
        #expect(report.located(rule) == [])
    }

    // MARK: - status.bulk-not-blank

    @Test func bulkRowWithAStatus() async throws {
        // bulk-with-status: user-g1 (line 4) is "active" in a bulk users.csv.
        let report = try await Fixtures.validate("bulk-with-status")
        #expect(report.located == [Located(.statusBulkNotBlank, "users.csv", 4, "status", .error)])
        #expect(report.mode(of: .users) == .bulk)
    }

    @Test func bulkRowWithADateLastModified() async throws {
        let report = try await Fixtures.validate {
            try $0.setCell("roles.csv", line: 3, column: "dateLastModified", to: "2026-11-28T09:00:00.000Z")
        }
        #expect(report.located == [Located(.statusBulkNotBlank, "roles.csv", 3, "dateLastModified", .error)])
    }

    @Test func firstBulkRowWithOnlyAStatusStaysBulk() async throws {
        // Only a row with both fields makes the file read as delta.
        let report = try await Fixtures.validate { try $0.setCell("orgs.csv", line: 2, column: "status", to: "active") }
        #expect(report.located == [Located(.statusBulkNotBlank, "orgs.csv", 2, "status", .error)])
        #expect(report.mode(of: .orgs) == .bulk)
    }

    // MARK: - status.delta-required

    @Test func deltaRowWithoutStatus() async throws {
        let report = try await Fixtures.validate(patching: "delta-outside-package") {
            try $0.setCell("users.csv", line: 2, column: "status", to: "")
        }
        #expect(report.located(.statusDeltaRequired) == [Located(.statusDeltaRequired, "users.csv", 2, "status", .error)])
        #expect(report.errorCount == 1)
        #expect(report.mode(of: .users) == .delta)
    }

    @Test func deltaRowWithoutEither() async throws {
        let report = try await Fixtures.validate(patching: "delta-outside-package") { package in
            try package.setCell("enrollments.csv", line: 3, column: "status", to: "")
            try package.setCell("enrollments.csv", line: 3, column: "dateLastModified", to: "")
        }
        #expect(report.located(.statusDeltaRequired) == [
            Located(.statusDeltaRequired, "enrollments.csv", 3, "status", .error),
            Located(.statusDeltaRequired, "enrollments.csv", 3, "dateLastModified", .error),
        ])
        #expect(report.errorCount == 2)
    }

    // MARK: - reference.outside-package

    static let outsideReferences = [
        Located(.referenceUnresolvedDelta, "users.csv", 2, "primaryOrgSourcedId", .warning),
        Located(.referenceUnresolvedDelta, "users.csv", 2, "metadata.jp.homeClass", .warning),
        Located(.referenceUnresolvedDelta, "enrollments.csv", 2, "classSourcedId", .warning),
        Located(.referenceUnresolvedDelta, "enrollments.csv", 2, "schoolSourcedId", .warning),
        Located(.referenceUnresolvedDelta, "enrollments.csv", 3, "classSourcedId", .warning),
        Located(.referenceUnresolvedDelta, "enrollments.csv", 3, "schoolSourcedId", .warning),
        Located(.referenceUnresolvedDelta, "enrollments.csv", 3, "userSourcedId", .warning),
    ]

    @Test func standaloneDeltaWarnsAboutReferencesOutsideThePackage() async throws {
        let report = try await Fixtures.validate("delta-outside-package")
        #expect(report.located == Self.outsideReferences)
        #expect(report.isValid)
        #expect(report.mode(of: .users) == .delta && report.mode(of: .enrollments) == .delta)
        #expect(report.files.map(\.name) == ["users.csv", "enrollments.csv"])
    }

    @Test func deltaAgainstARosterThatHasEverything() async throws {
        let roster = try await ExistingRoster.load(try RosterPackage(url: try Fixtures.url("valid-minimal")))
        let options = ValidationOptions(existingIds: roster.ids, existingOrgTypes: roster.orgTypes)
        let report = try await Fixtures.validate("delta-outside-package", options: options)
        #expect(report.located == [])
    }

    @Test func deltaAgainstARosterThatLacksAUser() async throws {
        var existing = try await ExistingRoster.ids(of: "valid-minimal")
        existing[.users]?.remove("user-s2")
        let report = try await Fixtures.validate("delta-outside-package", options: ValidationOptions(existingIds: existing))
        #expect(report.located == [Located(.referenceMissing, "enrollments.csv", 3, "userSourcedId", .error)])
        #expect(try #require(report.diagnostics.first).messageEn == "userSourcedId \"user-s2\" is not in users.csv nor in the current roster.")
    }

    @Test func deltaAgainstAnEmptyRoster() async throws {
        let report = try await Fixtures.validate("delta-outside-package", options: ValidationOptions(existingIds: [:]))
        #expect(report.located == Self.outsideReferences.map { located in
            var located = located
            located.rule = located.column == "metadata.jp.homeClass" ? .jpHomeClass : .referenceMissing
            located.severity = .error
            return located
        })
    }

    @Test func deltaSchoolThatIsADistrictInTheRoster() async throws {
        let existing = try await ExistingRoster.ids(of: "valid-minimal")
        let options = ValidationOptions(existingIds: existing, existingOrgTypes: ["school-1": "district"])
        let report = try await Fixtures.validate("delta-outside-package", options: options)
        #expect(report.located == [
            Located(.referenceWrongType, "enrollments.csv", 2, "schoolSourcedId", .error),
            Located(.referenceWrongType, "enrollments.csv", 3, "schoolSourcedId", .error),
        ])
    }

    // A reference within one delta file (a guardian in agentSourcedIds) is checked when the file
    // ends, and resolved like the references to other files.

    private func deltaWithGuardian(options: ValidationOptions = ValidationOptions()) async throws -> ValidationReport {
        try await Fixtures.validate(patching: "delta-outside-package", options: options) {
            try $0.setCell("users.csv", line: 2, column: "agentSourcedIds", to: "user-g1")
        }
    }

    @Test func standaloneDeltaReferenceWithinTheFileIsAWarning() async throws {
        let report = try await deltaWithGuardian()
        #expect(report.located(.referenceUnresolvedDelta) == Array(Self.outsideReferences.prefix(2))
            + [Located(.referenceUnresolvedDelta, "users.csv", 2, "agentSourcedIds", .warning)]
            + Self.outsideReferences.dropFirst(2))
        #expect(report.isValid)
    }

    @Test func deltaReferenceWithinTheFileFoundInTheRoster() async throws {
        let roster = try await ExistingRoster.load(try RosterPackage(url: try Fixtures.url("valid-minimal")))
        let report = try await deltaWithGuardian(options: ValidationOptions(existingIds: roster.ids, existingOrgTypes: roster.orgTypes))
        #expect(report.located == [])
    }

    @Test func deltaReferenceWithinTheFileMissingFromTheRoster() async throws {
        var existing = try await ExistingRoster.ids(of: "valid-minimal")
        existing[.users]?.remove("user-g1")
        let report = try await deltaWithGuardian(options: ValidationOptions(existingIds: existing))
        #expect(report.located == [Located(.referenceMissing, "users.csv", 2, "agentSourcedIds", .error)])
    }

    @Test func manifestOnlyPackageMeansNoChanges() async throws {
        let report = try await Fixtures.validate(patching: "delta-outside-package") { package in
            try package.remove("users.csv")
            try package.remove("enrollments.csv")
            try package.setManifest("file.users", to: "absent")
            try package.setManifest("file.enrollments", to: "absent")
        }
        #expect(report.located == [])
        #expect(report.files == [])
    }
}
