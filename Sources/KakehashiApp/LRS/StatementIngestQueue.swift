import Fluent
import Foundation
import SQLKit
import Vapor
import XAPI

/// Group commit for statement writes. SQLite has one writer, and each request's own transaction
/// cost a dozen statements, each a hop to SQLite's threads and back: requests that arrive while a
/// write is under way are stored together by the next one, as one set of multi-row statements
/// in one transaction (``StatementStore/storeGroup(_:)``). Each request still gets its own
/// answer: its conflict or voiding error refuses it alone; a database error fails the group
/// (nothing of it is stored, and every client may retry).
actor StatementIngestQueue {
    /// At most this many statements go into one transaction (a request is never split).
    static let groupLimit = 5_000

    private struct Pending {
        var tenantID: UUID
        var job: StatementStore.Job
        var continuation: CheckedContinuation<[UUID], any Error>
    }

    private var pending: [Pending] = []
    private var draining = false
    /// On SQLite, the writer's own connection; on PostgreSQL nil (Fluent's pool, a transaction).
    private let writer: SQLiteWriterConnection?
    /// Staged filter rows merged once there are this many (`KAKEHASHI_LRS_STAGING_ROWS`).
    private let stagingRows: Int

    /// Whether statements are written by SQLite's writer connection (jobs then bring their
    /// rows laid out for it, ``StatementStore/Job/prepared``).
    nonisolated let hasSQLiteWriter: Bool
    /// The Activity definitions SQLite's writer knows to be recorded; requests drop what it
    /// covers before they queue (nil on PostgreSQL).
    nonisolated let catalogCache: ActivityCatalogCache?

    init(writer: SQLiteWriterConnection?, stagingRows: Int) {
        self.writer = writer
        self.stagingRows = stagingRows
        hasSQLiteWriter = writer != nil
        catalogCache = writer == nil ? nil : ActivityCatalogCache()
    }

    /// Stores `job`'s statements of `tenantID` with whatever else is waiting; returns their ids.
    func submit(_ job: StatementStore.Job, tenantID: UUID, database: any Database) async throws -> [UUID] {
        try await withCheckedThrowingContinuation { continuation in
            pending.append(Pending(tenantID: tenantID, job: job, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain(database) }
            }
        }
    }

    private func drain(_ database: any Database) async {
        while !pending.isEmpty {
            var group: [Pending] = []
            var count = 0
            while let next = pending.first, group.isEmpty || count + next.job.statements.count <= Self.groupLimit {
                group.append(pending.removeFirst())
                count += next.job.statements.count
            }
            let work = group.map { (tenantID: $0.tenantID, job: $0.job) }
            let stagingRows = stagingRows
            do {
                let catalogCache = catalogCache
                @Sendable func store(_ database: any Database, _ writer: BulkSQL?, assumingNew: Bool = false) async throws -> [Result<[UUID], XAPIError>] {
                    var out = [Result<[UUID], XAPIError>](repeating: .success([]), count: work.count)
                    for (tenantID, indices) in Dictionary(grouping: work.indices, by: { work[$0].tenantID }) {
                        let stored = try await StatementStore(database: database, tenantID: tenantID, writer: writer, catalogCache: catalogCache)
                            .storeGroup(indices.map { work[$0].job }, assumingNew: assumingNew)
                        for (index, result) in zip(indices, stored) { out[index] = result }
                    }
                    return out
                }
                let results: [Result<[UUID], XAPIError>]
                if let writer {
                    @Sendable func attempt(assumingNew: Bool) async throws -> [Result<[UUID], XAPIError>] {
                        do {
                            let results = try await writer.transaction { bulk in
                                // Another connection's commit may have changed the catalog.
                                if let version = try await bulk.run("PRAGMA data_version", [], columns: ["data_version"]).first?[0] ?? nil {
                                    catalogCache?.invalidate(dataVersion: version)
                                }
                                let results = try await store(database, bulk, assumingNew: assumingNew)
                                try await StatementStore.mergeStagedFilters(bulk, limit: stagingRows)
                                return results
                            }
                            catalogCache?.commitStaged()
                            return results
                        } catch {
                            catalogCache?.discardStaged()
                            throw error
                        }
                    }
                    do {
                        results = try await attempt(assumingNew: true)
                    } catch let failure as SQLiteFailure where failure.isConstraint {
                        // A statement id stored already (a retried request): judged in full.
                        results = try await attempt(assumingNew: false)
                    }
                } else {
                    results = try await database.writeTransaction { tx in try await store(tx, nil) }
                }
                for (waiting, result) in zip(group, results) { waiting.continuation.resume(with: result.mapError { $0 as any Error }) }
            } catch {
                for waiting in group { waiting.continuation.resume(throwing: error) }
            }
        }
        draining = false
    }
}

struct StatementIngestQueueKey: StorageKey {
    typealias Value = StatementIngestQueue
}

private struct StatementWriterShutdown: LifecycleHandler {
    let writer: SQLiteWriterConnection
    func shutdownAsync(_ application: Application) async { await writer.close() }
}

extension Application {
    /// The group-commit queue of this application's statement writes: on SQLite with a
    /// connection of its own (``SQLiteWriterConnection``), closed when the application shuts down.
    var statementIngestQueue: StatementIngestQueue {
        if let queue = storage[StatementIngestQueueKey.self] { return queue }
        var writer: SQLiteWriterConnection?
        if SQLDialectKind(db.sql) == .sqlite {
            let connection = SQLiteWriterConnection(path: settings.sqliteFile.path)
            lifecycle.use(StatementWriterShutdown(writer: connection))
            writer = connection
        }
        let queue = StatementIngestQueue(writer: writer, stagingRows: settings.lrsStagingRows)
        storage[StatementIngestQueueKey.self] = queue
        return queue
    }
}
