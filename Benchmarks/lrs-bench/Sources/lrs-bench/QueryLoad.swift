import Foundation
import NIOCore

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
