import Foundation
import Testing

@testable import OneRoster

/// Digest §1 and §4: `oneroster.version` 1.2, 1.2.1 and 1.2_JP select the three Japan Profiles;
/// the enrollment extensions are read in both spellings into one canonical column.
@Suite struct ProfileTests {
    @Test(arguments: Profile.allCases)
    func everyProfileIsAccepted(_ profile: Profile) async throws {
        let report = try await Fixtures.validate { try $0.setProfile(profile.manifestVersion) }
        #expect(report.located == [])
        #expect(report.isValid)
        #expect(report.profile == profile)
        #expect(report.declaredVersion == profile.manifestVersion)
        #expect(report.profileName == profile.displayName)
    }

    @Test func profileNamesSayWhichVersionSelectsThem() {
        #expect(Profile.japan12.displayName.contains("oneroster.version=1.2)"))
        #expect(Profile.japan121.displayName.contains("oneroster.version=1.2.1"))
        #expect(Profile.japanK12.displayName.contains("oneroster.version=1.2_JP"))
        #expect(Profile(rawValue: "1.2_JP") == .japanK12)
    }

    @Test func japan12PackageInItsOwnSpelling() async throws {
        // As a 第2版 system writes it: ShussekiNo/PublicFlg, users.resourceSourcedIds, no kanaPreferred*.
        var resources: [String] = []
        let scratch = try ScratchPackage()
        try scratch.setProfile("1.2")
        try scratch.renameColumn("enrollments.csv", "metadata.jp.shussekiNo", to: "metadata.jp.ShussekiNo")
        try scratch.renameColumn("enrollments.csv", "metadata.jp.publicFlg", to: "metadata.jp.PublicFlg")
        try scratch.insertColumn("users.csv", "resourceSourcedIds", at: 17, value: "res-1")
        for column in ["metadata.jp.kanaPreferredGivenName", "metadata.jp.kanaPreferredFamilyName", "metadata.jp.kanaPreferredMiddleName"] {
            try scratch.removeColumn("users.csv", column)
        }
        let report = try await RosterValidator.validate(try RosterPackage(url: scratch.url)) { event in
            if case .record(let record) = event, record.file == .users { resources.append(record["resourceSourcedIds"]) }
        }
        #expect(report.located == [])
        #expect(report.profile == .japan12)
        #expect(resources == Array(repeating: "res-1", count: 6))
    }

    // MARK: - Enrollment extension spellings

    struct Spelling: Sendable, CustomTestStringConvertible {
        var profile: Profile
        var shussekiNo: String
        var publicFlg: String
        var testDescription: String { "\(profile.rawValue) \(shussekiNo) \(publicFlg)" }
    }

    static let spellings: [Spelling] = Profile.allCases.flatMap { profile in
        [
            Spelling(profile: profile, shussekiNo: "metadata.jp.shussekiNo", publicFlg: "metadata.jp.publicFlg"),
            Spelling(profile: profile, shussekiNo: "metadata.jp.ShussekiNo", publicFlg: "metadata.jp.PublicFlg"),
        ]
    }

    @Test(arguments: spellings)
    func bothSpellingsAreReadIntoTheCanonicalColumns(_ spelling: Spelling) async throws {
        let scratch = try ScratchPackage()
        try scratch.setProfile(spelling.profile.manifestVersion)
        try scratch.renameColumn("enrollments.csv", "metadata.jp.shussekiNo", to: spelling.shussekiNo)
        try scratch.renameColumn("enrollments.csv", "metadata.jp.publicFlg", to: spelling.publicFlg)

        var seen: [String: [String]] = [:]
        var extensions: [String: String] = [:]
        let report = try await RosterValidator.validate(try RosterPackage(url: scratch.url)) { event in
            guard case .record(let record) = event, record.file == .enrollments else { return }
            seen[record.sourcedId] = [record["metadata.jp.shussekiNo"], record["metadata.jp.publicFlg"]]
            extensions.merge(record.extensions) { first, _ in first }
        }
        #expect(report.located == [])
        #expect(seen == [
            "enr-t1": ["", ""], "enr-s1": ["1", "true"], "enr-s2": ["2", "true"], "enr-t2": ["", ""], "enr-s3": ["1", "false"],
        ])
        #expect(extensions == [:], "the older spelling is not kept as an unknown extension")
    }

    @Test func diagnosticsNameTheColumnAsTheFileSpellsIt() async throws {
        let report = try await Fixtures.validate { package in
            try package.setProfile("1.2.1")
            try package.renameColumn("enrollments.csv", "metadata.jp.shussekiNo", to: "metadata.jp.ShussekiNo")
            try package.setCell("enrollments.csv", line: 3, column: "metadata.jp.ShussekiNo", to: "一")
        }
        #expect(report.located == [Located(.fieldInteger, "enrollments.csv", 3, "metadata.jp.ShussekiNo", .error)])
    }
}
