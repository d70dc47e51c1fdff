import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `kakehashi serve` as a real process: structured (JSON) logs, the demo city, health checks, and a
/// graceful stop on SIGTERM.
@Suite struct ServeTests {
    @Test func serveTheDemoThenStopGracefully() async throws {
        let data = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: data) }
        let port = Int.random(in: 20_000...40_000)
        let process = Process()
        process.executableURL = try CommandLineTool.executable()
        process.arguments = ["serve", "--demo", "--port", String(port)]
        process.currentDirectoryURL = CommandLineTool.packageRoot
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["KAKEHASHI_DATA_DIR": data.path, "KAKEHASHI_LOG_FORMAT": "json"]) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // Wait for the "listening" log line.
        var logs = ""
        while !logs.contains("Kakehashi listening") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            logs += String(decoding: chunk, as: UTF8.self)
        }
        let lines = logs.split(separator: "\n").filter { $0.hasPrefix("{") }
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
        let listening = try #require(objects.compactMap { $0 }.first { $0["message"] == "Kakehashi listening" })
        #expect(listening["level"] == "notice")
        #expect(listening["url"] == "http://127.0.0.1:\(port)/")
        #expect(objects.compactMap { $0 }.contains { $0["message"] == "demo city imported" && $0["tenant"] == "demo" })

        let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains("ok"))
        let (page, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/")!)
        #expect(String(decoding: page, as: UTF8.self).contains("かけはし市立"))
        // The demo shows its accounts on the sign-in page, and logged them.
        let (signin, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/signin")!)
        let form = String(decoding: signin, as: UTF8.self)
        #expect(form.contains("gakushu-2026") && form.contains("kyoshitsu-2026"))
        let demo = try #require(objects.compactMap { $0 }.first { $0["message"] == "demo sign-in" })
        #expect(demo["student"]?.hasSuffix("/ gakushu-2026") == true)

        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }
}
