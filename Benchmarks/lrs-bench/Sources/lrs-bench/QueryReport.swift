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
