import Foundation
import OneRoster
import Testing

@testable import KakehashiApp

/// The `kakehashi` command line as an operator uses it: exit codes, text and JSON output.
@Suite struct CommandLineTests {
    @Test func validateExitsZeroOneOrTwo() throws {
        let valid = try demoPackage(schools: 1, students: 30)
        let ok = try CommandLineTool.run(["roster", "validate", valid.path], environment: [:])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("VALID / 妥当: 0 errors"))
        #expect(ok.stdout.contains("1.2_JP"))

        let broken = try PackageEditor(folder: valid).copy()
        try broken.edit("users.csv") { header, rows in rows[1][header.index(of: "metadata.jp.kanaGivenName")] = "ﾀﾛｳ" }
        let bad = try CommandLineTool.run(["roster", "validate", broken.folder.path], environment: [:])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("users.csv:3 [metadata.jp.kanaGivenName]: error jp.half-width-kana"))

        let missing = try CommandLineTool.run(["roster", "validate", "/no/such/package.zip"], environment: [:])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/no/such/package.zip"))

        let notAZip = try temporaryFolder().appendingPathComponent("roster.zip")
        try Data("not a zip".utf8).write(to: notAZip)
        #expect(try CommandLineTool.run(["roster", "validate", notAZip.path], environment: [:]).status == 2)
    }

    @Test func validateWritesJSONForMachines() throws {
        let broken = try PackageEditor(folder: try demoPackage(schools: 1, students: 30)).copy()
        var line = 0
        try broken.edit("enrollments.csv") { header, rows in
            let role = header.index(of: "role")
            let student = rows.firstIndex { $0[role] == "student" }!
            rows[student][role] = "proctor"
            line = student + 2  // header is line 1
        }
        let result = try CommandLineTool.run(["roster", "validate", broken.folder.path, "--format", "json"], environment: [:])
        #expect(result.status == 1)
        let report = try JSONDecoder().decode(ValidationReport.self, from: Data(result.stdout.utf8))
        #expect(report.profile == .japanK12)
        #expect(report.errorCount == 1)
        let problem = try #require(report.diagnostics.first)
        #expect(problem.file == "enrollments.csv" && problem.line == line && problem.column == "role" && problem.rule == "jp.enrollment-role")
        #expect(!problem.messageJa.isEmpty && !problem.messageEn.isEmpty)
    }

    @Test func importPrintsCountsAndKeepsAHistory() throws {
        let data = try temporaryFolder()
        let environment = ["KAKEHASHI_DATA_DIR": data.path]
        let package = try demoPackage(schools: 1, students: 30)
        let first = try CommandLineTool.run(["roster", "import", package.path, "--tenant", "town"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("result: applied"))
        #expect(first.stdout.range(of: #"users\s+\d+\s+0\s+0\s+0"#, options: .regularExpression) != nil)
        let second = try CommandLineTool.run(["roster", "import", package.path, "--tenant", "town", "--format", "json"], environment: environment)
        let summary = try JSONDecoder().decode(RosterImportSummary.self, from: Data(second.stdout.utf8))
        #expect(summary.result == .unchanged)
        #expect(summary.packageSHA256.count == 64)

        let export = data.appendingPathComponent("town.zip")
        let exported = try CommandLineTool.run(["roster", "export", "--tenant", "town", "--out", export.path, "--profile", "1.2.1"], environment: environment)
        #expect(exported.status == 0, "\(exported.stderr)")
        let revalidated = try CommandLineTool.run(["roster", "validate", export.path], environment: [:])
        #expect(revalidated.status == 0)
        #expect(revalidated.stdout.contains("oneroster.version=1.2.1"))

        let history = try CommandLineTool.run(["roster", "history", "--tenant", "town"], environment: environment)
        let lines = history.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("unchanged") && lines[1].contains("applied"))

        let unknown = try CommandLineTool.run(["roster", "export", "--tenant", "nowhere", "--out", export.path], environment: environment)
        #expect(unknown.status != 0)
    }

    @Test func demoGenerateIsDeterministic() throws {
        let folder = try temporaryFolder()
        let a = folder.appendingPathComponent("a.zip").path, b = folder.appendingPathComponent("b")
        #expect(try CommandLineTool.run(["demo", "generate", "--schools", "2", "--students-per-school", "40", "--seed", "5", "--out", a], environment: [:]).status == 0)
        #expect(try CommandLineTool.run(["demo", "generate", "--schools", "2", "--students-per-school", "40", "--seed", "5", "--out", b.path], environment: [:]).status == 0)
        let zipped = try RosterPackage(url: URL(fileURLWithPath: a))
        let folderPackage = try RosterPackage(url: b)
        #expect(zipped.fileNames == folderPackage.fileNames)
        for name in zipped.fileNames {
            #expect(try zipped.bytes(of: name) == folderPackage.bytes(of: name), "\(name)")
        }
    }
}
