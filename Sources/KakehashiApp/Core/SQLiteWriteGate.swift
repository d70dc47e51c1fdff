import Foundation

/// One writer at a time on SQLite, decided in this process before SQLite is asked.
///
/// SQLite lets one connection write at a time; a second writer gets SQLITE_BUSY and its busy
/// handler sleeps (1, 2, 5, 10 … ms) on one of the few threads that run SQLite statements, while
/// the writer it waits for needs such a thread for its next statement. Under load (the launch
/// storm: a write transaction per launch) that convoy left a core idle. Writers of this process
/// queue here instead, in order and without holding a thread; the busy timeout still covers a
/// second process (an import beside a running server).
///
/// Reentrant within a task: a gated writer that calls another gated write passes straight
/// through. Fluent runs a transaction's body in a task of its own, so writes inside a transaction
/// pass through by another rule (see ``Fluent/Database/gatedWrite(_:)``).
actor SQLiteWriteGate {
    static let shared = SQLiteWriteGate()

    @TaskLocal private static var isHeld = false

    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` as the only gated writer of this process.
    static func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if isHeld { return try await body() }
        await shared.acquire()
        do {
            let result = try await $isHeld.withValue(true) { try await body() }
            await shared.release()
            return result
        } catch {
            await shared.release()
            throw error
        }
    }

    private func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            // The gate passes to the next in line without ever being free (no barging).
            waiting.removeFirst().resume()
        }
    }
}
