import Foundation
import NIOCore

/// The queries of a run: by agent + verb + since, as a dashboard asks for one student's answers
/// since a date. Agent and verb are drawn among the generated ones (every student and verb has
/// statements once enough are stored); `since` is spread evenly over the window in which the
/// statements were stored, since xAPI's `since` compares `stored`, not `timestamp`.
struct QueryPlan: Sendable {
    struct Entry: Sendable {
        var student: Int
        var verb: StatementUniverse.Verb
        /// Where `since` falls in the stored window, 0 (its start) to 1 (its end).
        var fraction: Double
        var since: String
    }

    var entries: [Entry]

    init(universe: StatementUniverse, count: Int, sinceFrom: Date, sinceTo: Date) {
        var random = SplitMix64(seed: universe.seed, stream: 4, index: 0)
        let span = sinceTo.timeIntervalSince(sinceFrom)
        entries = (0..<count).map { _ in
            let student = random.below(universe.students.count)
            let verb = StatementUniverse.Verb.allCases[random.below(StatementUniverse.Verb.allCases.count)]
            let fraction = Double(random.below(1_000_000)) / 1_000_000
            return Entry(student: student, verb: verb, fraction: fraction, since: Timestamps.format(sinceFrom.addingTimeInterval(span * fraction)))
        }
    }

    /// One line per query: account name, verb IRI, fraction, since (for the floor's same queries).
    func tsv(universe: StatementUniverse) -> String {
        entries.map { "\(universe.students[$0.student])\t\($0.verb.id)\t\($0.fraction)\t\($0.since)\n" }.joined()
    }
}

/// `queries` GET /xapi/statements?agent=…&verb=…&since=…&limit=… from `clients` concurrent
/// clients, closed loop; the first `warmup` of them are not counted.
struct QueryLoad: Sendable {
    var connection: LRSConnection
    var universe: StatementUniverse
    var plan: QueryPlan
    var warmup: Int
    var clients: Int
    var limit: Int
    var serverPID: Int32?
    var progress: Bool

    struct ClientResult: Sendable {
        var latencies: [Double] = []
        var rows: [Int] = []
        var withMore = 0
        var errors: [String: Int] = [:]
        var errorSamples: [String] = []
    }

    func run() async -> QueryReport {
        let clock = ContinuousClock()
        let cursor = LockedBox(0)
        let warmupDone = LockedBox(warmup == 0)
        let sampler = LockedBox<ServerSampler?>(warmup == 0 ? ServerSampler(pid: serverPID) : nil)
        let samplingTask = Task {
            while sampler.get() == nil, !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
            await sampler.get()?.sample()
        }
        let measureStart = LockedBox(clock.now)
        let results = await withTaskGroup(of: ClientResult.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var result = ClientResult()
                    while true {
                        let index = cursor.mutate { value -> Int in
                            defer { value += 1 }
                            return value
                        }
                        guard index < plan.entries.count else { break }
                        if index == warmup, !warmupDone.get() {
                            warmupDone.set(true)
                            sampler.set(ServerSampler(pid: serverPID))
                            measureStart.set(clock.now)
                            if progress { Progress.say("  query: \(warmup) warm-up queries done; measuring…") }
                        }
                        let entry = plan.entries[index]
                        let t0 = clock.now
                        do {
                            let answer = try await connection.getStatements([
                                ("agent", universe.agentJSON(student: entry.student)), ("verb", entry.verb.id), ("since", entry.since),
                                ("limit", "\(limit)"),
                            ])
                            let elapsed = Rounding.milliseconds(clock.now - t0)
                            guard answer.status == 200 else {
                                throw QueryFailure(kind: "HTTP \(answer.status)", detail: String(buffer: answer.body))
                            }
                            let (rows, more) = try check(answer.body, entry: entry)
                            if index >= warmup {
                                result.latencies.append(elapsed)
                                result.rows.append(rows)
                                if more { result.withMore += 1 }
                            }
                        } catch {
                            let failure = error as? QueryFailure ?? QueryFailure(kind: "\(type(of: error))", detail: "\(error)")
                            if index >= warmup { result.errors[failure.kind, default: 0] += 1 }
                            if result.errorSamples.count < 3 { result.errorSamples.append("query \(index): \(failure.kind): \(failure.detail.prefix(300))") }
                        }
                        if progress, index > 0, index % 1000 == 0 { Progress.say("  query: \(index) of \(plan.entries.count)") }
                    }
                    return result
                }
            }
            var all: [ClientResult] = []
            for await result in group { all.append(result) }
            return all
        }
        let wall = Rounding.seconds(clock.now - measureStart.get())
        let server = (sampler.get() ?? ServerSampler(pid: serverPID)).finish()
        samplingTask.cancel()
        return QueryReport(results: results, clients: clients, limit: limit, warmup: warmup, wall: wall, server: server)
    }

    struct QueryFailure: Error {
        var kind: String
        var detail: String
    }

    /// The rows of a page, each checked against the query: its actor, its verb, stored ≥ since.
    private func check(_ body: ByteBuffer, entry: QueryPlan.Entry) throws -> (rows: Int, more: Bool) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let statements = object["statements"] as? [[String: Any]]
        else { throw QueryFailure(kind: "not a StatementResult", detail: String(buffer: body)) }
        let name = universe.students[entry.student]
        for statement in statements {
            let account = (statement["actor"] as? [String: Any])?["account"] as? [String: Any]
            let verb = (statement["verb"] as? [String: Any])?["id"] as? String
            let stored = statement["stored"] as? String ?? ""
            guard account?["name"] as? String == name, verb == entry.verb.id,
                let storedDate = Timestamps.parse(stored), let since = Timestamps.parse(entry.since), storedDate > since
            else {
                throw QueryFailure(kind: "a statement outside the query", detail: String(describing: statement).prefix(300).description)
            }
        }
        let more = (object["more"] as? String).map { !$0.isEmpty } ?? false
        return (statements.count, more)
    }
}

/// What `query` prints: one JSON object (snake_case keys).
struct QueryReport: Codable, Sendable {
    struct Rows: Codable, Sendable {
        var total: Int
        var mean: Double?
        var min: Int?
        var max: Int?
        /// Queries that matched nothing.
        var empty: Int
        /// Queries whose page was full and said `more`.
        var withMore: Int
    }

    var clients: Int
    var limit: Int
    var warmupQueries: Int
    var queries: Int
    var wallS: Double
    var queriesPerS: Double
    var errors: Int
    var errorsByKind: [PostReport.ErrorKind]
    var errorSamples: [String]
    var latencyMs: Latency
    var rows: Rows
    var server: ServerSampler.Result
    var executor: String

    init(results: [QueryLoad.ClientResult], clients: Int, limit: Int, warmup: Int, wall: Double, server: ServerSampler.Result) {
        self.clients = clients
        self.limit = limit
        warmupQueries = warmup
        let latencies = results.flatMap(\.latencies)
        queries = latencies.count
        wallS = Rounding.round(wall)
        queriesPerS = wall > 0 ? Rounding.round(Double(queries) / wall, places: 1) : 0
        var byKind: [String: Int] = [:]
        for result in results { byKind.merge(result.errors, uniquingKeysWith: +) }
        errorsByKind = byKind.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { PostReport.ErrorKind(kind: $0.key, count: $0.value) }
        errors = byKind.values.reduce(0, +)
        errorSamples = Array(results.flatMap(\.errorSamples).prefix(5))
        latencyMs = Latency(latencies)
        let rows = results.flatMap(\.rows)
        self.rows = Rows(
            total: rows.reduce(0, +), mean: rows.isEmpty ? nil : Rounding.round(Double(rows.reduce(0, +)) / Double(rows.count), places: 1),
            min: rows.min(), max: rows.max(), empty: rows.filter { $0 == 0 }.count, withMore: results.reduce(0) { $0 + $1.withMore })
        self.server = server
        executor = LRSBenchCommand.executorNote
    }
}

/// xAPI timestamps as the LRS writes `stored`: UTC with milliseconds and `Z`.
enum Timestamps {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
