import Fluent
import Foundation
import OneRoster
import Vapor

/// Imports a OneRoster Japan Profile package into one tenant, all or nothing.
///
/// The package is validated and applied in one streaming pass inside one database transaction:
/// rows are written in batches as they are read, and the transaction commits only when the whole
/// package turned out valid and the shrink guard allows it. An invalid package, a refused
/// shrink or a killed process leaves the previous roster exactly as it was.
///
/// Semantics (CSV binding §2): a bulk file replaces its entity — a stored record absent from it
/// becomes `tobedeleted`; a delta file changes only the records it lists, honouring their
/// `status` and skipping rows older than the stored `dateLastModified`.
public struct RosterImporter: Sendable {
    public struct Options: Sendable {
        public var allowShrink = false
        /// Percentage of active users a bulk import may deactivate without `allowShrink`.
        public var shrinkLimitPercent: Double = 10
        /// Who or what runs the import, for the history.
        public var actor = "cli"
        /// Progress lines (file started, rows written), for the command line.
        public var progress: (@Sendable (String) -> Void)?

        public init() {}
    }

    let database: any Database
    let logger: Logger

    public init(database: any Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Imports `package` into the tenant `tenantCode`, creating the tenant on its first import.
    /// Throws ``RosterImportRejected`` (with the summary) when the package is refused.
    public func importPackage(_ package: RosterPackage, tenantCode: String, options: Options = Options()) async throws -> RosterImportSummary {
        let started = Date()
        guard Tenant.isValidCode(tenantCode) else {
            throw RosterError.invalidTenantCode(tenantCode)
        }
        let sha256 = try package.sha256()
        let packageName = URL(fileURLWithPath: package.path).lastPathComponent
        var summary = RosterImportSummary(tenant: tenantCode, result: .failed, packageSHA256: sha256, profile: "")
        let existingTenant = try await Tenant.query(on: database).filter(\.$code == tenantCode).first()

        do {
            summary = try await database.writeTransaction { tx in
                let tenant: Tenant
                if let existingTenant {
                    tenant = existingTenant
                } else {
                    tenant = Tenant(code: tenantCode, name: tenantCode)
                    try await tenant.create(on: tx)
                }
                let session = try await ImportSession(database: tx, tenant: tenant, options: options, logger: logger)
                var result = try await session.run(package: package)
                result.packageSHA256 = sha256
                result.seconds = Date().timeIntervalSince(started)
                try await Self.history(result, tenant: tenant, packageName: packageName, started: started, actor: options.actor).create(on: tx)
                try await AuditLog(database: tx).append(Self.auditEntry(result, packageName: packageName, actor: options.actor), tenant: tenantCode)
                return result
            }
            logger.info("roster import applied", metadata: ["tenant": .string(tenantCode), "sha256": .string(sha256), "result": .string(summary.result.rawValue)])
            return summary
        } catch var rejected as RosterImportRejected {
            rejected.summary.packageSHA256 = sha256
            rejected.summary.seconds = Date().timeIntervalSince(started)
            // The import changed nothing; only its history row is written.
            try? await Self.history(rejected.summary, tenant: existingTenant, packageName: packageName, started: started, actor: options.actor).create(on: database)
            try? await AuditLog(database: database).append(Self.auditEntry(rejected.summary, packageName: packageName, actor: options.actor), tenant: tenantCode)
            logger.notice("roster import rejected", metadata: ["tenant": .string(tenantCode), "result": .string(rejected.summary.result.rawValue)])
            throw rejected
        }
    }

    /// What importing `package` would do, without doing it: the same import inside a
    /// transaction that is rolled back. The summary carries the validation report, the counts per
    /// entity and the result (`rejected-invalid` and `rejected-shrink` included, not thrown).
    /// Nothing is written, not even the history. The admin page shows it before confirmation.
    public func preview(_ package: RosterPackage, tenantCode: String, options: Options = Options()) async throws -> RosterImportSummary {
        guard Tenant.isValidCode(tenantCode) else { throw RosterError.invalidTenantCode(tenantCode) }
        let sha256 = try package.sha256()
        let existingTenant = try await Tenant.query(on: database).filter(\.$code == tenantCode).first()
        do {
            try await database.writeTransaction { tx in
                let tenant: Tenant
                if let existingTenant {
                    tenant = existingTenant
                } else {
                    tenant = Tenant(code: tenantCode, name: tenantCode)
                    try await tenant.create(on: tx)
                }
                var result = try await ImportSession(database: tx, tenant: tenant, options: options, logger: logger).run(package: package)
                result.packageSHA256 = sha256
                throw PreviewRollback(summary: result)
            }
        } catch let rollback as PreviewRollback {
            return rollback.summary
        } catch var rejected as RosterImportRejected {
            rejected.summary.packageSHA256 = sha256
            return rejected.summary
        }
        throw RosterError(message: "preview did not finish")
    }

    /// Carries a preview's summary out of the transaction it rolls back.
    private struct PreviewRollback: Error {
        var summary: RosterImportSummary
    }

    static func auditEntry(_ summary: RosterImportSummary, packageName: String, actor: String) -> AuditLog.Entry {
        let totals = summary.counts.values.reduce(into: RosterImportSummary.Counts()) { total, counts in
            total.created += counts.created
            total.updated += counts.updated
            total.deactivated += counts.deactivated
        }
        return AuditLog.Entry(
            actor: actor, action: "roster.import", subject: packageName,
            details: [
                "result": summary.result.rawValue, "sha256": summary.packageSHA256, "profile": summary.profile,
                "created": String(totals.created), "updated": String(totals.updated), "deactivated": String(totals.deactivated),
                "errors": String(summary.validation?.errorCount ?? 0),
            ])
    }

    static func history(_ summary: RosterImportSummary, tenant: Tenant?, packageName: String, started: Date, actor: String) throws -> RosterImportRecord {
        let record = RosterImportRecord()
        record.tenantID = tenant?.id
        record.tenantCode = summary.tenant
        record.startedAt = started
        record.finishedAt = Date()
        record.actor = actor
        record.packageName = packageName
        record.packageSHA256 = summary.packageSHA256
        record.profile = summary.profile
        record.result = summary.result.rawValue
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        record.counts = String(decoding: try encoder.encode(summary.counts), as: UTF8.self)
        record.errorCount = summary.validation?.errorCount ?? 0
        record.message = summary.message
        return record
    }
}
