import Foundation
import NIOCore

/// Closed-loop POST /xapi/statements: `clients` concurrent clients, each taking the next body of
/// the source and posting it as soon as its previous one is answered, until the source runs out
/// or the time is up. Used for batches (`ingest`) and for single statements (`single`).
///
/// Statement ids are in the bodies, so a retry after a failure (a transport error, a 5xx, or the
/// LRS's 409 for two writers racing on one id) posts the same statements again and stores nothing
/// twice. What finishes after `warmup` and before `warmup + duration` (or the end) counts.
struct PostLoad: Sendable {
    var connection: LRSConnection
    var source: BodySource
    var clients: Int
    var warmup: Double
    /// Seconds measured after the warm-up; nil: until the source runs out.
    var duration: Double?
    var retries: Int
    var serverPID: Int32?
    var progress: Bool
    var label: String

    struct ClientResult: Sendable {
        var latencies: [Double] = []
        var statements = 0
        var bodies = 0
        var warmupStatements = 0
        var afterWindowStatements = 0
        var retries = 0
        /// Why requests were retried (the failures a retry then got past are not errors).
        var retried: [String: Int] = [:]
        var errors: [String: Int] = [:]
        var errorSamples: [String] = []
    }

    func run() async -> PostReport {
        let clock = ContinuousClock()
        let start = clock.now
        let measureStart = start + .milliseconds(Int64(warmup * 1000))
        let measureEnd = duration.map { measureStart + .milliseconds(Int64($0 * 1000)) }
        let done = LockedBox(0)
        let sampler = LockedBox<ServerSampler?>(nil)
        if warmup == 0 { sampler.set(ServerSampler(pid: serverPID)) }

        let results = await withTaskGroup(of: ClientResult?.self) { group in
            // Probes: the server sampler from the start of the window, progress every 5 s.
            group.addTask {
                if warmup > 0 {
                    try? await Task.sleep(until: measureStart, clock: clock)
                    sampler.set(ServerSampler(pid: serverPID))
                    if progress { Progress.say("  \(label): warm-up done (\(done.get()) statements); measuring…") }
                }
                let current = sampler.get()
                await withTaskGroup(of: Void.self) { probes in
                    if let current { probes.addTask { await current.sample() } }
                    probes.addTask {
                        var last = (clock.now, done.get())
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .seconds(5))
                            if Task.isCancelled { break }
                            if progress {
                                let now = (clock.now, done.get())
                                let rate = Double(now.1 - last.1) / Rounding.seconds(now.0 - last.0)
                                Progress.say("  \(label): \(now.1) statements stored, \(Int(rate))/s over the last 5 s")
                                last = now
                            }
                        }
                    }
                }
                return nil
            }
            for _ in 0..<clients {
                group.addTask {
                    await clientLoop(clock: clock, measureStart: measureStart, measureEnd: measureEnd, done: done)
                }
            }
            var all: [ClientResult] = []
            var finished = 0
            while let result = await group.next() {
                if let result {
                    all.append(result)
                    finished += 1
                    if finished == clients {
                        sampler.get()?.stopSampling()
                        group.cancelAll()
                    }
                }
            }
            return all
        }
        let end = clock.now
        let server = (sampler.get() ?? ServerSampler(pid: serverPID)).finish()
        let windowEnd = measureEnd.map { min($0, end) } ?? end
        let wall = Rounding.seconds(windowEnd - measureStart)
        return PostReport(
            clients: clients, warmupS: warmup, durationS: duration, wallS: Rounding.round(wall), results: results, server: server,
            sourceBodies: source.count, sourceStatements: source.statementCount, exhausted: measureEnd.map { end < $0 } ?? true)
    }

    private func clientLoop(
        clock: ContinuousClock, measureStart: ContinuousClock.Instant, measureEnd: ContinuousClock.Instant?, done: LockedBox<Int>
    ) async -> ClientResult {
        var result = ClientResult()
        while true {
            if let measureEnd, clock.now >= measureEnd { break }
            guard let body = source.take() else { break }
            let t0 = clock.now
            var attempt = 0
            var failure: (kind: String, detail: String)?
            while true {
                do {
                    let answer = try await connection.postStatements(body.bytes)
                    if answer.status == 200 {
                        let ids = Self.idCount(answer.body)
                        failure = ids == body.statements ? nil : ("ids", "\(ids) ids for \(body.statements) statements: \(String(buffer: answer.body).prefix(200))")
                    } else {
                        failure = ("HTTP \(answer.status)", String(buffer: answer.body))
                        if answer.status >= 500 || answer.status == 409, attempt < retries {
                            attempt += 1
                            result.retries += 1
                            result.retried["HTTP \(answer.status)", default: 0] += 1
                            if result.errorSamples.count < 3 {
                                result.errorSamples.append("body \(body.index), retried: HTTP \(answer.status): \(String(buffer: answer.body).prefix(300))")
                            }
                            continue
                        }
                    }
                } catch {
                    failure = ("\(type(of: error))", "\(error)")
                    if attempt < retries {
                        attempt += 1
                        result.retries += 1
                        result.retried["\(type(of: error))", default: 0] += 1
                        if result.errorSamples.count < 3 { result.errorSamples.append("body \(body.index), retried: \(error)") }
                        try? await Task.sleep(for: .milliseconds(100))
                        continue
                    }
                }
                break
            }
            let finished = clock.now
            let inWindow = finished >= measureStart && (measureEnd.map { finished <= $0 } ?? true)
            if let failure {
                if inWindow || finished < measureStart { result.errors[failure.kind, default: 0] += 1 }
                if result.errorSamples.count < 3 {
                    result.errorSamples.append("body \(body.index) (\(body.statements) statements): \(failure.kind): \(failure.detail.prefix(300))")
                }
                continue
            }
            done.mutate { $0 += body.statements }
            if finished < measureStart {
                result.warmupStatements += body.statements
            } else if inWindow {
                result.statements += body.statements
                result.bodies += 1
                result.latencies.append(Rounding.milliseconds(finished - t0))
            } else {
                result.afterWindowStatements += body.statements
            }
        }
        return result
    }

    /// The ids in the LRS's answer, `["…","…"]`: half its quote marks (ids hold none).
    static func idCount(_ body: ByteBuffer) -> Int {
        var quotes = 0
        for byte in body.readableBytesView where byte == UInt8(ascii: "\"") { quotes += 1 }
        return quotes / 2
    }
}

/// What `ingest` and `single` print: one JSON object (snake_case keys).
struct PostReport: Codable, Sendable {
    struct ErrorKind: Codable, Sendable {
        var kind: String
        var count: Int
    }

    var clients: Int
    var warmupS: Double
    var durationS: Double?
    /// The measured window: from the end of the warm-up to the end of the duration, or to the
    /// last answer when the source ran out first.
    var wallS: Double
    /// Statements acknowledged (200 with their ids) within the window.
    var statements: Int
    var bodies: Int
    var statementsPerS: Double
    var warmupStatements: Int
    /// Stored after the window closed (requests in flight at its end).
    var afterWindowStatements: Int
    /// Every statement the server acknowledged in the run (warm-up, window and after).
    var storedTotal: Int
    var errors: Int
    var errorsByKind: [ErrorKind]
    var errorSamples: [String]
    var retries: Int
    var retriedByKind: [ErrorKind]
    /// Per request (a batch or one statement), retries included.
    var latencyMs: Latency
    var server: ServerSampler.Result
    /// Server CPU per 1,000 statements in the window.
    var serverCPUMsPer1000: Double?
    var sourceBodies: Int
    var sourceStatements: Int
    var sourceExhausted: Bool
    var executor: String

    init(
        clients: Int, warmupS: Double, durationS: Double?, wallS: Double, results: [PostLoad.ClientResult], server: ServerSampler.Result,
        sourceBodies: Int, sourceStatements: Int, exhausted: Bool
    ) {
        self.clients = clients
        self.warmupS = warmupS
        self.durationS = durationS
        self.wallS = wallS
        let statements = results.reduce(0) { $0 + $1.statements }
        self.statements = statements
        bodies = results.reduce(0) { $0 + $1.bodies }
        statementsPerS = wallS > 0 ? Rounding.round(Double(statements) / wallS, places: 1) : 0
        warmupStatements = results.reduce(0) { $0 + $1.warmupStatements }
        afterWindowStatements = results.reduce(0) { $0 + $1.afterWindowStatements }
        storedTotal = statements + warmupStatements + afterWindowStatements
        var byKind: [String: Int] = [:]
        for result in results { byKind.merge(result.errors, uniquingKeysWith: +) }
        errorsByKind = byKind.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ErrorKind(kind: $0.key, count: $0.value) }
        errors = byKind.values.reduce(0, +)
        errorSamples = Array(results.flatMap(\.errorSamples).prefix(5))
        retries = results.reduce(0) { $0 + $1.retries }
        var retried: [String: Int] = [:]
        for result in results { retried.merge(result.retried, uniquingKeysWith: +) }
        retriedByKind = retried.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ErrorKind(kind: $0.key, count: $0.value) }
        latencyMs = Latency(results.flatMap(\.latencies))
        self.server = server
        serverCPUMsPer1000 = server.cpuS.flatMap { statements > 0 ? Rounding.round($0 * 1_000_000 / Double(statements)) : nil }
        self.sourceBodies = sourceBodies
        self.sourceStatements = sourceStatements
        sourceExhausted = exhausted
        executor = LRSBenchCommand.executorNote
    }

    enum CodingKeys: String, CodingKey {
        case clients, warmupS, durationS, wallS, statements, bodies, statementsPerS, warmupStatements, afterWindowStatements, storedTotal
        case errors, errorsByKind, errorSamples, retries, retriedByKind, latencyMs, server
        case serverCPUMsPer1000 = "server_cpu_ms_per_1000"
        case sourceBodies, sourceStatements, sourceExhausted, executor
    }
}
