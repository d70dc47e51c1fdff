import Foundation
import OneRoster
import Testing

@testable import KakehashiApp

/// Import → export → import into an empty database → export gives the same data, compared
/// record by record (not byte by byte), for every profile.
@Suite struct RoundTripTests {
    /// Every record of a package as comparable text, per file (status and dateLastModified are
    /// blank in bulk packages, so they are part of the comparison too).
    static func records(_ url: URL) async throws -> [RosterFile: [String]] {
        var result: [RosterFile: [String]] = [:]
        let report = try await RosterValidator.validate(try RosterPackage(url: url)) { event in
            if case .record(let record) = event {
                let extensions = record.extensions.keys.sorted().map { "\($0)=\(record.extensions[$0]!)" }
                result[record.file, default: []].append((record.values + extensions).joined(separator: "|"))
            }
        }
        #expect(report.isValid, "\(report.diagnostics.prefix(5).map { "\($0.location) \($0.rule) \($0.messageEn)" })")
        return result.mapValues { $0.sorted() }
    }

    @Test(arguments: TestDatabase.available, Profile.allCases)
    func exportThenReimportGivesTheSameRoster(database: TestDatabase, profile: Profile) async throws {
        let original = try demoPackage(schools: 2, students: 40, seed: 11, profile: profile)
        // An unknown extension column survives the trip as well.
        let editor = PackageEditor(folder: original)
        var classes = try editor.rows("classes.csv")
        for index in classes.indices { classes[index].append(index == 0 ? "metadata.city.roomNumber" : index == 1 ? "R-101" : "") }
        try editor.write("classes.csv", classes)

        let exported1 = try temporaryFolder().appendingPathComponent("first.zip")
        let exported2 = try temporaryFolder().appendingPathComponent("second.zip")
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("trip")
            _ = try await importPackage(original, tenant: tenant, app: app)
            try await RosterExporter(database: app.db).export(tenantCode: tenant, profile: profile).0.writeZip(to: exported1)
        }
        try await withApp(database) { app, _ in
            let tenant = uniqueTenant("trip2")
            _ = try await importPackage(exported1, tenant: tenant, app: app)
            try await RosterExporter(database: app.db).export(tenantCode: tenant, profile: profile).0.writeZip(to: exported2)
        }
        let originalRecords = try await Self.records(original)
        let first = try await Self.records(exported1)
        let second = try await Self.records(exported2)
        #expect(first == originalRecords)
        #expect(second == first)
        #expect(first[.classes]?.contains { $0.hasSuffix("metadata.city.roomNumber=R-101") } == true)
    }

    @Test func exportsAreUTF8WithoutBOMAndInTheSpecificationsColumnOrder() async throws {
        let original = try demoPackage(schools: 1, students: 30)
        let out = try temporaryFolder().appendingPathComponent("export")
        try await withApp(.sqlite) { app, _ in
            _ = try await importPackage(original, tenant: "order", app: app)
            try await RosterExporter(database: app.db).export(tenantCode: "order").0.writeFolder(to: out)
        }
        for file in RosterFile.allCases {
            let url = out.appendingPathComponent(file.fileName)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let bytes = [UInt8](try Data(contentsOf: url))
            #expect(Array(bytes.prefix(3)) != [0xEF, 0xBB, 0xBF], "\(file.fileName) starts with a BOM")
            let header = try PackageEditor(folder: out).rows(file.fileName)[0]
            #expect(header == RosterSchema.header(for: file, profile: .japanK12), "\(file.fileName)")
        }
        let enrollments = try PackageEditor(folder: out).rows("enrollments.csv")[0]
        #expect(enrollments.suffix(2) == ["metadata.jp.shussekiNo", "metadata.jp.publicFlg"])
    }
}
