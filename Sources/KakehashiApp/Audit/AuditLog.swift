import Crypto
import Fluent
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

    /// Appends `entry` to the chain of `tenant` (nil: the system chain), in its own transaction
    /// unless the database already is one. The chain's head row is claimed first (an UPDATE,
    /// which PostgreSQL locks until commit), so concurrent writers queue instead of forking it.
    public func append(_ entry: Entry, tenant: String?) async throws {
        let chain = tenant ?? Self.systemChain
        try await database.transaction { tx in
            let sql = tx.sql
            var ids = UUIDVersion7Generator()
            // Claim the next position (the UPDATE locks the head row until commit on PostgreSQL,
            // and takes SQLite's write lock): one statement once the chain exists.
            var claimed = try await sql.raw(
                "UPDATE \"audit_chain_heads\" SET \"position\" = \"position\" + 1 WHERE \"chain\" = \(bind: chain) RETURNING \"position\", \"hash\""
            ).first()
            if claimed == nil {
                try await sql.raw(
                    "INSERT INTO \"audit_chain_heads\" (\"id\", \"chain\", \"position\", \"hash\") VALUES (\(bind: ids.next()), \(bind: chain), 0, \(bind: Self.genesis)) ON CONFLICT (\"chain\") DO NOTHING"
                ).run()
                claimed = try await sql.raw(
                    "UPDATE \"audit_chain_heads\" SET \"position\" = \"position\" + 1 WHERE \"chain\" = \(bind: chain) RETURNING \"position\", \"hash\""
                ).first()
            }
            guard let head = claimed else { throw AuditChainMissing(chain: chain) }
            let event = AuditEvent()
            event.id = ids.next()
            event.chain = chain
            event.position = try head.decode(column: "position", as: Int.self)
            event.occurredAt = RosterDate.timestamp(Date())
            event.actor = entry.actor
            event.action = entry.action
            event.subject = entry.subject
            event.details = Self.canonicalJSON(entry.details)
            event.source = entry.source
            event.previousHash = try head.decode(column: "hash", as: String.self)
            event.hash = Self.hash(of: event)
            try await event.create(on: tx)
            try await sql.raw("UPDATE \"audit_chain_heads\" SET \"hash\" = \(bind: event.hash) WHERE \"chain\" = \(bind: chain)").run()
        }
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
