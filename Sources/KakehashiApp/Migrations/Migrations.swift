import Fluent
import Vapor

extension Application {
    /// Every migration, in the order it shipped. Never edit a shipped migration: add a new one.
    static let migrationList: [any Migration] = [
        CreateTenant(),
        CreateRosterTables(),
        CreateRosterImport(),
        CreateAuditEvent(),
        CreateCredentials(),
        CreateAccountIndexes(),
        CreateSessions(),
        CreateRateLimits(),
        CreateSignInFactors(),
        CreateTenantPolicies(),
        CreateLTIPlatform(),
        CreateLTIServices(),
        AddDistributionGrade(),
        CreateLaunchExpiryIndex(),
        CreateAuditChainTriggers(),
        CreateLRS(),
        CreateLearnerRecordIndexes(),
        AddLRSCredentialScopes(),
        CreateStatementRefIndex(),
        CreateFilterStaging(),
        CreateStatementKeys(),
        AddDocumentWriters(),
        HashFilterKeys(),
    ]
}
