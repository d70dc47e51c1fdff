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
