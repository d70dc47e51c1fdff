import Foundation
import Testing

@testable import OneRoster

/// CSV binding §1: the package and its `manifest.csv`.
///
/// valid-minimal's manifest: line 1 the header, 2 `manifest.version`, 3 `oneroster.version`,
/// 4–24 `file.<name>` in the binding's order (10 demographics, 15 orgs, 18 results, 24 users),
/// 25 `source.systemName`.
@Suite struct ManifestRuleTests {
    static let rules: [Rule] = [
        .packageUnreadable, .packageNestedFile, .manifestMissing, .manifestVersion, .manifestOneRosterVersion,
        .manifestFileMode, .manifestFileMismatch, .manifestUnknownProperty, .fileUnsupported, .fileUnknown, .fileEmpty,
    ]

    @Test(arguments: rules)
    func validPackageDoesNotBreak(_ rule: Rule) async throws {
        let report = try await Fixtures.validate("valid-minimal")
        #expect(report.located(rule) == [])
    }

    // MARK: - package.*

    @Test func unreadableFile() async throws {
        // A folder named users.csv is listed like a file but cannot be read.
        let report = try await Fixtures.validate { package in
            try package.remove("users.csv")
            try FileManager.default.createDirectory(at: package.fileURL("users.csv"), withIntermediateDirectories: false)
        }
        #expect(report.located(.packageUnreadable) == [Located(.packageUnreadable, "users.csv", 0, "", .error)])
        #expect(!report.isValid)
    }

    @Test func unreadableManifest() async throws {
        let report = try await Fixtures.validate { package in
            try package.remove("manifest.csv")
            try FileManager.default.createDirectory(at: package.fileURL("manifest.csv"), withIntermediateDirectories: false)
        }
        #expect(report.located(.packageUnreadable) == [Located(.packageUnreadable, "manifest.csv", 0, "", .error)])
    }

    @Test func nestedFileInZip() async throws {
        let folder = try Fixtures.url("valid-minimal")
        let users = [UInt8](try Data(contentsOf: folder.appendingPathComponent("users.csv")))
        let zip = try ZipFixtures.zip(folder: folder, extraEntries: ["exports/users.csv": users])
        defer { try? FileManager.default.removeItem(at: zip) }

        let report = try await RosterValidator.validate(try RosterPackage(url: zip))
        #expect(report.located == [Located(.packageNestedFile, "exports/users.csv", 0, "", .error)])
    }

    // MARK: - manifest.missing

    @Test func missingManifest() async throws {
        let report = try await Fixtures.validate("manifest-missing")
        #expect(report.located == [Located(.manifestMissing, "manifest.csv", 0, "", .error)])
        #expect(report.files == [], "without a manifest no data file is read")
    }

    // MARK: - manifest.version

    @Test func wrongManifestVersion() async throws {
        let report = try await Fixtures.validate { try $0.setManifest("manifest.version", to: "2.0") }
        #expect(report.located == [Located(.manifestVersion, "manifest.csv", 2, "manifest.version", .error)])
    }

    @Test func missingManifestVersion() async throws {
        let report = try await Fixtures.validate { try $0.removeManifest("manifest.version") }
        #expect(report.located == [Located(.manifestVersion, "manifest.csv", 0, "manifest.version", .error)])
    }

    // MARK: - manifest.oneroster-version

    @Test(arguments: ["1.1", "1.2JP", "v1p2", ""])
    func unsupportedOneRosterVersion(_ version: String) async throws {
        let report = try await Fixtures.validate { try $0.setProfile(version) }
        #expect(report.located == [Located(.manifestOneRosterVersion, "manifest.csv", 3, "oneroster.version", .error)])
        #expect(report.declaredVersion == version)
        #expect(report.profile == .japanK12, "an unknown version is checked against the 1.2_JP rules")
    }

    @Test func missingOneRosterVersion() async throws {
        let report = try await Fixtures.validate { try $0.removeManifest("oneroster.version") }
        #expect(report.located == [Located(.manifestOneRosterVersion, "manifest.csv", 0, "oneroster.version", .error)])
        #expect(report.declaredVersion == nil)
    }

    // MARK: - manifest.file-mode

    @Test func fileModeNotAbsentBulkOrDelta() async throws {
        let report = try await Fixtures.validate { try $0.setManifest("file.orgs", to: "full") }
        #expect(report.located(.manifestFileMode) == [Located(.manifestFileMode, "manifest.csv", 15, "file.orgs", .error)])
        // The file is then unlisted, which is reported too, and read as bulk.
        #expect(report.located(.manifestFileMismatch) == [Located(.manifestFileMismatch, "manifest.csv", 0, "file.orgs", .error)])
        #expect(report.mode(of: .orgs) == .bulk)
    }

    @Test func bulkDeclaredButRowsAreDelta() async throws {
        // "If the manifest's hints contradict the data files, the data files win": a warning.
        let report = try await Fixtures.validate { package in
            try package.setColumn("orgs.csv", column: "status", to: "active")
            try package.setColumn("orgs.csv", column: "dateLastModified", to: "2026-11-28T09:00:00.000Z")
        }
        #expect(report.located == [Located(.manifestFileMode, "orgs.csv", 2, "", .warning)])
        #expect(report.mode(of: .orgs) == .delta)
        #expect(report.isValid)
    }

    @Test func deltaDeclaredButRowsAreBulk() async throws {
        let report = try await Fixtures.validate(patching: "delta-outside-package") { package in
            try package.setColumn("enrollments.csv", column: "status", to: "")
            try package.setColumn("enrollments.csv", column: "dateLastModified", to: "")
        }
        #expect(report.located(.manifestFileMode) == [Located(.manifestFileMode, "enrollments.csv", 2, "", .warning)])
        #expect(report.located(.statusDeltaRequired) == [])
        #expect(report.mode(of: .enrollments) == .bulk)
    }

    // MARK: - manifest.file-mismatch

    @Test func fileMarkedAbsentButPresent() async throws {
        let report = try await Fixtures.validate { try $0.setManifest("file.demographics", to: "absent") }
        #expect(report.located == [Located(.manifestFileMismatch, "manifest.csv", 10, "file.demographics", .error)])
        #expect(report.mode(of: .demographics) == .bulk, "a file that is there is read")
    }

    @Test func fileMarkedBulkButMissing() async throws {
        let report = try await Fixtures.validate { try $0.remove("demographics.csv") }
        #expect(report.located == [Located(.manifestFileMismatch, "manifest.csv", 10, "file.demographics", .error)])
    }

    @Test func fileNotListedInManifest() async throws {
        let report = try await Fixtures.validate { try $0.removeManifest("file.demographics") }
        #expect(report.located == [Located(.manifestFileMismatch, "manifest.csv", 0, "file.demographics", .error)])
        #expect(report.mode(of: .demographics) == .bulk)
    }

    // MARK: - manifest.unknown-property

    @Test func unknownManifestProperties() async throws {
        let report = try await Fixtures.validate { package in
            try package.appendLine("manifest.csv", "file.students,bulk")
            try package.appendLine("manifest.csv", "source.version,3")
        }
        #expect(report.located == [
            Located(.manifestUnknownProperty, "manifest.csv", 26, "file.students", .warning),
            Located(.manifestUnknownProperty, "manifest.csv", 27, "source.version", .warning),
        ])
        #expect(report.isValid)
    }

    @Test func sourceSystemCodeIsKnown() async throws {
        let report = try await Fixtures.validate { try $0.appendLine("manifest.csv", "source.systemCode,KKH") }
        #expect(report.located == [])
    }

    // MARK: - file.unsupported, file.unknown

    @Test func gradebookFileIsUnsupported() async throws {
        let report = try await Fixtures.validate { package in
            try package.setManifest("file.results", to: "bulk")
            try package.write("results.csv", "sourcedId,status,dateLastModified,lineItemSourcedId\nr1,,,li1\n")
        }
        #expect(report.located == [Located(.fileUnsupported, "results.csv", 0, "", .warning)])
        #expect(report.isValid)
    }

    @Test func unknownFile() async throws {
        let report = try await Fixtures.validate { try $0.write("notes.csv", "memo\n転出予定あり\n") }
        #expect(report.located == [Located(.fileUnknown, "notes.csv", 0, "", .error)])
    }

    @Test func nonCSVFilesAreNotPartOfTheFolderPackage() async throws {
        let report = try await Fixtures.validate { try $0.write("README.txt", "not a roster file") }
        #expect(report.located == [])
    }

    // MARK: - file.empty

    @Test func headerWithoutRows() async throws {
        let report = try await Fixtures.validate { package in
            try package.write("demographics.csv", lines: [try package.lines("demographics.csv")[0]])
        }
        #expect(report.located == [Located(.fileEmpty, "demographics.csv", 0, "", .error)])
    }

    @Test func fileWithoutHeader() async throws {
        let report = try await Fixtures.validate { try $0.write("demographics.csv", "") }
        #expect(report.located == [Located(.fileEmpty, "demographics.csv", 0, "", .error)])
    }

    @Test func blankLinesAreNotRows() async throws {
        let report = try await Fixtures.validate { package in
            try package.write("demographics.csv", try package.lines("demographics.csv")[0] + "\n\n\n")
        }
        #expect(report.located == [Located(.fileEmpty, "demographics.csv", 0, "", .error)])
    }
}
