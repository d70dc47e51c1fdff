import Foundation
import XAPI

/// The canonical Activity definitions SQLite's statement writer knows `lrs_activities` to hold
/// (``ActivityCatalog``), so that a request's definitions that change nothing are dropped on the
/// request's own task and the one writer neither reads, parses nor merges them. Most statements
/// repeat the definitions of activities the catalog has: at c6ce2da the writer spent about a
/// fifth of its time reading, parsing and comparing them.
///
/// What the cache holds is exact as of its ``generation``: the writer fills it with what it read
/// from or wrote to `lrs_activities`, and only after its transaction has committed
/// (``stage(_:tenantID:)``, ``commitStaged()``). Any other connection's commit to the database
/// (``invalidate(dataVersion:)``, SQLite's `PRAGMA data_version` at the start of each writer
/// transaction: an AGS score's statement, another process) empties it and starts a new
/// generation; a job made in an older one is recorded in full, as without the cache.
///
/// A definition dropped because the cache covered it may meet a newer one for the same activity
/// written meanwhile by another request of the same moment: the catalog then ends as if the
/// dropped one had come first, which is one of the orders the two concurrent requests could
/// have had (``ActivityCatalog/covers(_:_:)`` means merging it changed nothing).
final class ActivityCatalogCache: Sendable {
    private struct State {
        var generation = 0
        var dataVersion: String?
        var tenants: [UUID: [String: JSONObject]] = [:]
        var count = 0
        var staged: [(tenantID: UUID, definitions: [String: JSONObject])] = []
    }

    private let state = LockedBox(State())
    /// At most this many definitions are kept (all tenants); past it the cache starts again.
    /// The benchmark's school year has about 15,200 activities with definitions.
    let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    var generation: Int { state.current.generation }

    /// `entries` without the definitions the cache shows to be recorded already, and the
    /// generation that holds for (``StatementStore/Job``, on the request's task).
    func uncovered(_ entries: ActivityCatalog.Entries, tenantID: UUID) -> (generation: Int, entries: ActivityCatalog.Entries) {
        // Compared outside the lock: the tenant's dictionary is a copy-on-write snapshot.
        let (generation, known) = state.mutate { ($0.generation, $0.tenants[tenantID]) }
        var out = entries
        if let known {
            out.definitions = entries.definitions.filter { entry in
                guard let stored = known[entry.id] else { return true }
                return !ActivityCatalog.covers(stored, entry.definition)
            }
        }
        return (generation, out)
    }

    /// The cached definitions of `ids` of a tenant (the writer, in its transaction).
    func definitions(_ ids: [String], tenantID: UUID) -> [String: JSONObject] {
        state.mutate { state in
            guard let known = state.tenants[tenantID] else { return [:] }
            var out: [String: JSONObject] = [:]
            for id in ids { if let definition = known[id] { out[id] = definition } }
            return out
        }
    }

    /// Starts a new generation when `dataVersion` (SQLite's `PRAGMA data_version` on the
    /// writer's connection) differs from the last one seen: another connection has committed.
    func invalidate(dataVersion: String) {
        state.mutate { state in
            guard state.dataVersion != dataVersion else { return }
            if state.dataVersion != nil { Self.reset(&state) }
            state.dataVersion = dataVersion
        }
    }

    /// Holds what the writer's transaction read or wrote, until it commits.
    func stage(_ definitions: [String: JSONObject], tenantID: UUID) {
        guard !definitions.isEmpty else { return }
        state.mutate { $0.staged.append((tenantID, definitions)) }
    }

    /// The writer's transaction committed: what it staged is now what `lrs_activities` holds.
    func commitStaged() {
        state.mutate { state in
            let staged = state.staged
            state.staged = []
            for (tenantID, definitions) in staged {
                if state.count + definitions.count > capacity { Self.reset(&state) }
                var known = state.tenants.removeValue(forKey: tenantID) ?? [:]
                for (id, definition) in definitions where known.updateValue(definition, forKey: id) == nil { state.count += 1 }
                state.tenants[tenantID] = known
            }
        }
    }

    /// The writer's transaction rolled back: nothing it staged was written.
    func discardStaged() {
        state.mutate { $0.staged = [] }
    }

    private static func reset(_ state: inout State) {
        state.generation += 1
        state.tenants = [:]
        state.count = 0
    }
}
