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

    /// The rows of a page, each checked against the query (its actor, its verb, stored after
    /// since) by scanning the bytes: the check runs on the load generator's one event loop
    /// thread, between answers, so it must cost far less than a query. Every statement of the
    /// LRS has one `"stored"` member, and the actor and verb are the query's own strings.
    private func check(_ body: ByteBuffer, entry: QueryPlan.Entry) throws -> (rows: Int, more: Bool) {
        let bytes = Array(body.readableBytesView)
        guard bytes.starts(with: Array(#"{"statements":["#.utf8)) else {
            throw QueryFailure(kind: "not a StatementResult", detail: String(decoding: bytes.prefix(300), as: UTF8.self))
        }
        let storedKey = Array(#""stored":""#.utf8)
        let since = Array(entry.since.utf8)
        let sinceDate = Timestamps.parse(entry.since) ?? .distantPast
        var rows = 0
        var index = 0
        while let found = Self.find(storedKey, in: bytes, from: index) {
            rows += 1
            let start = found + storedKey.count
            guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { break }
            // Both UTC with milliseconds and Z (the LRS's form and ours): text order is time order.
            let stored = bytes[start..<end]
            let after =
                stored.count == since.count
                ? since.lexicographicallyPrecedes(stored)
                : (Timestamps.parse(String(decoding: stored, as: UTF8.self)) ?? .distantPast) > sinceDate
            guard after else {
                throw QueryFailure(kind: "a statement stored before since", detail: "stored \(String(decoding: stored, as: UTF8.self)), since \(entry.since)")
            }
            index = end
        }
        let name = Array(#""name":""#.utf8) + Array(universe.students[entry.student].utf8) + [UInt8(ascii: "\"")]
        let verb = Array(#""verb":{"id":""#.utf8) + Array(entry.verb.id.utf8) + [UInt8(ascii: "\"")]
        let names = Self.count(name, in: bytes)
        let verbs = Self.count(verb, in: bytes)
        guard names >= rows, verbs == rows else {
            throw QueryFailure(kind: "a statement outside the query", detail: "\(rows) rows, \(names) with the actor, \(verbs) with the verb")
        }
        let moreKey = Array(#"],"more":""#.utf8)
        let more = Self.find(moreKey, in: bytes, from: max(0, bytes.count - 4096)).map { bytes[$0 + moreKey.count] != UInt8(ascii: "\"") } ?? false
        return (rows, more)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matches = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matches = false
                    break
                }
                if matches { return index }
            }
            index += 1
        }
        return nil
    }

    private static func count(_ needle: [UInt8], in haystack: [UInt8]) -> Int {
        var total = 0
        var index = 0
        while let found = find(needle, in: haystack, from: index) {
            total += 1
            index = found + needle.count
        }
        return total
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
