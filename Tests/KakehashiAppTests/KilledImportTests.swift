import Foundation
import OneRoster
import Testing

@testable import KakehashiApp

/// A process killed in the middle of an import leaves the previous roster (SQLite transaction,
/// WAL journal): the test kills a real `kakehashi roster import` once it has written rows.
@Suite struct KilledImportTests {
    @Test func killingAnImportMidwayLeavesThePreviousState() async throws {
        let dataDirectory = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let environment = ["KAKEHASHI_DATA_DIR": dataDirectory.path]
        let base = try demoPackage(schools: 2, students: 100, seed: 1)
        // A different, larger city: every record changes, so the import writes a lot.
        let next = try demoPackage(schools: 12, students: 600, seed: 2)

        let first = try CommandLineTool.run(["roster", "import", base.path, "--tenant", "killed"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        let before = try await withApp(.sqlite, dataDirectory: dataDirectory) { app, _ in try await rosterSnapshot(app, tenant: "killed") }
        #expect((before["roster_users"]?.count ?? 0) > 200)

        let process = Process()
        process.executableURL = try CommandLineTool.executable()
        process.arguments = ["roster", "import", next.path, "--tenant", "killed", "--allow-shrink"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait until the import has written the first files (inside its transaction).
        var seen = ""
        let reader = err.fileHandleForReading
        while !seen.contains("users.csv: reading") {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("classes.csv: "), "import progress: \(seen)")
        #expect(process.isRunning, "the import finished before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        let after = try await withApp(.sqlite, dataDirectory: dataDirectory) { app, _ in try await rosterSnapshot(app, tenant: "killed") }
        #expect(after == before)

        // The database is intact: the same import now runs to the end.
        let retry = try CommandLineTool.run(["roster", "import", next.path, "--tenant", "killed", "--allow-shrink"], environment: environment)
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(retry.stdout.contains("result: applied"))
    }
}
