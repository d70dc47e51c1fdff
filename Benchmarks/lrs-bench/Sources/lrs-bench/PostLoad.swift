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
    /// Seconds between progress lines.
    var progressInterval: Double = 5
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
        // The server's CPU and memory over the window: read when it closes (requests still in
        // flight then finish outside it), or when the last client stops, if that is sooner.
        let measured = LockedBox<ServerSampler.Result?>(nil)

        let results = await withTaskGroup(of: ClientResult?.self) { group in
            // Probes: the server sampler from the start of the window, progress lines.
            group.addTask {
                if warmup > 0 {
                    try? await Task.sleep(until: measureStart, clock: clock)
                    sampler.set(ServerSampler(pid: serverPID))
                    if progress { Progress.say("  \(label): warm-up done (\(done.get()) statements); measuring…") }
                }
                let current = sampler.get()
                await withTaskGroup(of: Void.self) { probes in
                    if let current {
                        probes.addTask { await current.sample() }
                        if let measureEnd {
                            probes.addTask {
                                try? await Task.sleep(until: measureEnd, clock: clock)
                                if !Task.isCancelled { measured.set(current.finish()) }
                            }
                        }
                    }
                    probes.addTask {
                        var last = (clock.now, done.get())
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .milliseconds(Int64(progressInterval * 1000)))
                            if Task.isCancelled { break }
                            if progress {
                                let now = (clock.now, done.get())
                                let rate = Double(now.1 - last.1) / Rounding.seconds(now.0 - last.0)
                                Progress.say("  \(label): \(now.1) statements stored, \(Int(rate))/s over the last \(Int(progressInterval)) s")
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
        let server = measured.get() ?? (sampler.get() ?? ServerSampler(pid: serverPID)).finish()
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
