/// Nearest-rank percentiles of a set of durations, in milliseconds rounded to 0.01.
struct Latency: Codable, Sendable {
    var count: Int
    var p50: Double?
    var p95: Double?
    var p99: Double?
    var max: Double?
    var mean: Double?

    init(_ values: [Double]) {
        count = values.count
        guard !values.isEmpty else { return }
        let sorted = values.sorted()
        func rank(_ p: Double) -> Double {
            let index = Swift.max(0, Swift.min(sorted.count - 1, Int((Double(sorted.count) * p / 100).rounded(.up)) - 1))
            return Rounding.round(sorted[index])
        }
        p50 = rank(50)
        p95 = rank(95)
        p99 = rank(99)
        max = Rounding.round(sorted[sorted.count - 1])
        mean = Rounding.round(sorted.reduce(0, +) / Double(sorted.count))
    }
}
