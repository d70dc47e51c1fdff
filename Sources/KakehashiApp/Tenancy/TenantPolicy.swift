import Fluent
import Foundation

/// How a tenant's people sign in: whether local passwords are accepted (a board whose everyone
/// signs in with its identity provider turns them off) and whether guardians (保護者) in the
/// roster may sign in to see their own children. Without a row: passwords on, guardians off.
final class TenantPolicy: Model, @unchecked Sendable {
    static let schema = "tenant_policies"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "password_sign_in") var passwordSignIn: Bool
    @Field(key: "guardian_sign_in") var guardianSignIn: Bool
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    /// The tenant's policy, or the defaults.
    static func of(_ tenantID: UUID, on database: any Database) async throws -> TenantPolicy {
        if let stored = try await TenantPolicy.query(on: database).filter(\.$tenantID == tenantID).first() { return stored }
        let defaults = TenantPolicy()
        defaults.tenantID = tenantID
        defaults.passwordSignIn = true
        defaults.guardianSignIn = false
        defaults.updatedAt = Date(timeIntervalSince1970: 0)
        return defaults
    }

    /// Changes the given settings and records who did it.
    static func update(tenantCode: String, passwordSignIn: Bool?, guardianSignIn: Bool?, actor: String, on database: any Database) async throws -> TenantPolicy {
        guard let tenant = try await Tenant.query(on: database).filter(\.$code == tenantCode).first(), let tenantID = tenant.id else {
            throw RosterError.unknownTenant(tenantCode)
        }
        return try await database.writeTransaction { tx in
            let policy = try await TenantPolicy.of(tenantID, on: tx)
            if let passwordSignIn { policy.passwordSignIn = passwordSignIn }
            if let guardianSignIn { policy.guardianSignIn = guardianSignIn }
            policy.updatedAt = Date()
            try await policy.save(on: tx)
            try await AuditLog(database: tx).append(
                .init(actor: actor, action: "tenant.policy", subject: "tenant:\(tenantCode)",
                      details: ["passwordSignIn": String(policy.passwordSignIn), "guardianSignIn": String(policy.guardianSignIn)]),
                tenant: tenantCode)
            return policy
        }
    }
}
