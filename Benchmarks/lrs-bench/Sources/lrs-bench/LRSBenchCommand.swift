import ArgumentParser
import Foundation

struct LRSBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lrs-bench",
        abstract: "The Learning Record Store benchmark: realistic xAPI statements, and load on `kakehashi serve`'s /xapi/ (Benchmarks/lrs-bench.sh runs it).",
        discussion: """
            generate: deterministic statements (seeded) as batch lines (one JSON array of BATCH statements per line; a batch of \
            one is a statement per line) or as the floor's tab-separated rows.
            ingest: CLIENTS clients POST batches back to back (closed loop) until the input runs out or DURATION is up.
            single: the same with one statement per request, after a warm-up.
            query: GET /xapi/statements by agent + verb + since from CLIENTS clients.
            Each load command prints one JSON object on stdout; progress goes to stderr.
            """,
        subcommands: [Generate.self, Ingest.self, Single.self, Query.self])

    /// Which executor main.swift installed (for the reports).
    nonisolated(unsafe) static var executorNote = "unknown"

    /// Options main.swift reads before parsing (declared here so the parser accepts them).
    struct ThreadOptions: ParsableArguments {
        @Option(help: "Event loop threads of the load generator (Swift concurrency runs on them too).") var threads = 1
    }

    struct UniverseOptions: ParsableArguments {
        @Option(help: "Seed of the statements (the same seed gives the same bytes).") var seed: UInt64 = 1
        @Option(help: "Students (actors) of the generated school year.") var students = 2_000
        @Option(help: "The actors' account homePage (the server's public URL, KAKEHASHI_PUBLIC_URL); default: --url.")
        var homePage: String?

        func universe(defaultHomePage: String) -> StatementUniverse {
            StatementUniverse(seed: seed, homePage: homePage ?? defaultHomePage, studentCount: students)
        }
    }

    struct ServerOptions: ParsableArguments {
        @Option(help: "The server's base URL.") var url = "http://127.0.0.1:8080"
        @Option(help: "A file with {\"key\":…,\"secret\":…} (`kakehashi lrs credentials create --format json`).") var credentials: String
        @Option(help: "Process id of the server, for its CPU time and memory (/proc).") var serverPid: Int32?
        @Option(help: "Seconds before a request counts as failed.") var timeout: Int64 = 120
        @Flag(help: "Progress on stderr.") var progress = false
        @Option(help: "Seconds between progress lines of ingest and single.") var progressInterval: Double = 5

        func connection(clients: Int) throws -> LRSConnection {
            let (key, secret) = try LRSConnection.credentials(file: credentials)
            return LRSConnection(baseURL: url, key: key, secret: secret, clients: clients, timeout: timeout)
        }
    }

    // MARK: - generate

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write generated statements: batch lines for the load, or the floor's rows.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            /// One JSON array of `--batch` statements per line (`--batch 1`: one statement object per line).
            case batches
            /// id, account name, verb IRI, object activity id, registration, timestamp (µs since 1970), statement JSON.
            case tsv
        }

        @OptionGroup var universeOptions: UniverseOptions
        @Option(help: "The actors' homePage when --home-page is not given.") var url = "http://127.0.0.1:8080"
        @Option(help: "Index of the first statement.") var start: UInt64 = 0
        @Option(help: "How many statements.") var count: UInt64
        @Option(help: "Statements per line (format batches).") var batch = 1_000
        @Option(help: "batches or tsv.") var format: Format = .batches
        @Option(help: "Output file, or - for stdout.") var out = "-"
        @OptionGroup var threadOptions: ThreadOptions

        func validate() throws {
            guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
        }

        func run() async throws {
            let universe = universeOptions.universe(defaultHomePage: url)
            let handle: FileHandle
            if out == "-" {
                handle = .standardOutput
            } else {
                guard FileManager.default.createFile(atPath: out, contents: nil) else { throw BenchError("cannot create \(out)") }
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            }
            var buffer = [UInt8]()
            buffer.reserveCapacity(8 << 20)
            var statementBytes = 0
            let end = start + count
            var index = start
            while index < end {
                switch format {
                case .tsv:
                    let statement = universe.statement(index)
                    let fields = [
                        statement.id, universe.students[statement.student], statement.verb.id, statement.activityID, statement.registration,
                        "\(statement.timestampMicroseconds)",
                    ]
                    buffer += fields.joined(separator: "\t").utf8
                    buffer.append(UInt8(ascii: "\t"))
                    buffer += statement.json.utf8
                    statementBytes += statement.json.utf8.count
                    index += 1
                case .batches:
                    let last = min(index + UInt64(batch), end)
                    if batch > 1 { buffer.append(UInt8(ascii: "[")) }
                    for member in index..<last {
                        if member > index { buffer.append(UInt8(ascii: ",")) }
                        let json = universe.statement(member).json
                        buffer += json.utf8
                        statementBytes += json.utf8.count
                    }
                    if batch > 1 { buffer.append(UInt8(ascii: "]")) }
                    index = last
                }
                buffer.append(UInt8(ascii: "\n"))
                if buffer.count >= 4 << 20 {
                    try handle.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try handle.write(contentsOf: buffer)
            if out != "-" { try handle.close() }
            let mean = count > 0 ? statementBytes / Int(count) : 0
            Progress.say("generated \(count) statements (\(start)..<\(end), seed \(universe.seed)), \(statementBytes) bytes of JSON, \(mean) bytes each on average")
        }
    }

    // MARK: - ingest

    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "CLIENTS clients POST batches of statements back to back until the input runs out or DURATION is up.")

        @OptionGroup var server: ServerOptions
        @Option(help: "Batch lines from `generate --format batches` (default: statements made on the fly from --seed, --start, --count).")
        var input: String?
        @OptionGroup var universeOptions: UniverseOptions
        @Option(help: "Index of the first generated statement (without --input).") var start: UInt64 = 0
        @Option(help: "Generated statements to send (without --input).") var count: UInt64 = 100_000
        @Option(help: "Statements per generated batch (without --input).") var batch = 1_000
        @Option(help: "Concurrent clients (each one connection, kept alive).") var clients = 4
        @Option(help: "Measured seconds (default: until the input runs out).") var duration: Double?
        @Option(help: "Seconds of posting before the measurement (not counted).") var warmup: Double = 0
        @Option(help: "Retries of a request after a transport error, a 5xx or a 409 (the same ids: idempotent).") var retries = 3
        @Option(help: "A label for progress lines.") var label = "ingest"
        @OptionGroup var threadOptions: ThreadOptions

        func validate() throws {
            guard clients > 0, batch > 0 else { throw ValidationError("--clients and --batch must be at least 1") }
        }

        func run() async throws {
            let source =
                try input.map { try BodySource(file: $0) }
                ?? BodySource(universe: universeOptions.universe(defaultHomePage: server.url), start: start, count: count, batch: batch, asArray: true)
            let report = try await PostLoad.run(
                server: server, source: source, clients: clients, warmup: warmup, duration: duration, retries: retries, label: label)
            print(try JSONOutput.encode(report))
        }
    }

    // MARK: - single

    struct Single: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "CLIENTS clients POST one statement each, back to back, for WARMUP + DURATION seconds (or until the input runs out).")

        @OptionGroup var server: ServerOptions
        @Option(help: "Statement lines from `generate --format batches --batch 1` (default: statements made on the fly).") var input: String?
        @OptionGroup var universeOptions: UniverseOptions
        @Option(help: "Index of the first generated statement (without --input).") var start: UInt64 = 1_000_000_000
        @Option(help: "Most generated statements to send (without --input).") var count: UInt64 = 1_000_000
        @Option(help: "Concurrent clients (each one connection, kept alive).") var clients = 50
        @Option(help: "Measured seconds.") var duration: Double = 30
        @Option(help: "Seconds of posting before the measurement (not counted).") var warmup: Double = 5
        @Option(help: "Retries of a request after a transport error, a 5xx or a 409 (the same id: idempotent).") var retries = 3
        @Option(help: "A label for progress lines.") var label = "single"
        @OptionGroup var threadOptions: ThreadOptions

        func validate() throws {
            guard clients > 0, duration > 0, warmup >= 0 else { throw ValidationError("--clients and --duration must be positive") }
        }

        func run() async throws {
            let source =
                try input.map { try BodySource(file: $0) }
                ?? BodySource(universe: universeOptions.universe(defaultHomePage: server.url), start: start, count: count, batch: 1, asArray: false)
            let report = try await PostLoad.run(
                server: server, source: source, clients: clients, warmup: warmup, duration: duration, retries: retries, label: label)
            print(try JSONOutput.encode(report))
        }
    }

    // MARK: - query

    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "GET /xapi/statements by agent + verb + since (drawn from the seed) from CLIENTS clients; the rows are checked.")

        @OptionGroup var server: ServerOptions
        @OptionGroup var universeOptions: UniverseOptions
        @Option(help: "Measured queries.") var queries = 1_000
        @Option(help: "Queries before them (not counted).") var warmup = 0
        @Option(help: "Concurrent clients.") var clients = 4
        @Option(help: "The limit parameter (statements per page; the LRS's maximum is 500).") var limit = 100
        @Option(help: "Start of the window the statements were stored in (ISO 8601); since is spread over the window.")
        var sinceFrom: String
        @Option(help: "End of that window.") var sinceTo: String
        @Option(help: "Write the queries here (account name, verb, fraction of the window, since; tab-separated) for the floor.")
        var planOut: String?
        @OptionGroup var threadOptions: ThreadOptions

        func run() async throws {
            guard let from = Timestamps.parse(sinceFrom), let to = Timestamps.parse(sinceTo), to >= from else {
                throw ValidationError("--since-from and --since-to must be ISO 8601 timestamps, from ≤ to")
            }
            let universe = universeOptions.universe(defaultHomePage: server.url)
            let plan = QueryPlan(universe: universe, count: warmup + queries, sinceFrom: from, sinceTo: to)
            if let planOut { try plan.tsv(universe: universe).write(toFile: planOut, atomically: true, encoding: .utf8) }
            let connection = try server.connection(clients: clients)
            if server.progress { Progress.say("query: \(warmup) + \(queries) queries, \(clients) clients, limit \(limit)…") }
            let report = await QueryLoad(
                connection: connection, universe: universe, plan: plan, warmup: warmup, clients: clients, limit: limit, serverPID: server.serverPid,
                progress: server.progress
            ).run()
            await connection.shutdown()
            print(try JSONOutput.encode(report))
        }
    }
}

extension PostLoad {
    static func run(
        server: LRSBenchCommand.ServerOptions, source: BodySource, clients: Int, warmup: Double, duration: Double?, retries: Int, label: String
    ) async throws -> PostReport {
        let connection = try server.connection(clients: clients)
        if server.progress {
            Progress.say(
                "\(label): \(source.count) bodies (\(source.statementCount) statements), \(clients) clients"
                    + (duration.map { ", \(warmup) s warm-up + \($0) s" } ?? ", until all are sent") + "…")
        }
        let report = await PostLoad(
            connection: connection, source: source, clients: clients, warmup: warmup, duration: duration, retries: retries,
            serverPID: server.serverPid, progress: server.progress, progressInterval: server.progressInterval, label: label
        ).run()
        await connection.shutdown()
        return report
    }
}
