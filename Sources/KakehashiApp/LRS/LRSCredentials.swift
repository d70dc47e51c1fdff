import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import XAPI

/// LRS credentials: stand-alone HTTP Basic keys (``LRSCredential``) and tools' LTI bearer
/// tokens carrying ``scope``. The tenant of every LRS call is decided here and nowhere else.
enum LRSCredentials {
    /// The LTI service scope that lets a tool's bearer token (from `/lti/token`) use the LRS of
    /// its tenant: write statements and read every statement and document of that tenant.
    /// Tools ask for it at registration like the AGS and NRPS scopes (docs/STANDARDS.md).
    static let scope = "urn:kakehashi:scope:xapi"

    /// At most this many credentials per tenant and hour (a leaked operator shell cannot mint
    /// keys without bound, and every one is in the audit log).
    static let creationLimit = RateLimiter.Rule(limit: 60, window: 3600)

    /// A new key and secret.
    struct Issued: Sendable, Codable {
        var key: String
        var secret: String
    }

    struct RateLimited: Error, CustomStringConvertible {
        var description: String { "too many LRS credentials created for this tenant in the last hour; try again later / 1時間あたりの発行数の上限です" }
    }

    /// Makes a credential for `tenantCode` limited to `scopes`; the secret is returned once and
    /// only its hash kept.
    static func create(tenantCode: String, label: String, scopes: XAPIScopes = .all, actor: String, database: any Database) async throws -> Issued {
        guard let tenant = try await Tenant.query(on: database).filter(\.$code == tenantCode).first(), let tenantID = tenant.id else {
            throw RosterError.unknownTenant(tenantCode)
        }
        let allowed = try await database.gatedWrite {
            try await RateLimiter(database: database).hit("lrs.credentials:\(tenantCode)", rule: creationLimit)
        }
        guard allowed else { throw RateLimited() }
        let issued = Issued(key: UUID().uuidString.lowercased(), secret: Sessions.randomToken())
        let credential = LRSCredential()
        credential.tenantID = tenantID
        credential.key = issued.key
        credential.secretHash = Sessions.hash(issued.secret)
        credential.label = label
        credential.scopes = scopes.text
        credential.createdBy = actor
        credential.createdAt = Date()
        try await database.writeTransaction { tx in
            try await credential.create(on: tx)
            try await AuditLog(database: tx).append(
                .init(actor: actor, action: "lrs.credentials.create", subject: "lrs-key:\(issued.key)", details: ["label": label, "scopes": scopes.text]), tenant: tenantCode)
        }
        return issued
    }

    // MARK: - Authentication

    private struct CachedKey: Sendable {
        var secretHash: String
        var tenantID: UUID
        var label: String
        var scopes: XAPIScopes
    }

    /// Keys seen in the last seconds, so a busy client costs one lookup per 10 s, not one per
    /// request. A revoked key stops working within that time.
    private static let cache = ExpiringCache<CachedKey>()
    private static let cacheLifetime: TimeInterval = 10

    /// The client behind an `Authorization` header, or nil (401).
    static func authenticate(_ authorization: String?, database: any Database, baseURL: String) async throws -> LRSClient? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        switch parts[0].lowercased() {
        case "basic":
            guard let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
                let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
            else { return nil }
            return try await basic(key: String(text[..<colon]), secret: String(text[text.index(after: colon)...]), database: database, baseURL: baseURL)
        case "bearer":
            return try await bearer(String(parts[1]).trimmingCharacters(in: .whitespaces), database: database, baseURL: baseURL)
        default:
            return nil
        }
    }

    private static func basic(key: String, secret: String, database: any Database, baseURL: String) async throws -> LRSClient? {
        guard !key.isEmpty, !secret.isEmpty else { return nil }
        let now = Date()
        var entry = cache.value(for: key, now: now)
        if entry == nil {
            guard let row = try await LRSCredential.query(on: database).filter(\.$key == key).first(), row.revokedAt == nil else { return nil }
            // A stored value this version cannot read grants nothing rather than everything.
            let scopes = (try? XAPIScopes(parsing: row.scopes)) ?? XAPIScopes([])
            let fresh = CachedKey(secretHash: row.secretHash, tenantID: row.tenantID, label: row.label, scopes: scopes)
            cache.store(fresh, for: key, until: now.addingTimeInterval(cacheLifetime), now: now)
            entry = fresh
        }
        guard let entry, constantTimeEqual(Sessions.hash(secret), entry.secretHash) else { return nil }
        return LRSClient(
            tenantID: entry.tenantID, credential: "key:\(key)", toolID: nil,
            authority: authority(name: entry.label.isEmpty ? "LRS credential" : entry.label, account: "lrs-key:\(key)", baseURL: baseURL),
            scopes: entry.scopes)
    }

    /// A tool's token as the LRS needs it, kept like the keys above: a tool sending one statement
    /// per request asked the database twice (token, then tool) on each, through Fluent. Held until
    /// the token expires and for at most ``cacheLifetime``, so a tool switched off is refused
    /// within that.
    private struct CachedToken: Sendable {
        var tenantID: UUID
        var toolID: UUID
        var clientID: String
        var name: String
        var hasScope: Bool
    }

    private static let tokens = ExpiringCache<CachedToken>()

    private static func bearer(_ token: String, database: any Database, baseURL: String) async throws -> LRSClient? {
        guard !token.isEmpty else { return nil }
        let hash = Sessions.hash(token)
        let now = Date()
        var entry = tokens.value(for: hash, now: now)
        if entry == nil {
            guard let stored = try await LTIAccessToken.query(on: database).filter(\.$tokenHash == hash).first(), stored.expiresAt > now,
                let tool = try await LTITool.find(stored.toolID, on: database), tool.status == LTITool.Status.active.rawValue, let toolID = tool.id
            else { return nil }
            let fresh = CachedToken(
                tenantID: tool.tenantID, toolID: toolID, clientID: tool.clientID, name: tool.name,
                hasScope: stored.scopes.split(separator: " ").contains(Substring(scope)))
            tokens.store(fresh, for: hash, until: min(stored.expiresAt, now.addingTimeInterval(cacheLifetime)), now: now)
            entry = fresh
        }
        guard let entry else { return nil }
        // A good token without the scope: known, but not allowed here (RFC 6750 §3.1
        // insufficient_scope is a 403), so the tool's developer sees what is missing.
        guard entry.hasScope else {
            throw XAPIError(
                code: "credentials.insufficient-scope", status: 403,
                message: "This token was not granted the scope \(scope); ask for it at /lti/token (the tool must be registered with it).")
        }
        return LRSClient(
            tenantID: entry.tenantID, credential: "tool:\(entry.clientID)", toolID: entry.toolID,
            authority: authority(name: entry.name, account: "lti-tool:\(entry.clientID)", baseURL: baseURL))
    }

    /// An Agent naming the credential by an account on this platform.
    static func authority(name: String, account: String, baseURL: String) -> JSON {
        .object(
            JSONObject([
                ("objectType", .string("Agent")), ("name", .string(name)),
                ("account", .object(JSONObject([("homePage", .string(baseURL)), ("name", .string(account))]))),
            ]))
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
