import Crypto
import Fluent
import SQLKit
import Foundation

/// Appends to and checks the audit log (append-only, hash-chained per tenant).
///
/// The application never updates or deletes an entry. An entry's hash is SHA-256 over the
/// previous entry's hash and the entry's fields in a fixed JSON form, so tampering with the
/// stored rows is detectable by recomputing the chain.
public struct AuditLog: Sendable {
    /// The chain of events that belong to no tenant (operators, system).
    public static let systemChain = "_system"
    /// The link before the first entry of every chain.
    static let genesis = String(repeating: "0", count: 64)

    public struct Entry: Sendable, Codable, Equatable {
        public var actor: String
        public var action: String
        public var subject: String
        public var details: [String: String]
        public var source: String

        public init(actor: String, action: String, subject: String = "", details: [String: String] = [:], source: String = "cli") {
            self.actor = actor
            self.action = action
            self.subject = subject
            self.details = details
            self.source = source
        }
    }

    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// Appends `entry` to the chain of `tenant` (nil: the system chain).
    ///
    /// On SQLite in one statement: the INSERT names the position and previous hash this process
    /// last wrote, and triggers (migration 012) check that it follows the stored head and move
    /// the head. A wrong guess (another process wrote, or a transaction holding our last entry
    /// rolled back) fails that check; then the head is read and the entry built again.
    /// On PostgreSQL in a transaction that claims the head row first (an UPDATE, which locks the
    /// row until commit), so writers on several instances queue instead of forking the chain.
    public func append(_ entry: Entry, tenant: String?) async throws {
        let chain = tenant ?? Self.systemChain
        let database = database
        let occurredAt = RosterDate.timestamp(Date())
        if SQLDialectKind(database.sql) == .sqlite {
            try await database.gatedWrite { try await Self.appendOnSQLite(entry, chain: chain, occurredAt: occurredAt, sql: database.sql) }
            return
        }
        try await database.transaction { tx in
            let sql = tx.sql
            var claimed = try await sql.raw(
                "UPDATE \"audit_chain_heads\" SET \"position\" = \"position\" + 1 WHERE \"chain\" = \(bind: chain) RETURNING \"position\", \"hash\""
            ).first()
            if claimed == nil {
                try await Self.createHead(chain, sql: sql)
                claimed = try await sql.raw(
                    "UPDATE \"audit_chain_heads\" SET \"position\" = \"position\" + 1 WHERE \"chain\" = \(bind: chain) RETURNING \"position\", \"hash\""
                ).first()
            }
            guard let head = claimed else { throw AuditChainMissing(chain: chain) }
            let event = Self.event(
                entry, chain: chain, position: try head.decode(column: "position", as: Int.self),
                previousHash: try head.decode(column: "hash", as: String.self), occurredAt: occurredAt)
            try await Self.insert(event, sql: sql)
            try await sql.raw("UPDATE \"audit_chain_heads\" SET \"hash\" = \(bind: event.hash) WHERE \"chain\" = \(bind: chain)").run()
        }
    }

    /// The head of each chain as this process last wrote it: a guess the SQLite triggers check.
    private static let lastWritten = LockedBox<[String: ChainHead]>([:])

    private struct ChainHead: Sendable {
        var position: Int
        var hash: String
    }

    private static func appendOnSQLite(_ entry: Entry, chain: String, occurredAt: String, sql: any SQLDatabase) async throws {
        var head = lastWritten.current[chain]
        for _ in 0..<3 {
            let known: ChainHead
            if let head { known = head } else { known = try await readHead(chain, sql: sql) }
            let event = event(entry, chain: chain, position: known.position + 1, previousHash: known.hash, occurredAt: occurredAt)
            do {
                try await insert(event, sql: sql)
                lastWritten.mutate { $0[chain] = ChainHead(position: event.position, hash: event.hash) }
                return
            } catch where String(describing: error).contains(headMoved) {
                head = nil
            }
        }
        throw AuditChainMissing(chain: chain)
    }

    /// The message of the trigger that refuses an entry not following the head (migration 012).
    private static let headMoved = "audit chain head moved"

    /// The stored head of `chain`, created at the genesis link when the chain is new.
    private static func readHead(_ chain: String, sql: any SQLDatabase) async throws -> ChainHead {
        try await createHead(chain, sql: sql)
        guard let row = try await sql.raw("SELECT \"position\", \"hash\" FROM \"audit_chain_heads\" WHERE \"chain\" = \(bind: chain)").first() else {
            throw AuditChainMissing(chain: chain)
        }
        return ChainHead(position: try row.decode(column: "position", as: Int.self), hash: try row.decode(column: "hash", as: String.self))
    }

    /// The head of a new chain, at the genesis link (nothing when the chain exists).
    private static func createHead(_ chain: String, sql: any SQLDatabase) async throws {
        var ids = UUIDVersion7Generator()
        try await sql.raw(
            "INSERT INTO \"audit_chain_heads\" (\"id\", \"chain\", \"position\", \"hash\") VALUES (\(bind: ids.next()), \(bind: chain), 0, \(bind: genesis)) ON CONFLICT (\"chain\") DO NOTHING"
        ).run()
    }

    static func event(_ entry: Entry, chain: String, position: Int, previousHash: String, occurredAt: String) -> AuditEvent {
        var ids = UUIDVersion7Generator()
        let event = AuditEvent()
        event.id = ids.next()
        event.chain = chain
        event.position = position
        event.occurredAt = occurredAt
        event.actor = entry.actor
        event.action = entry.action
        event.subject = entry.subject
        event.details = canonicalJSON(entry.details)
        event.source = entry.source
        event.previousHash = previousHash
        event.hash = hash(of: event)
        return event
    }

    static func insert(_ event: AuditEvent, sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO "audit_events" ("id", "chain", "position", "occurred_at", "actor", "action", "subject", "details", "source", "previous_hash", "hash")
            VALUES (\(bind: event.id), \(bind: event.chain), \(bind: event.position), \(bind: event.occurredAt), \(bind: event.actor), \(bind: event.action),
                    \(bind: event.subject), \(bind: event.details), \(bind: event.source), \(bind: event.previousHash), \(bind: event.hash))
            """
        ).run()
    }

    struct AuditChainMissing: Error {
        var chain: String
    }

    /// A broken link: the first entry of a chain whose content or link does not match.
    public struct Break: Sendable, Equatable, CustomStringConvertible {
        public var chain: String
        public var position: Int
        public var reason: String
        public var description: String { "\(chain) #\(position): \(reason)" }
    }

    /// Recomputes every chain (or one tenant's); returns the entries checked and the breaks.
    public func verify(tenant: String? = nil) async throws -> (checked: Int, breaks: [Break]) {
        var query = AuditEvent.query(on: database).sort(\.$chain).sort(\.$position)
        if let tenant { query = query.filter(\.$chain == tenant) }
        var checked = 0
        var breaks: [Break] = []
        var currentChain = ""
        var expectedPosition = 1
        var previousHash = Self.genesis
        var chainBroken = false
        for event in try await query.all() {
            if event.chain != currentChain {
                currentChain = event.chain
                expectedPosition = 1
                previousHash = Self.genesis
                chainBroken = false
            }
            checked += 1
            guard !chainBroken else { continue }
            var reason: String?
            if event.position != expectedPosition {
                reason = "expected entry #\(expectedPosition) here, found #\(event.position) (an entry was removed)"
            } else if event.previousHash != previousHash {
                reason = "the link to the previous entry does not match"
            } else if Self.hash(of: event) != event.hash {
                reason = "the entry's content does not match its hash (it was changed)"
            }
            if let reason {
                breaks.append(Break(chain: event.chain, position: event.position, reason: reason))
                chainBroken = true  // every later link of this chain follows from this one
                continue
            }
            expectedPosition += 1
            previousHash = event.hash
        }
        return (checked, breaks)
    }

    /// The events of one chain, oldest first.
    func events(tenant: String?) async throws -> [AuditEvent] {
        try await AuditEvent.query(on: database).filter(\.$chain == (tenant ?? Self.systemChain)).sort(\.$position).all()
    }

    // MARK: - Hashing

    static func hash(of event: AuditEvent) -> String {
        let fields: [String: String] = [
            "chain": event.chain, "position": String(event.position), "occurredAt": event.occurredAt,
            "actor": event.actor, "action": event.action, "subject": event.subject, "details": event.details,
            "source": event.source, "previousHash": event.previousHash,
        ]
        let digest = SHA256.hash(data: Data(canonicalJSON(fields).utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    static func canonicalJSON(_ fields: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(fields)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
