import FluentSQLiteDriver
import Foundation
import Vapor

/// Copies SQLite's write-ahead log into the database file in the background, so that no writer
/// waits for it.
///
/// With automatic checkpoints the commit that crosses the WAL's size limit copies the log into
/// the database and syncs both files before it returns: about a tenth of the server's CPU while
/// statements stream in, all of it on the one writer every other write waits for. Here a
/// connection of its own, on a thread of its own, runs a PASSIVE checkpoint every quarter of a
/// second, and pass after pass while the writer appends faster than a pass copies (a store of
/// millions of statements writes about 100 KB of pages per statement; with one pass per quarter
/// second the writer's own automatic checkpoint did two thirds of the copying). A PASSIVE checkpoint takes no write lock: the writer goes on appending to the log
/// while committed frames are copied, and the next write after a complete copy starts the log
/// from the beginning again. Automatic checkpoints stay on with a higher limit
/// (``SQLiteCheckpointer/safetyLimitBytes``) so that the log stays bounded if this loop stalls
/// or does not run (a command that never boots the application).
final class SQLiteCheckpointer: LifecycleHandler {
    /// Automatic checkpoint limit of every connection when this runs: a net, not the rule. Under
    /// a steady stream of writes a PASSIVE pass never finds the log fully copied, so the log only
    /// starts over when it reaches this size and the writer's own checkpoint copies the rest. At
    /// 256 MiB that happened every second or so and was 8.5% of the writer's time; at 1 GiB
    /// batched ingestion of 400,000 statements went from 10,706 and 10,864/s to 11,541 and
    /// 11,068/s in pairs, and its p95 latency from 978 to 782 ms. The log file keeps its largest
    /// size, so up to about this much disk.
    static let safetyLimitBytes = 1024 * 1024 * 1024
    static let interval: Duration = .milliseconds(250)
    /// Frames the writer appended during a pass beyond which the next pass follows at once.
    static let behindFrames = 256

    private let path: String
    private let pool = NIOThreadPool(numberOfThreads: 1)
    private let stopping = LockedBox(false)
    private let loop = LockedBox<Task<Void, Never>?>(nil)

    init(path: String) {
        self.path = path
    }

    func didBootAsync(_ application: Application) async throws {
        pool.start()
        let connection = try await SQLiteConnection.open(
            storage: .file(path: path), threadPool: pool, logger: application.logger, on: application.eventLoopGroup.any())
        try await connection.query("PRAGMA busy_timeout=30000", []) { _ in }
        let logger = application.logger
        let stopping = stopping
        // Stopped by a flag, not by cancelling the task: the connection's calls refuse to run in
        // a cancelled task, and it must still be closed.
        let task = Task {
            var behind = false
            var lastCopied = 0
            while !stopping.current {
                // While the log grows faster than one pass copies it, the next pass starts at
                // once: what is left for the writer's own automatic checkpoint (at the safety
                // limit) is then only the last frames, not the log.
                if !behind { try? await Task.sleep(for: Self.interval) }
                guard !stopping.current else { break }
                do {
                    let frames = LockedBox((log: 0, copied: 0))
                    try await connection.query("PRAGMA wal_checkpoint(PASSIVE)", []) { row in
                        frames.mutate { $0 = (row.column("log")?.integer ?? 0, row.column("checkpointed")?.integer ?? 0) }
                    }
                    let (log, copied) = frames.current
                    // Only while passes make progress: a long reader can hold frames back.
                    behind = log - copied > Self.behindFrames && copied != lastCopied
                    lastCopied = copied
                } catch {
                    behind = false
                    logger.warning("WAL checkpoint failed", metadata: ["error": .string(String(describing: error))])
                }
            }
            try? await connection.close()
        }
        loop.mutate { $0 = task }
    }

    func shutdownAsync(_ application: Application) async {
        stopping.mutate { $0 = true }
        await loop.current?.value
        try? await pool.shutdownGracefully()
    }
}
