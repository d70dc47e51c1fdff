import Foundation

/// CPU time and memory of a process, from /proc (Linux).
struct ProcessProbe: Sendable {
    var pid: Int32

    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// User + system CPU seconds so far, all threads.
    func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.range(of: ")", options: .backwards)
        else { return nil }
        let fields = stat[close.upperBound...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Self.ticksPerSecond
    }

    func residentKB() -> Int? { status("VmRSS") }

    /// A field of /proc/PID/status (kB for the memory ones; Threads is a count).
    func status(_ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    /// This process's user + system CPU seconds so far.
    static func ownCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// The server's CPU over a window and its resident memory sampled every 200 ms, and the load
/// generator's own CPU over the same window.
final class ServerSampler: Sendable {
    struct Result: Codable, Sendable {
        var pid: Int32?
        var cpuS: Double?
        /// Cores busy on average over the window.
        var coresBusy: Double?
        var threads: Int?
        var rssBeforeMB: Double?
        var rssPeakSampledMB: Double?
        /// The server's peak resident set since it started (VmHWM), at the end of the window.
        var vmhwmMB: Double?
        var generatorCPUS: Double
        var generatorCoresBusy: Double

        enum CodingKeys: String, CodingKey {
            case pid, cpuS, coresBusy, threads, rssBeforeMB, rssPeakSampledMB, vmhwmMB
            case generatorCPUS = "generator_cpu_s"
            case generatorCoresBusy
        }
    }

    private let probe: ProcessProbe?
    private let peakKB = LockedBox<Int?>(nil)
    private let stopped = LockedBox(false)
    private let cpuBefore: Double?
    private let rssBefore: Int?
    private let ownBefore = ProcessProbe.ownCPUSeconds()
    private let started = ContinuousClock.now

    init(pid: Int32?) {
        probe = pid.map(ProcessProbe.init(pid:))
        cpuBefore = probe?.cpuSeconds()
        rssBefore = probe?.residentKB()
        peakKB.set(rssBefore)
    }

    /// Samples until ``finish()``; run it as a child task.
    func sample() async {
        guard let probe else { return }
        while !stopped.get(), !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(200))
            if let rss = probe.residentKB() { peakKB.mutate { $0 = Swift.max($0 ?? 0, rss) } }
        }
    }

    /// Ends ``sample()``.
    func stopSampling() { stopped.set(true) }

    func finish() -> Result {
        stopped.set(true)
        let wall = Rounding.seconds(ContinuousClock.now - started)
        let own = ProcessProbe.ownCPUSeconds() - ownBefore
        if let rss = probe?.residentKB() { peakKB.mutate { $0 = Swift.max($0 ?? 0, rss) } }
        let cpu = probe?.cpuSeconds().flatMap { after in cpuBefore.map { after - $0 } }
        let megabytes = { (kb: Int?) in kb.map { Rounding.round(Double($0) / 1024, places: 1) } }
        return Result(
            pid: probe?.pid, cpuS: cpu.map { Rounding.round($0) }, coresBusy: cpu.map { Rounding.round($0 / wall) },
            threads: probe?.status("Threads"), rssBeforeMB: megabytes(rssBefore), rssPeakSampledMB: megabytes(peakKB.get()),
            vmhwmMB: megabytes(probe?.status("VmHWM")), generatorCPUS: Rounding.round(own), generatorCoresBusy: Rounding.round(own / wall))
    }
}
