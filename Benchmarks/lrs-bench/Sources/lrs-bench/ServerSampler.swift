import Foundation

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
        /// The server's threads that used at least 0.1 s of CPU in the window, busiest first.
        var threadCPU: [ThreadCPU]?

        struct ThreadCPU: Codable, Sendable {
            var name: String
            var tid: Int32
            var cpuS: Double
        }

        enum CodingKeys: String, CodingKey {
            case pid, cpuS, coresBusy, threads, rssBeforeMB, rssPeakSampledMB, vmhwmMB
            case generatorCPUS = "generator_cpu_s"
            case generatorCoresBusy
            case threadCPU = "thread_cpu"
        }
    }

    private let probe: ProcessProbe?
    private let peakKB = LockedBox<Int?>(nil)
    private let stopped = LockedBox(false)
    private let cpuBefore: Double?
    private let threadsBefore: [Int32: (name: String, seconds: Double)]
    private let rssBefore: Int?
    private let ownBefore = ProcessProbe.ownCPUSeconds()
    private let started = ContinuousClock.now

    init(pid: Int32?) {
        probe = pid.map(ProcessProbe.init(pid:))
        cpuBefore = probe?.cpuSeconds()
        threadsBefore = probe?.threadCPUSeconds() ?? [:]
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
        let threadCPU = probe.map { probe in
            probe.threadCPUSeconds().compactMap { tid, thread -> Result.ThreadCPU? in
                let used = thread.seconds - (threadsBefore[tid]?.seconds ?? 0)
                return used >= 0.1 ? Result.ThreadCPU(name: thread.name, tid: tid, cpuS: Rounding.round(used)) : nil
            }.sorted { ($0.cpuS, $1.tid) > ($1.cpuS, $0.tid) }
        }
        return Result(
            pid: probe?.pid, cpuS: cpu.map { Rounding.round($0) }, coresBusy: cpu.map { Rounding.round($0 / wall) },
            threads: probe?.status("Threads"), rssBeforeMB: megabytes(rssBefore), rssPeakSampledMB: megabytes(peakKB.get()),
            vmhwmMB: megabytes(probe?.status("VmHWM")), generatorCPUS: Rounding.round(own), generatorCoresBusy: Rounding.round(own / wall),
            threadCPU: threadCPU)
    }
}
