import Foundation
import Testing

@testable import OneRoster

/// The demo city's packages pass the validator: the generator and the rules agree on what a
/// Japan Profile package is, in every profile, bulk and delta.
@Suite struct DemoCityValidationTests {
    private func validate(_ builder: PackageBuilder, options: ValidationOptions = ValidationOptions()) async throws -> ValidationReport {
        let zip = try ZipFixtures.temporaryZipURL()
        defer { try? FileManager.default.removeItem(at: zip) }
        try builder.writeZip(to: zip)
        return try await RosterValidator.validate(try RosterPackage(url: zip), options: options)
    }

    @Test(arguments: Profile.allCases)
    func bulkPackageHasNoErrorsAndNoWarnings(_ profile: Profile) async throws {
        let report = try await validate(DemoCity.generate(.init(schools: 3, studentsPerSchool: 60, profile: profile)))
        #expect(report.located == [])
        #expect(report.errorCount == 0 && report.warningCount == 0)
        #expect(report.profile == profile)
        #expect(report.files.map(\.name) == [
            "orgs.csv", "academicSessions.csv", "courses.csv", "classes.csv", "users.csv", "roles.csv", "enrollments.csv",
            "demographics.csv",
        ])
        #expect(report.files.allSatisfy { $0.mode == .bulk && $0.rows > 0 })
    }

    @Test(arguments: Profile.allCases)
    func deltaPackageHasNoErrorsAgainstItsBase(_ profile: Profile) async throws {
        let base = DemoCity.Options(schools: 3, studentsPerSchool: 60, profile: profile)
        let zip = try ZipFixtures.temporaryZipURL()
        defer { try? FileManager.default.removeItem(at: zip) }
        try DemoCity.generate(base).writeZip(to: zip)
        let roster = try await ExistingRoster.load(try RosterPackage(url: zip))

        let delta = DemoCity.generateDelta(base: base, changeFraction: 0.2, seed: 7)
        let report = try await validate(delta, options: ValidationOptions(existingIds: roster.ids, existingOrgTypes: roster.orgTypes))
        #expect(report.errorCount == 0, "\(report.located.prefix(5))")
        #expect(report.located == [])
        #expect(report.files.allSatisfy { $0.mode == .delta })
        #expect(report.files.map(\.name) == ["users.csv", "roles.csv", "enrollments.csv", "demographics.csv"])
    }

    @Test func standaloneDeltaOnlyWarnsAboutReferencesOutsideIt() async throws {
        let base = DemoCity.Options(schools: 3, studentsPerSchool: 60)
        let report = try await validate(DemoCity.generateDelta(base: base, changeFraction: 0.2, seed: 7))
        #expect(report.errorCount == 0)
        #expect(report.warningCount > 0)
        #expect(Set(report.diagnostics.map(\.rule)) == [Rule.referenceUnresolvedDelta.rawValue])
    }

    @Test func noChangesIsAValidManifestOnlyPackage() async throws {
        let base = DemoCity.Options(schools: 3, studentsPerSchool: 60)
        let report = try await validate(DemoCity.generateDelta(base: base, changeFraction: 0, seed: 7))
        #expect(report.located == [])
        #expect(report.files == [])
    }
}
