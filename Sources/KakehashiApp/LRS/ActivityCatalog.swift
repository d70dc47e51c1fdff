import Fluent
import Foundation
import XAPI

/// The LRS's canonical Activity definitions and agent names of a tenant (Communication §2.5
/// Activities, §2.6 Agents): definitions from every statement are combined, language maps
/// entry by entry and other properties replaced by the newest.
struct ActivityCatalog: Sendable {
    let database: any Database
    let tenantID: UUID
    /// Where ``record(_:at:)`` writes when set (see ``StatementStore/writer``).
    var writer: BulkSQL? = nil
    /// The definitions the writer knows to be recorded (SQLite's statement writer only).
    var cache: ActivityCatalogCache? = nil

    private var sql: BulkSQL { writer ?? BulkSQL(database) }

    /// What statements add to the catalog: their activities' definitions, combined in the order
    /// they appear (one per id), and their actors' names. Made with the statements' rows, before
    /// the writer; a request's statements are combined there too (``init(combining:)``).
    struct Entries: Sendable {
        var definitions: [(id: String, definition: JSONObject)] = []
        var names: [(key: String, name: String)] = []

        /// Nothing: a statement written without the `define` scope.
        init() {}

        init(_ statement: JSON) {
            self.init(CollectionOfOne(statement))
        }

        /// What `statements` add, one after another, as ``init(combining:)`` of each one's
        /// entries, in one pass (a request's statements, on its task).
        init(_ statements: some Sequence<JSON>) {
            var builder = Builder()
            for statement in statements {
                ActivityCatalog.collect(statement) { builder.add($0, id: $1) }
                if case .object(let actor)? = statement["actor"], let name = actor["name"]?.string, let key = AgentKey(agent: actor) {
                    builder.add(name: name, key: key.rawValue)
                }
            }
            self = builder.entries
        }

        /// `entries` one after another, as if they were one statement's: what ``record(_:at:)``
        /// then does is the same as for all of them.
        init(combining entries: [Entries]) {
            var builder = Builder()
            for entry in entries {
                for (id, definition) in entry.definitions { builder.add(definition, id: id) }
                for (key, name) in entry.names { builder.add(name: name, key: key) }
            }
            self = builder.entries
        }

        /// Definitions and names in the order they first appear; a later definition merged into
        /// an earlier one of the same id, a later name replacing an earlier one of the same key.
        private struct Builder {
            var definitions: [String: JSONObject] = [:]
            var order: [String] = []
            var names: [String: String] = [:]
            var nameOrder: [String] = []

            mutating func add(_ definition: JSONObject, id: String) {
                if let existing = definitions[id] {
                    // Most statements of a request repeat their activities' definitions.
                    if !ActivityCatalog.covers(existing, definition) { definitions[id] = ActivityCatalog.merge(existing, definition) }
                } else {
                    definitions[id] = definition
                    order.append(id)
                }
            }

            mutating func add(name: String, key: String) {
                if names.updateValue(name, forKey: key) == nil { nameOrder.append(key) }
            }

            var entries: Entries {
                var entries = Entries()
                entries.definitions = order.map { ($0, definitions[$0]!) }
                entries.names = nameOrder.map { ($0, names[$0]!) }
                return entries
            }
        }
    }

    /// Records the activity definitions and actor names of newly stored statements, in order.
    func record(_ statements: [Entries], at now: Int64) async throws {
        let combined = statements.count == 1 ? statements[0] : Entries(combining: statements)
        let definitions = Dictionary(combined.definitions, uniquingKeysWith: { _, last in last })
        let order = combined.definitions.map(\.id)
        let names = Dictionary(combined.names, uniquingKeysWith: { _, last in last })
        if !order.isEmpty {
            var stored = cache?.definitions(order, tenantID: tenantID) ?? [:]
            for chunk in StatementStore.chunks(order.filter { stored[$0] == nil }, size: 1000) {
                let rows = try await sql.run(
                    "SELECT \"activity_id\", \"definition\" FROM \"lrs_activities\" WHERE \"tenant_id\" = ? AND \"activity_id\" IN (\(StatementStore.placeholders(chunk.count)))",
                    [.uuid(tenantID)] + chunk.map { .text($0) }, columns: ["activity_id", "definition"])
                for row in rows {
                    if let id = row[0], let text = row[1], case .object(let object)? = try? JSONParser.parse(Array(text.utf8)) { stored[id] = object }
                }
            }
            var rows: [[BulkSQL.Value]] = []
            // What `lrs_activities` holds for these ids once this transaction commits.
            var recorded: [String: JSONObject] = [:]
            for id in order {
                guard let incoming = definitions[id] else { continue }
                if let old = stored[id], Self.covers(old, incoming) {
                    recorded[id] = old
                    continue
                }
                let merged = stored[id].map { Self.merge($0, incoming) } ?? incoming
                let text = JSON.object(merged).jsonString
                // The cache keeps a copy of its own, not parts of the request's parsed body.
                if cache != nil, case .object(let copy)? = try? JSONParser.parse(Array(text.utf8)) { recorded[id] = copy }
                rows.append([.uuid(tenantID), .text(id), .text(text), .int(now)])
            }
            try await StatementStore(database: database, tenantID: tenantID, writer: writer).insert(
                LRSSchema.activities, columns: ["tenant_id", "activity_id", "definition", "updated_us"], rows: rows,
                suffix: " ON CONFLICT (\"tenant_id\", \"activity_id\") DO UPDATE SET \"definition\" = excluded.\"definition\", \"updated_us\" = excluded.\"updated_us\"")
            cache?.stage(recorded, tenantID: tenantID)
        }
        if !names.isEmpty {
            let rows: [[BulkSQL.Value]] = names.sorted { $0.key < $1.key }.map { [.uuid(tenantID), .text($0.key), .text($0.value), .int(now)] }
            try await StatementStore(database: database, tenantID: tenantID, writer: writer).insert(
                LRSSchema.agents, columns: ["tenant_id", "agent_key", "name", "updated_us"], rows: rows,
                suffix: " ON CONFLICT (\"tenant_id\", \"agent_key\") DO UPDATE SET \"name\" = excluded.\"name\", \"updated_us\" = excluded.\"updated_us\" WHERE \"lrs_agents\".\"name\" <> excluded.\"name\"")
        }
    }

    /// Activities with a definition, each given to `found` with its id: the object, the context
    /// activities, and both in a SubStatement.
    static func collect(_ statement: JSON, _ found: (JSONObject, String) -> Void) {
        func add(_ activity: JSON) {
            guard case .object(let object) = activity, object["objectType"]?.string ?? "Activity" == "Activity", let id = object["id"]?.string,
                case .object(let definition)? = object["definition"]
            else { return }
            found(definition, id)
        }
        if let object = statement["object"] {
            add(object)
            if object["objectType"]?.string == "SubStatement" {
                if let inner = object["object"] { add(inner) }
                addContext(object["context"], add)
            }
        }
        addContext(statement["context"], add)
    }

    private static func addContext(_ context: JSON?, _ add: (JSON) -> Void) {
        guard case .object(let activities)? = context?["contextActivities"] else { return }
        for member in activities.members {
            for activity in member.value.array ?? [member.value] { add(activity) }
        }
    }

    /// Whether `existing` holds everything of `incoming` already, so that merging it changes
    /// nothing: each language of a language map, and each other property equal.
    static func covers(_ existing: JSONObject, _ incoming: JSONObject) -> Bool {
        incoming.members.allSatisfy { member in
            if member.key == "name" || member.key == "description", case .object(let map)? = existing[member.key], case .object(let newer) = member.value {
                return newer.members.allSatisfy { entry in map[entry.key].map { identical($0, entry.value) } ?? false }
            }
            return existing[member.key].map { identical($0, member.value) } ?? false
        }
    }

    /// Equal as JSON with strings compared by their UTF-8 bytes: Swift's `==` on strings
    /// compares them as Unicode text (canonical equivalence), a slow path for every Japanese name
    /// and choice. Identical implies `==`, so a definition found identical changes nothing; one
    /// that only `==` finds equal is merged and written again, which changes nothing either.
    static func identical(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.string(var x), .string(var y)):
            return x.withUTF8 { a in y.withUTF8 { b in a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0) } }
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            return x.members.allSatisfy { member in y[member.key].map { identical(member.value, $0) } ?? false }
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        default: return a == b
        }
    }

    /// `incoming` over `existing`: language maps combined, everything else replaced.
    static func merge(_ existing: JSONObject, _ incoming: JSONObject) -> JSONObject {
        var result = existing
        for member in incoming.members {
            if member.key == "name" || member.key == "description", case .object(var map)? = existing[member.key],
                case .object(let newer) = member.value
            {
                for entry in newer.members { map[entry.key] = entry.value }
                result[member.key] = .object(map)
            } else {
                result[member.key] = member.value
            }
        }
        return result
    }

    // MARK: - Reading

    /// The canonical definition of an activity, if any statement gave one.
    func definition(of activityID: String) async throws -> JSON? {
        guard let text = try await sql.run(
            "SELECT \"definition\" FROM \"lrs_activities\" WHERE \"tenant_id\" = ? AND \"activity_id\" = ?", [.uuid(tenantID), .text(activityID)],
            columns: ["definition"]
        ).first?[0] ?? nil else { return nil }
        return try? JSONParser.parse(Array(text.utf8))
    }

    /// The canonical definitions of several activities, by id (those no statement defined are absent).
    func definitions(of activityIDs: [String]) async throws -> [String: JSON] {
        var found: [String: JSON] = [:]
        for chunk in StatementStore.chunks(activityIDs, size: 1000) {
            let rows = try await sql.run(
                "SELECT \"activity_id\", \"definition\" FROM \"lrs_activities\" WHERE \"tenant_id\" = ? AND \"activity_id\" IN (\(StatementStore.placeholders(chunk.count)))",
                [.uuid(tenantID)] + chunk.map { .text($0) }, columns: ["activity_id", "definition"])
            for row in rows {
                if let id = row[0], let text = row[1], let definition = try? JSONParser.parse(Array(text.utf8)) { found[id] = definition }
            }
        }
        return found
    }

    /// The names an agent was given in statements.
    func names(of key: AgentKey) async throws -> [String] {
        try await sql.run(
            "SELECT \"name\" FROM \"lrs_agents\" WHERE \"tenant_id\" = ? AND \"agent_key\" = ?", [.uuid(tenantID), .text(key.rawValue)], columns: ["name"]
        ).compactMap { $0[0] }
    }
}
