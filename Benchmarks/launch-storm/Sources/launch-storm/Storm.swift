import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// The closed-loop launch storm: sign every client in, then each client launches as fast as the
/// server answers until the end of the run.
struct Storm: Sendable {
    var baseURL: String
    var tenant: String
    var accounts: [Account]
    var warmup: Double
    var duration: Double
    var redirectURI: String
    var serverPID: Int32?
    var timeout: Int64
    var threads: Int
    var progress: Bool
    var perfOutput: String?
    /// Launches per second over all clients, spread evenly (0: each client launches back to back).
    var rate: Double = 0

    static let sessionCookie = "kakehashi_session"
    static let formCookie = "kakehashi_form"

    func run() async throws -> Report {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(timeout)),
            connectionPool: .init(idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: accounts.count))
        configuration.httpVersion = .http1Only
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        do {
            let report = try await storm(client)
            try await client.shutdown()
            return report
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func storm(_ client: HTTPClient) async throws -> Report {
        let clock = ContinuousClock()
        let server = serverPID.map(ProcessProbe.init(pid:))
        let rssBefore = server?.residentKB()

        // Sign-in, not measured: every client at once, each on its own connection of the pool.
        if progress { Progress.say("signing in \(accounts.count) students…") }
        let signInStart = clock.now
        let sessions = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (index, account) in accounts.enumerated() {
                group.addTask { (index, try await signIn(client, account)) }
            }
            var sessions = [String](repeating: "", count: accounts.count)
            for try await (index, session) in group { sessions[index] = session }
            return sessions
        }
        let signInSeconds = Self.seconds(clock.now - signInStart)

        // The storm: warm-up, then the measured window.
        let start = clock.now
        let measureStart = start + .milliseconds(Int64(warmup * 1000))
        let measureEnd = measureStart + .milliseconds(Int64(duration * 1000))
        let window = Window(start: measureStart, end: measureEnd)
        let completed = NIOLockedValueBox(0)
        if progress { Progress.say("launching: \(accounts.count) clients, \(warmup) s warm-up, \(duration) s measured…") }

        async let probes = measure(server: server, window: window, completed: completed)
        let results = await withTaskGroup(of: ClientResult.self) { group in
            for (index, account) in accounts.enumerated() {
                let session = sessions[index]
                let offset = rate > 0 ? Double(index) / rate : 0
                group.addTask { await launchLoop(client, account: account, session: session, window: window, completed: completed, offset: offset) }
            }
            var all: [ClientResult] = []
            for await result in group { all.append(result) }
            return all
        }
        let measured = await probes
        return Report(
            clients: accounts.count, duration: duration, warmup: warmup, threads: threads, signInSeconds: signInSeconds,
            results: results, probes: measured, rssBeforeKB: rssBefore, serverPID: serverPID)
    }

    // MARK: - Sign-in

    private func signIn(_ client: HTTPClient, _ account: Account) async throws -> String {
        var form = HTTPClientRequest(url: baseURL + "/signin")
        form.headers.add(name: "Accept-Language", value: "ja")
        let formResponse = try await client.execute(form, timeout: .seconds(timeout))
        let formBody = String(buffer: try await formResponse.body.collect(upTo: 4 << 20))
        guard formResponse.status == .ok, let formCookie = Self.cookie(Self.formCookie, in: formResponse.headers),
            let csrf = HTML.hiddenInputValue("csrf", in: formBody)
        else {
            throw StormError("GET /signin for \(account.username): HTTP \(formResponse.status.code), no form cookie or csrf input")
        }
        var post = HTTPClientRequest(url: baseURL + "/signin")
        post.method = .POST
        post.headers.add(name: "Accept-Language", value: "ja")
        post.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        post.headers.add(name: "Cookie", value: "\(Self.formCookie)=\(formCookie)")
        let fields = [("tenant", tenant), ("username", account.username), ("password", account.password), ("csrf", csrf)]
        post.body = .bytes(ByteBuffer(string: fields.map { "\($0)=\(URLEncoding.encode($1))" }.joined(separator: "&")))
        let response = try await client.execute(post, timeout: .seconds(timeout))
        let body = String(buffer: try await response.body.collect(upTo: 4 << 20))
        guard response.status == .seeOther, let session = Self.cookie(Self.sessionCookie, in: response.headers) else {
            throw StormError("POST /signin for \(account.username): HTTP \(response.status.code) \(body.prefix(200))")
        }
        return session
    }

    // MARK: - Launches

    struct Window: Sendable {
        var start: ContinuousClock.Instant
        var end: ContinuousClock.Instant

        func contains(_ instant: ContinuousClock.Instant) -> Bool { instant >= start && instant <= end }
    }

    /// One client: launches back to back until the window ends; what finished inside it counts.
    private func launchLoop(
        _ client: HTTPClient, account: Account, session: String, window: Window, completed: NIOLockedValueBox<Int>, offset: Double = 0
    ) async -> ClientResult {
        let clock = ContinuousClock()
        var result = ClientResult()
        var headers = HTTPHeaders()
        headers.add(name: "Accept-Language", value: "ja")
        headers.add(name: "Cookie", value: "\(Self.sessionCookie)=\(session)")
        let loginURL = baseURL + "/launch/" + URLEncoding.encode(account.linkID)
        let authorizeURL = baseURL + "/lti/authorize?"
        var counter: UInt64 = 0
        // Paced: this client's launches are `accounts.count / rate` seconds apart, offset so that
        // all clients together arrive evenly.
        let interval: Duration = rate > 0 ? .milliseconds(Int64(Double(accounts.count) / rate * 1000)) : .zero
        var slot = clock.now + .milliseconds(Int64(offset * 1000))
        while clock.now < window.end {
            if rate > 0 {
                if slot > clock.now { try? await Task.sleep(until: slot, clock: clock) }
                slot = slot + interval
            }
            counter += 1
            let t0 = clock.now
            var leg1End = t0
            do {
                // Leg 1: login initiation. The platform answers with a redirect to the tool's login URL.
                var login = HTTPClientRequest(url: loginURL)
                login.headers = headers
                let loginResponse = try await client.execute(login, timeout: .seconds(timeout))
                let loginBody = try await loginResponse.body.collect(upTo: 1 << 20)
                leg1End = clock.now
                guard loginResponse.status == .seeOther, let location = loginResponse.headers.first(name: "Location"),
                    let query = URLComponents(string: location)?.queryItems
                else {
                    throw LaunchFailure(leg: "login", kind: "HTTP \(loginResponse.status.code)", detail: String(buffer: loginBody))
                }
                func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
                guard let clientID = value("client_id"), let loginHint = value("login_hint"), let messageHint = value("lti_message_hint") else {
                    throw LaunchFailure(leg: "login", kind: "Location without client_id, login_hint or lti_message_hint", detail: location)
                }

                // Legs 2–3: the tool's authentication request; the platform answers with the id_token form.
                let state = "s\(UInt64.random(in: 0...UInt64.max))x\(counter)"
                let nonce = "n\(UInt64.random(in: 0...UInt64.max))x\(counter)"
                let parameters = [
                    ("scope", "openid"), ("response_type", "id_token"), ("response_mode", "form_post"), ("prompt", "none"),
                    ("client_id", clientID), ("redirect_uri", redirectURI), ("login_hint", loginHint), ("state", state), ("nonce", nonce),
                    ("lti_message_hint", messageHint),
                ]
                var authorize = HTTPClientRequest(url: authorizeURL + parameters.map { "\($0)=\(URLEncoding.encode($1))" }.joined(separator: "&"))
                authorize.headers = headers
                let response = try await client.execute(authorize, timeout: .seconds(timeout))
                let body = String(buffer: try await response.body.collect(upTo: 4 << 20))
                let t2 = clock.now
                guard response.status == .ok else {
                    throw LaunchFailure(leg: "authorize", kind: "HTTP \(response.status.code)", detail: body)
                }
                guard let idToken = HTML.hiddenInputValue("id_token", in: body) else {
                    let error = HTML.hiddenInputValue("error", in: body).map { "error=\($0)" } ?? "no id_token input"
                    throw LaunchFailure(leg: "authorize", kind: error, detail: HTML.hiddenInputValue("error_description", in: body) ?? body)
                }
                guard HTML.hiddenInputValue("state", in: body) == state else {
                    throw LaunchFailure(leg: "authorize", kind: "state not echoed", detail: body)
                }
                if window.contains(t2) {
                    result.launch.append(Self.milliseconds(t2 - t0))
                    result.login.append(Self.milliseconds(leg1End - t0))
                    result.authorize.append(Self.milliseconds(t2 - leg1End))
                    result.idTokenBytes += idToken.utf8.count
                    if result.sampleIDToken == nil { result.sampleIDToken = idToken }
                }
                completed.withLockedValue { $0 += 1 }
            } catch {
                let finished = clock.now
                guard window.contains(finished) || finished < window.start else { continue }
                let failure = error as? LaunchFailure
                    ?? LaunchFailure(leg: leg1End == t0 ? "login" : "authorize", kind: "\(type(of: error))", detail: "\(error)")
                if window.contains(finished) {
                    result.errors[failure.leg + ": " + failure.kind, default: 0] += 1
                } else {
                    result.warmupErrors += 1
                }
                if result.errorSamples.count < 3 {
                    result.errorSamples.append("\(account.username) \(failure.leg): \(failure.kind): \(failure.detail.prefix(300))")
                }
            }
        }
        return result
    }

    // MARK: - Probes

    struct Probes: Sendable {
        var serverCPUSeconds: Double?
        var generatorCPUSeconds: Double
        var wallSeconds: Double
        var rssPeakSampledKB: Int?
        var vmHWMKB: Int?
        var serverThreads: Int?
    }

    /// CPU times at the start and end of the window; the server's VmRSS every 200 ms.
    private func measure(server: ProcessProbe?, window: Window, completed: NIOLockedValueBox<Int>) async -> Probes {
        let clock = ContinuousClock()
        var peak = server?.residentKB()
        func sampleUntil(_ deadline: ContinuousClock.Instant, report: Bool) async {
            var nextReport = clock.now + .seconds(5)
            while clock.now < deadline {
                try? await Task.sleep(until: min(deadline, clock.now + .milliseconds(200)), clock: clock)
                if let rss = server?.residentKB() { peak = max(peak ?? 0, rss) }
                if report, progress, clock.now >= nextReport {
                    Progress.say("  \(completed.withLockedValue { $0 }) launches so far")
                    nextReport = clock.now + .seconds(5)
                }
            }
        }
        await sampleUntil(window.start, report: false)
        let profiler = startProfiler()
        let serverBefore = server?.cpuSeconds()
        let generatorBefore = ProcessProbe.ownCPUSeconds()
        let wallBefore = clock.now
        if progress { Progress.say("  warm-up done (\(completed.withLockedValue { $0 }) launches); measuring…") }
        await sampleUntil(window.end, report: true)
        let serverAfter = server?.cpuSeconds()
        let generatorAfter = ProcessProbe.ownCPUSeconds()
        let wall = Self.seconds(clock.now - wallBefore)
        if let profiler {
            // perf stops by itself at the end of the window (its `sleep`); wait for it to write its file.
            let deadline = clock.now + .seconds(30)
            while profiler.isRunning, clock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            if profiler.isRunning { profiler.interrupt() }
        }
        var serverCPU: Double?
        if let serverBefore, let serverAfter { serverCPU = serverAfter - serverBefore }
        return Probes(
            serverCPUSeconds: serverCPU, generatorCPUSeconds: generatorAfter - generatorBefore, wallSeconds: wall,
            rssPeakSampledKB: peak, vmHWMKB: server?.statusKB("VmHWM"), serverThreads: server?.statusKB("Threads"))
    }

    /// `perf record` of the server for the measured window, if asked for.
    private func startProfiler() -> Process? {
        guard let perfOutput, let serverPID else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["perf", "record", "-q", "-e", "cpu-clock", "-F", "499", "-p", "\(serverPID)", "-o", perfOutput, "--", "sleep", "\(duration)"]
        process.standardOutput = FileHandle.standardError
        do {
            try process.run()
            return process
        } catch {
            Progress.say("perf record did not start: \(error)")
            return nil
        }
    }

    // MARK: - Helpers

    static func cookie(_ name: String, in headers: HTTPHeaders) -> String? {
        for header in headers["Set-Cookie"] {
            let first = header.split(separator: ";", maxSplits: 1).first ?? ""
            let parts = first.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { return value }
            }
        }
        return nil
    }

    static func milliseconds(_ duration: Duration) -> Double {
        seconds(duration) * 1000
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

struct ClientResult: Sendable {
    var launch: [Double] = []
    var login: [Double] = []
    var authorize: [Double] = []
    var errors: [String: Int] = [:]
    var warmupErrors = 0
    var errorSamples: [String] = []
    var idTokenBytes = 0
    var sampleIDToken: String?
}

struct LaunchFailure: Error {
    var leg: String
    var kind: String
    var detail: String
}

struct StormError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum URLEncoding {
    /// RFC 3986 unreserved characters stay; everything else is percent-encoded (good for a query
    /// value and for a form field alike).
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }
}

enum HTML {
    /// The value of `<input … name="NAME" … value="…">` in a page (entities decoded), if there is one.
    static func hiddenInputValue(_ name: String, in html: String) -> String? {
        guard let nameRange = html.range(of: "name=\"\(name)\"") else { return nil }
        let tagStart = html[..<nameRange.lowerBound].range(of: "<", options: .backwards)?.lowerBound ?? html.startIndex
        guard let tagEnd = html[nameRange.upperBound...].firstIndex(of: ">") else { return nil }
        let tag = html[tagStart..<tagEnd]
        guard let valueStart = tag.range(of: "value=\"")?.upperBound, let valueEnd = tag[valueStart...].firstIndex(of: "\"") else { return nil }
        return unescape(String(tag[valueStart..<valueEnd]))
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}

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

    func residentKB() -> Int? { statusKB("VmRSS") }

    /// A field of /proc/PID/status (kB for the memory ones; Threads is a count).
    func statusKB(_ field: String) -> Int? {
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
