import Foundation

/// What `launch-storm run` prints: one JSON object (snake_case keys).
struct Report: Codable, Sendable {
    struct Latency: Codable, Sendable {
        var count: Int
        var p50: Double?
        var p95: Double?
        var p99: Double?
        var max: Double?
        var mean: Double?

        /// Nearest-rank percentiles, in milliseconds rounded to 0.01.
        init(_ values: [Double]) {
            count = values.count
            guard !values.isEmpty else { return }
            let sorted = values.sorted()
            func rank(_ p: Double) -> Double {
                let index = Swift.max(0, Swift.min(sorted.count - 1, Int((Double(sorted.count) * p / 100).rounded(.up)) - 1))
                return Report.round(sorted[index])
            }
            p50 = rank(50)
            p95 = rank(95)
            p99 = rank(99)
            max = Report.round(sorted[sorted.count - 1])
            mean = Report.round(sorted.reduce(0, +) / Double(sorted.count))
        }
    }

    struct Latencies: Codable, Sendable {
        /// Both requests of a launch.
        var launch: Latency
        /// Leg 1: GET /launch/{link} → 303 to the tool's login initiation (signs the message hint).
        var login: Latency
        /// Legs 2–3: GET /lti/authorize → 200 with the id_token form (verifies the hint, signs the id_token).
        var authorize: Latency
    }

    struct Server: Codable, Sendable {
        var pid: Int32?
        var cpuS: Double?
        var cpuMsPerLaunch: Double?
        /// Cores busy on average during the window.
        var coresBusy: Double?
        var threads: Int?
        var rssBeforeMB: Double?
        var rssPeakSampledMB: Double?
        var vmhwmMB: Double?
    }

    struct Generator: Codable, Sendable {
        var threads: Int
        var executor: String
        var cpuS: Double
        var cpuMsPerLaunch: Double?
        var coresBusy: Double
    }

    struct ErrorKind: Codable, Sendable {
        var kind: String
        var count: Int
    }

    struct Signing: Codable, Sendable {
        var benchmark: SigningBenchmark.Result
        /// (sign hint + verify hint + sign id_token) / server CPU per launch.
        var shareOfServerCPU: Double?
        /// The formula: (2 × sign id_token + verify) / server CPU per launch.
        var shareOfServerCPUTwoSignsOneVerify: Double?
    }

    var clients: Int
    var durationS: Double
    var warmupS: Double
    var wallS: Double
    var signInS: Double
    var launches: Int
    var launchesPerS: Double
    var errors: Int
    var errorsByKind: [ErrorKind]
    var warmupErrors: Int
    var errorSamples: [String]
    var latencyMs: Latencies
    var idTokenBytesMean: Double?
    var server: Server
    var generator: Generator
    var signing: Signing?
    /// Not printed: the claims of one id_token, for the signing micro-benchmark.
    var sampleIDTokenClaims: Data?

    enum CodingKeys: String, CodingKey {
        case clients, durationS, warmupS, wallS, signInS, launches, launchesPerS, errors, errorsByKind, warmupErrors, errorSamples
        case latencyMs, idTokenBytesMean, server, generator, signing
    }

    init(
        clients: Int, duration: Double, warmup: Double, threads: Int, signInSeconds: Double, results: [ClientResult], probes: Storm.Probes,
        rssBeforeKB: Int?, serverPID: Int32?
    ) {
        self.clients = clients
        durationS = duration
        warmupS = warmup
        wallS = Self.round(probes.wallSeconds)
        signInS = Self.round(signInSeconds)
        let launchTimes = results.flatMap(\.launch)
        let launches = launchTimes.count
        self.launches = launches
        launchesPerS = Self.round(Double(launches) / probes.wallSeconds)
        var byKind: [String: Int] = [:]
        for result in results { byKind.merge(result.errors, uniquingKeysWith: +) }
        errorsByKind = byKind.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ErrorKind(kind: $0.key, count: $0.value) }
        errors = byKind.values.reduce(0, +)
        warmupErrors = results.map(\.warmupErrors).reduce(0, +)
        errorSamples = Array(results.flatMap(\.errorSamples).prefix(5))
        latencyMs = Latencies(launch: Latency(launchTimes), login: Latency(results.flatMap(\.login)), authorize: Latency(results.flatMap(\.authorize)))
        idTokenBytesMean = launches > 0 ? Self.round(Double(results.map(\.idTokenBytes).reduce(0, +)) / Double(launches)) : nil
        let megabytes = { (kb: Int?) in kb.map { Self.round(Double($0) / 1024) } }
        server = Server(
            pid: serverPID, cpuS: probes.serverCPUSeconds.map(Self.round),
            cpuMsPerLaunch: probes.serverCPUSeconds.flatMap { launches > 0 ? Self.round($0 * 1000 / Double(launches)) : nil },
            coresBusy: probes.serverCPUSeconds.map { Self.round($0 / probes.wallSeconds) }, threads: probes.serverThreads,
            rssBeforeMB: megabytes(rssBeforeKB), rssPeakSampledMB: megabytes(probes.rssPeakSampledKB), vmhwmMB: megabytes(probes.vmHWMKB))
        generator = Generator(
            threads: threads, executor: LaunchStormCommand.executorNote, cpuS: Self.round(probes.generatorCPUSeconds),
            cpuMsPerLaunch: launches > 0 ? Self.round(probes.generatorCPUSeconds * 1000 / Double(launches)) : nil,
            coresBusy: Self.round(probes.generatorCPUSeconds / probes.wallSeconds))
        if let token = results.lazy.compactMap(\.sampleIDToken).first {
            let parts = token.split(separator: ".")
            if parts.count == 3 { sampleIDTokenClaims = Self.base64URLDecode(String(parts[1])) }
        }
    }

    mutating func attach(signing result: SigningBenchmark.Result) {
        let perLaunch = server.cpuMsPerLaunch
        signing = Signing(
            benchmark: result,
            shareOfServerCPU: perLaunch.map { Self.round(result.perLaunchMs / $0, places: 3) },
            shareOfServerCPUTwoSignsOneVerify: perLaunch.map { Self.round((2 * result.signIDTokenMs + result.verifyHintMs) / $0, places: 3) })
    }

    func json() throws -> String { try Self.encode(self) }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func round(_ value: Double) -> Double { round(value, places: 2) }

    static func round(_ value: Double, places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }

    static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
