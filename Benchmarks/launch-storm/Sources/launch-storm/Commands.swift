import ArgumentParser
import Foundation

struct LaunchStormCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch-storm",
        abstract: "LTI 1.3 launch storm against `kakehashi serve`, and the cost of one RS256 signature (Benchmarks/launch-storm.sh runs it).",
        discussion: """
            run: CLIENTS concurrent clients, each a distinct student signed in first (not measured), repeat full launches \
            (GET /launch/{link} → 303 to the tool's login initiation; GET /lti/authorize → 200 with the id_token form) back to \
            back for WARMUP + DURATION seconds; only the launches that finish within DURATION count. Then, the server idle, the \
            signing micro-benchmark. Prints one JSON object.
            sign: the signing micro-benchmark alone.
            """,
        subcommands: [Run.self, Sign.self])

    /// Which executor main.swift installed (for the report).
    nonisolated(unsafe) static var executorNote = "unknown"

    /// Options main.swift reads before parsing (declared here so the parser accepts them).
    struct ThreadOptions: ParsableArguments {
        @Option(help: "Event loop threads of the load generator (Swift concurrency runs on them too).") var threads = 1
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The launch storm, then the signing micro-benchmark.")

        @Option(help: "The server's base URL.") var url = "http://127.0.0.1:8080"
        @Option(help: "CSV lines username,password,link_id: one distinct student per client, and a resource link of a class of theirs.")
        var clientsFile: String
        @Option(help: "Tenant code for the sign-in form.") var tenant = "bench"
        @Option(help: "Concurrent clients (each one connection, kept alive).") var clients = 50
        @Option(help: "Launches per second over all clients, spread evenly; 0: closed loop, as fast as the server answers.") var rate: Double = 0
        @Option(help: "Measured seconds.") var duration: Double = 30
        @Option(help: "Seconds of launches before the measurement (not counted).") var warmup: Double = 5
        @Option(help: "The tool's registered redirect_uri.") var redirectURI = "https://tool.example/launch"
        @Option(help: "Process id of the server, for its CPU time and memory.") var serverPid: Int32?
        @Option(help: "Seconds before a request counts as failed.") var timeout: Int64 = 30
        @Option(help: "Iterations of each operation in the signing micro-benchmark (0: skip it).") var signIterations = 300
        @Option(help: "Record the server with `perf record` (cpu-clock samples) over the measured window into this file (needs --server-pid).")
        var perfOutput: String?
        @Flag(help: "Progress on stderr.") var progress = false
        @OptionGroup var threadOptions: ThreadOptions

        func validate() throws {
            guard clients > 0 else { throw ValidationError("--clients must be at least 1") }
            guard duration > 0, warmup >= 0 else { throw ValidationError("--duration must be positive, --warmup not negative") }
        }

        func run() async throws {
            let lines = try String(contentsOfFile: clientsFile, encoding: .utf8).split(whereSeparator: \.isNewline)
            let accounts = lines.compactMap { line -> Account? in
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard fields.count >= 3, !fields[0].isEmpty, !fields[2].isEmpty else { return nil }
                return Account(username: fields[0], password: fields[1], linkID: fields[2])
            }
            guard accounts.count >= clients else {
                throw ValidationError("only \(accounts.count) accounts in \(clientsFile) for \(clients) clients (one distinct student each)")
            }
            let storm = Storm(
                baseURL: url.hasSuffix("/") ? String(url.dropLast()) : url, tenant: tenant, accounts: Array(accounts.prefix(clients)),
                warmup: warmup, duration: duration, redirectURI: redirectURI, serverPID: serverPid, timeout: timeout,
                threads: threadOptions.threads, progress: progress, perfOutput: perfOutput, rate: rate)
            var report = try await storm.run()
            if signIterations > 0 {
                if progress { Progress.say("signing micro-benchmark (\(signIterations) iterations each, one thread)…") }
                let signing = try await SigningBenchmark(iterations: signIterations, idTokenClaims: report.sampleIDTokenClaims).run()
                report.attach(signing: signing)
            }
            print(try report.json())
        }
    }

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "RS256 with a 2048-bit key through JWTKit, one thread: sign a message hint, sign a ~1.5 KB id_token, verify a hint.")

        @Option(help: "Iterations of each operation.") var iterations = 300
        @OptionGroup var threadOptions: ThreadOptions

        func run() async throws {
            let result = try await SigningBenchmark(iterations: iterations, idTokenClaims: nil).run()
            print(try Report.encode(result))
        }
    }
}

struct Account: Sendable {
    var username: String
    var password: String
    var linkID: String
}

enum Progress {
    static func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
