import Foundation
import Vapor

extension Commands {
    /// A new stand-alone LRS credential of `tenant`: the key and the secret (shown once; only
    /// its hash is stored). Rate-limited per tenant and audit-logged.
    public static func createLRSCredential(tenant: String, label: String, actor: String, settings: Settings) async throws -> (key: String, secret: String) {
        try await Application.withKakehashi(settings: settings) { app in
            let issued = try await LRSCredentials.create(tenantCode: tenant, label: label, actor: actor, database: app.db)
            return (issued.key, issued.secret)
        }
    }
}
