import Foundation
import Testing

@testable import OneRoster

/// CSV binding §2 (header: required, case-sensitive, in the specification's order, names unique,
/// extensions last) and the 1.2_JP profile's stricter column order (digest §4).
@Suite struct HeaderRuleTests {
    static let rules: [Rule] = [
        .headerMissingColumn, .headerDuplicate, .headerUnknownColumn, .headerOrder, .headerRemovedColumn,
    ]

    @Test(arguments: rules)
    func validPackageDoesNotBreak(_ rule: Rule) async throws {
        let report = try await Fixtures.validate("valid-minimal")
        #expect(report.located(rule) == [])
    }

    // MARK: - header.missing-column

    @Test func requiredColumnMissing() async throws {
        // classes-missing-title: classes.csv has no title column.
        let report = try await Fixtures.validate("classes-missing-title")
        #expect(report.located(.headerMissingColumn) == [Located(.headerMissingColumn, "classes.csv", 1, "title", .error)])
        // Each row then lacks a title too.
        #expect(report.located(.fieldRequired) == [
            Located(.fieldRequired, "classes.csv", 2, "title", .error),
            Located(.fieldRequired, "classes.csv", 3, "title", .error),
        ])
    }

    @Test func optionalColumnMissingIsAnErrorInTheK12Profile() async throws {
        let report = try await Fixtures.validate { try $0.removeColumn("classes.csv", "location") }
        #expect(report.located == [Located(.headerMissingColumn, "classes.csv", 1, "location", .error)])
    }

    @Test(arguments: [Profile.japan12, .japan121])
    func optionalColumnMissingIsAWarningInTheOlderProfiles(_ profile: Profile) async throws {
        let report = try await Fixtures.validate { package in
            try package.setProfile(profile.manifestVersion)
            try package.removeColumn("classes.csv", "location")
        }
        #expect(report.located == [Located(.headerMissingColumn, "classes.csv", 1, "location", .warning)])
        #expect(report.isValid)
    }

    @Test(arguments: [Profile.japan12, .japan121, .japanK12])
    func statusColumnIsRequiredEvenInBulk(_ profile: Profile) async throws {
        let report = try await Fixtures.validate { package in
            try package.setProfile(profile.manifestVersion)
            try package.removeColumn("demographics.csv", "status")
        }
        #expect(report.located == [Located(.headerMissingColumn, "demographics.csv", 1, "status", .error)])
    }

    @Test func manifestHeaderMustBePropertyNameValue() async throws {
        let report = try await Fixtures.validate { try $0.setLine("manifest.csv", 1, to: "name,value") }
        #expect(report.located == [Located(.headerMissingColumn, "manifest.csv", 1, "", .error)])
    }

    // MARK: - header.duplicate

    @Test func sameColumnTwice() async throws {
        let report = try await Fixtures.validate { try $0.insertColumn("classes.csv", "metadata.jp.specialNeeds", value: "false") }
        #expect(report.located == [Located(.headerDuplicate, "classes.csv", 1, "metadata.jp.specialNeeds", .error)])
    }

    @Test func bothSpellingsOfAnEnrollmentExtension() async throws {
        // ShussekiNo is read as shussekiNo, so the file names the same column twice.
        let report = try await Fixtures.validate { try $0.insertColumn("enrollments.csv", "metadata.jp.ShussekiNo", value: "") }
        #expect(report.located == [Located(.headerDuplicate, "enrollments.csv", 1, "metadata.jp.ShussekiNo", .error)])
    }

    // MARK: - header.unknown-column

    @Test func columnNotInTheFile() async throws {
        let report = try await Fixtures.validate { try $0.insertColumn("users.csv", "nickname", value: "") }
        #expect(report.located == [Located(.headerUnknownColumn, "users.csv", 1, "nickname", .error)])
    }

    @Test func namesAreCaseSensitive() async throws {
        let report = try await Fixtures.validate { try $0.renameColumn("users.csv", "pronouns", to: "Pronouns") }
        #expect(report.located(.headerUnknownColumn) == [Located(.headerUnknownColumn, "users.csv", 1, "Pronouns", .error)])
        #expect(report.located(.headerMissingColumn) == [Located(.headerMissingColumn, "users.csv", 1, "pronouns", .error)])
        let message = try #require(report.diagnostics(.headerUnknownColumn).first).messageEn
        #expect(message.contains("did you mean pronouns?"))
    }

    @Test func unknownExtensionColumnsAreKept() async throws {
        var extensions: [String] = []
        let scratch = try ScratchPackage()
        try scratch.insertColumn("users.csv", "metadata.city.bus", value: "3号線")
        let report = try await RosterValidator.validate(try RosterPackage(url: scratch.url)) { event in
            if case .record(let record) = event, record.file == .users { extensions.append(record["metadata.city.bus"]) }
        }
        #expect(report.located == [])
        #expect(extensions == Array(repeating: "3号線", count: 6))
    }

    // MARK: - header.order

    @Test func standardColumnsOutOfOrderIsAnErrorInTheK12Profile() async throws {
        let report = try await Fixtures.validate { try $0.swapColumns("orgs.csv", "name", "type") }
        #expect(report.located == [Located(.headerOrder, "orgs.csv", 1, "name", .error)])
    }

    @Test(arguments: [Profile.japan12, .japan121])
    func standardColumnsOutOfOrderIsAWarningInTheOlderProfiles(_ profile: Profile) async throws {
        let report = try await Fixtures.validate { package in
            try package.setProfile(profile.manifestVersion)
            try package.swapColumns("orgs.csv", "name", "type")
        }
        #expect(report.located == [Located(.headerOrder, "orgs.csv", 1, "name", .warning)])
    }

    @Test func extensionBeforeAStandardColumn() async throws {
        // …,subjectCodes,metadata.jp.specialNeeds,periods
        let report = try await Fixtures.validate { try $0.moveColumn("classes.csv", "metadata.jp.specialNeeds", to: 13) }
        #expect(report.located == [Located(.headerOrder, "classes.csv", 1, "periods", .error)])
    }

    @Test func columnsAreMatchedByNameNotPosition() async throws {
        // Out of order, but every value still lands in its column: no field errors.
        let report = try await Fixtures.validate { package in
            try package.setProfile("1.2.1")
            try package.swapColumns("users.csv", "givenName", "familyName")
        }
        #expect(report.located == [Located(.headerOrder, "users.csv", 1, "givenName", .warning)])
    }

    // MARK: - header.removed-column

    @Test(arguments: [Profile.japan121, .japanK12])
    func resourceSourcedIdsWasRemovedIn121(_ profile: Profile) async throws {
        let report = try await Fixtures.validate { package in
            try package.setProfile(profile.manifestVersion)
            try package.insertColumn("users.csv", "resourceSourcedIds", at: 17, value: "")
        }
        #expect(report.located == [Located(.headerRemovedColumn, "users.csv", 1, "resourceSourcedIds", .warning)])
    }

    @Test func resourceSourcedIdsBelongsToThe12Profile() async throws {
        let report = try await Fixtures.validate { package in
            try package.setProfile("1.2")
            try package.insertColumn("users.csv", "resourceSourcedIds", at: 17, value: "res-1")
        }
        #expect(report.located == [])
    }
}
