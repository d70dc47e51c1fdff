import Fluent
import Foundation

/// One entry of the audit log: who did what to whom, when and from where.
///
/// Entries form a hash chain per tenant (and one for events outside any tenant): each stores the
/// hash of the one before it, and its own hash covers its content and that link, so changing,
/// inserting or removing an entry breaks every later link (`kakehashi audit verify`).
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    /// The chain: a tenant code, or ``AuditLog/systemChain``.
    @Field(key: "chain") var chain: String
    /// 1, 2, 3, … within the chain; unique, so two writers cannot both extend the same entry.
    @Field(key: "position") var position: Int
    /// OneRoster-style UTC timestamp with milliseconds.
    @Field(key: "occurred_at") var occurredAt: String
    /// `cli:root@host`, `user:<tenant>/<sourcedId>`, `operator:<name>`.
    @Field(key: "actor") var actor: String
    /// `roster.import`, `signin.success`, `person.view`, …
    @Field(key: "action") var action: String
    /// Whom or what it concerns (a user, a package), "" when nothing in particular.
    @Field(key: "subject") var subject: String
    /// Details as JSON with sorted keys.
    @Field(key: "details") var details: String
    /// Where from: an IP address, or `cli`.
    @Field(key: "source") var source: String
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}
}

/// The newest entry of each chain. Appending first increments `position` here, which locks the
/// row on PostgreSQL (SQLite has one writer anyway), so concurrent writers extend the chain one
/// after another instead of forking it.
final class AuditChainHead: Model, @unchecked Sendable {
    static let schema = "audit_chain_heads"

    @ID(key: .id) var id: UUID?
    @Field(key: "chain") var chain: String
    @Field(key: "position") var position: Int
    @Field(key: "hash") var hash: String

    init() {}
}
