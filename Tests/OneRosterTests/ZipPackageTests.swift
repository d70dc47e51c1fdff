import Foundation
import Testing

@testable import OneRoster

/// CSV binding §1: a package is a zip with the CSV files at its root; Kakehashi also reads the
/// same files from a folder, with the same result.
@Suite struct ZipPackageTests {
    static let fixtures = [
        "valid-minimal", "manifest-missing", "enrollment-missing-user", "enrollment-bad-role", "users-half-width-kana",
        "users-duplicate-sourcedid", "bulk-with-status", "orgs-bad-school-code", "users-invalid-utf8",
        "classes-missing-title", "delta-outside-package",
    ]

    @Test(arguments: fixtures)
    func zipReportsWhatTheFolderReports(_ fixture: String) async throws {
        let folder = try Fixtures.url(fixture)
        let zip = try ZipFixtures.zip(folder: folder)
        defer { try? FileManager.default.removeItem(at: zip) }

        let fromFolder = try await RosterValidator.validate(try RosterPackage(url: folder))
        let fromZip = try await RosterValidator.validate(try RosterPackage(url: zip))
        #expect(fromZip.diagnostics == fromFolder.diagnostics)
        #expect(fromZip.files == fromFolder.files)
        #expect(fromZip.profile == fromFolder.profile)
        #expect(fromZip.package == zip.path)
    }

    @Test func zipAndFolderListTheSameFiles() throws {
        let folder = try Fixtures.url("valid-minimal")
        let zip = try ZipFixtures.zip(folder: folder)
        defer { try? FileManager.default.removeItem(at: zip) }
        let zipped = try RosterPackage(url: zip)
        let unzipped = try RosterPackage(url: folder)
        #expect(zipped.fileNames == unzipped.fileNames)
        #expect(zipped.fileNames.count == 10)
        #expect(zipped.nestedNames == [])
        for name in zipped.fileNames {
            #expect(try zipped.bytes(of: name) == unzipped.bytes(of: name), "\(name)")
        }
    }

    @Test func packageBuilderZipOfTheValidRecordsIsValid() async throws {
        // Read valid-minimal, write its records back out as a 1.2_JP zip, and read that.
        var records: [RosterRecord] = []
        _ = try await RosterValidator.validate(try RosterPackage(url: try Fixtures.url("valid-minimal"))) { event in
            if case .record(let record) = event { records.append(record) }
        }
        var builder = PackageBuilder(profile: .japanK12, sourceSystemName: "Kakehashi Fixtures")
        for file in RosterFile.allCases {
            var writer = builder.makeWriter(for: file)
            for record in records where record.file == file { writer.append(record) }
            builder.add(writer)
        }
        let zip = try ZipFixtures.temporaryZipURL()
        defer { try? FileManager.default.removeItem(at: zip) }
        try builder.writeZip(to: zip)

        var reread: [RosterRecord] = []
        let report = try await RosterValidator.validate(try RosterPackage(url: zip)) { event in
            if case .record(let record) = event { reread.append(record) }
        }
        #expect(report.located == [])
        #expect(reread.map(\.values) == records.map(\.values))
        #expect(reread.map(\.line) == records.map(\.line))
    }

    @Test func missingPathIsUnreadable() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-package-\(UUID().uuidString).zip")
        #expect(throws: RosterPackage.UnreadableError.self) { try RosterPackage(url: url) }
    }

    @Test func fileThatIsNotAZipIsUnreadable() throws {
        let url = try ZipFixtures.temporaryZipURL()
        try Data("sourcedId,name\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: RosterPackage.UnreadableError.self) { try RosterPackage(url: url) }
    }
}
