import Fluent
import Foundation
import LTI

/// Registers tenants' identity providers and finds the roster user an ID token names.
public struct IdentityProviders: Sendable {
    let database: any Database
    let box: SecretBox

    /// A registered provider as the command line lists it (never the secret).
    public struct Summary: Sendable {
        public var tenant: String
        public var issuer: String
        public var clientID: String
        public var match: String
        public var claim: String
        public var name: String
    }

    /// Registers (or replaces) the provider of a tenant.
    func register(tenantCode: String, issuer: String, clientID: String, clientSecret: String, match: String, claim: String?, name: String?, actor: String) async throws {
        guard let tenant = try await Tenant.query(on: database).filter(\.$code == tenantCode).first(), let tenantID = tenant.id else {
            throw RosterError.unknownTenant(tenantCode)
        }
        guard let mapping = ClaimMapping(match) else {
            throw RosterError(message: "--match must be email, username or userIds:TYPE / --match は email、username、userIds:種類 のどれかです")
        }
        let issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        guard OIDCClient.isAllowedURL(issuer) else {
            throw RosterError(message: "the issuer must be an https URL (http only for this machine) / 発行者は https のURLにしてください")
        }
        guard !clientID.isEmpty, !clientSecret.isEmpty else { throw RosterError(message: "client id and secret are required / クライアントIDとシークレットが必要です") }
        let sealed = try box.seal(Data(clientSecret.utf8))
        try await database.writeTransaction { tx in
            let provider = try await IdentityProvider.query(on: tx).filter(\.$tenantID == tenantID).first() ?? IdentityProvider()
            provider.tenantID = tenantID
            provider.issuer = issuer
            provider.clientID = clientID
            provider.clientSecretSealed = sealed
            provider.matchRule = mapping.description
            provider.claim = claim ?? mapping.defaultClaim
            provider.displayName = name ?? Self.defaultName(issuer)
            provider.createdAt = Date()
            try await provider.save(on: tx)
            try await AuditLog(database: tx).append(
                .init(actor: actor, action: "idp.register", subject: "tenant:\(tenantCode)",
                      details: ["issuer": issuer, "clientId": clientID, "match": mapping.description, "claim": provider.claim]),
                tenant: tenantCode)
        }
    }

    func remove(tenantCode: String, actor: String) async throws {
        guard let tenant = try await Tenant.query(on: database).filter(\.$code == tenantCode).first(), let tenantID = tenant.id else {
            throw RosterError.unknownTenant(tenantCode)
        }
        try await database.writeTransaction { tx in
            try await IdentityProvider.query(on: tx).filter(\.$tenantID == tenantID).delete()
            try await AuditLog(database: tx).append(.init(actor: actor, action: "idp.remove", subject: "tenant:\(tenantCode)"), tenant: tenantCode)
        }
    }

    func list() async throws -> [Summary] {
        let tenants = Dictionary(try await Tenant.query(on: database).all().compactMap { tenant in tenant.id.map { ($0, tenant.code) } }, uniquingKeysWith: { a, _ in a })
        return try await IdentityProvider.query(on: database).all().map {
            Summary(tenant: tenants[$0.tenantID] ?? "?", issuer: $0.issuer, clientID: $0.clientID, match: $0.matchRule, claim: $0.claim, name: $0.displayName)
        }.sorted { $0.tenant < $1.tenant }
    }

    static func defaultName(_ issuer: String) -> String {
        if issuer.contains("accounts.google.com") { return "Google" }
        if issuer.contains("login.microsoftonline.com") { return "Microsoft" }
        return URL(string: issuer)?.host ?? issuer
    }

    // MARK: - Mapping

    /// The username of the roster user the identity names under the provider's rule, or nil.
    func username(for identity: OIDCClient.Identity, provider: IdentityProvider) async throws -> String? {
        guard let mapping = ClaimMapping(provider.matchRule) else { return nil }
        let value: String?
        if provider.claim == "sub" { value = identity.claims.sub } else { value = identity.raw[provider.claim]?.string }
        guard let value, !value.isEmpty else { return nil }
        let sql = BulkSQL(database)
        let active = "\"tenant_id\" = ? AND \"status\" = 'active'"
        let rows: [[String?]]
        switch mapping {
        case .email:
            // An address the provider says it has not verified proves nothing.
            if case .bool(false) = identity.raw["email_verified"] { return nil }
            rows = try await sql.run(
                "SELECT \"username\" FROM \"roster_users\" WHERE \(active) AND LOWER(\"email\") = ?",
                [.uuid(provider.tenantID), .text(value.lowercased())], columns: ["username"])
        case .username:
            rows = try await sql.run(
                "SELECT \"username\" FROM \"roster_users\" WHERE \(active) AND \"username\" = ?", [.uuid(provider.tenantID), .text(value)],
                columns: ["username"])
        case .userId(let type):
            // userIds is a list of {type:identifier}; LIKE narrows, the exact parse decides.
            let candidates = try await sql.run(
                "SELECT \"username\", \"user_ids\" FROM \"roster_users\" WHERE \(active) AND \"user_ids\" LIKE ? ESCAPE '!'",
                [.uuid(provider.tenantID), .text(BulkSQL.containsPattern(value))],
                columns: ["username", "user_ids"])
            rows = candidates.filter { row in Self.userIds(row[1] ?? "").contains { $0.type == type && $0.identifier == value } }
        }
        guard rows.count == 1 else { return nil }  // none, or ambiguous: refuse rather than guess
        return rows[0][0] ?? nil
    }

    /// Parses a `userIds` cell: `{type:id},{type:id}`.
    static func userIds(_ cell: String) -> [(type: String, identifier: String)] {
        cell.split(separator: ",").compactMap { part in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}"), let colon = trimmed.firstIndex(of: ":") else { return nil }
            let type = trimmed[trimmed.index(after: trimmed.startIndex)..<colon]
            let identifier = trimmed[trimmed.index(after: colon)..<trimmed.index(before: trimmed.endIndex)]
            return (String(type), String(identifier))
        }
    }
}
