import Fluent
import Foundation
import LTI
import Logging
import OneRoster
import Vapor

/// What the command line runs, so the `kakehashi` target needs neither Vapor nor Fluent (whose
/// console types would clash with swift-argument-parser's).
public enum Commands {
    /// Logging to standard error at `level` (a swift-log level name): text lines, or one JSON
    /// object per line when `KAKEHASHI_LOG_FORMAT=json`.
    public static func bootstrapLogging(level: String, format: String? = ProcessInfo.processInfo.environment["KAKEHASHI_LOG_FORMAT"]) {
        let level = Logger.Level(rawValue: level) ?? .info
        if format == "json" {
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
            return
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// Runs the HTTP server until SIGINT or SIGTERM, then shuts down gracefully.
    public static func serve(settings: Settings, demo: Bool) async throws {
        let app = try await Application.makeKakehashi(
            settings: settings,
            arguments: ["kakehashi", "serve", "--hostname", settings.hostname, "--port", String(settings.port)])
        do {
            try await app.secretBox.checkOpens(app.db)
            if demo {
                app.storage[DemoModeKey.self] = true
                if let summary = try await DemoSeeder.seedIfEmpty(app) {
                    app.logger.notice("demo city imported", metadata: [
                        "tenant": .string(summary.tenant),
                        "users": .string(String(summary.counts["users"]?.created ?? 0)),
                    ])
                }
                if let credentials = try await DemoSeeder.credentials(app.db) {
                    // Demo accounts only: these passwords are public on purpose.
                    app.logger.notice("demo sign-in", metadata: [
                        "student": .string("\(credentials.student) / \(DemoSeeder.studentPassword)"),
                        "teacher": .string("\(credentials.teacher) / \(DemoSeeder.teacherPassword)"),
                        "board": .string("\(credentials.admin) / \(DemoSeeder.adminPassword)"),
                    ])
                }
            }
            // Said once the socket is bound (scripts and tests wait for this line), not before:
            // booting (the background checkpointer opens its connection) comes first.
            let announcement = Task { [logger = app.logger, server = app.http.server.shared] in
                while server.localAddress == nil {
                    guard (try? await Task.sleep(for: .milliseconds(10))) != nil else { return }
                }
                logger.notice("Kakehashi listening", metadata: [
                    "url": .string("http://\(settings.hostname):\(settings.port)/"),
                    "database": .string(settings.databaseDescription),
                ])
            }
            defer { announcement.cancel() }
            try await app.execute()
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    public static func migrate(settings: Settings) async throws {
        try await Application.withKakehashi(settings: settings) { _ in }
    }

    /// Imports a package; a refusal comes back as `.failure` with its summary.
    public static func importRoster(_ package: RosterPackage, tenant: String, options: RosterImporter.Options, settings: Settings) async throws
        -> Result<RosterImportSummary, RosterImportRejected>
    {
        try await Application.withKakehashi(settings: settings) { app in
            do {
                return .success(try await RosterImporter(database: app.db, logger: app.logger).importPackage(package, tenantCode: tenant, options: options))
            } catch let rejected as RosterImportRejected {
                return .failure(rejected)
            }
        }
    }

    public static func exportRoster(tenant: String, profile: Profile, settings: Settings) async throws -> (PackageBuilder, RosterExporter.Summary) {
        try await Application.withKakehashi(settings: settings) { app in
            try await RosterExporter(database: app.db).export(tenantCode: tenant, profile: profile)
        }
    }

    public static func importHistory(tenant: String?, limit: Int, settings: Settings) async throws -> [String] {
        try await Application.withKakehashi(settings: settings) { app in
            try await RosterHistory(database: app.db).lines(tenantCode: tenant, limit: limit)
        }
    }

    /// Checks the audit log's hash chains; returns the number of entries checked and the breaks.
    public static func verifyAudit(tenant: String?, settings: Settings) async throws -> (checked: Int, breaks: [AuditLog.Break]) {
        try await Application.withKakehashi(settings: settings) { app in
            try await AuditLog(database: app.db).verify(tenant: tenant)
        }
    }

    /// One tenant's audit log as CSV (oldest first), with the chain's hashes so a reader can check it.
    public static func exportAudit(tenant: String, settings: Settings) async throws -> Data {
        let events = try await Application.withKakehashi(settings: settings) { app in
            try await AuditLog(database: app.db).events(tenant: tenant).map {
                [String($0.position), $0.occurredAt, $0.actor, $0.action, $0.subject, $0.details, $0.source, $0.previousHash, $0.hash]
            }
        }
        var csv = CSVWriter()
        csv.append(row: ["position", "occurredAt", "actor", "action", "subject", "details", "source", "previousHash", "hash"])
        for row in events { csv.append(row: row) }
        return csv.data
    }

    public static func listUsers(tenant: String, role: String?, settings: Settings) async throws -> [Accounts.Account] {
        try await Application.withKakehashi(settings: settings) { app in
            try await Accounts(database: app.db).list(tenantCode: tenant, role: role)
        }
    }

    public static func setPassword(tenant: String, username: String, password: String, actor: String, settings: Settings) async throws {
        try await Application.withKakehashi(settings: settings) { app in
            try await Accounts(database: app.db).setPassword(tenantCode: tenant, username: username, password: password, actor: actor)
        }
    }

    public static func setPasswords(tenant: String, entries: [Accounts.PasswordEntry], actor: String, settings: Settings) async throws -> Int {
        try await Application.withKakehashi(settings: settings) { app in
            try await Accounts(database: app.db).setPasswords(tenantCode: tenant, entries: entries, actor: actor)
        }
    }

    public static func createOperator(username: String, password: String, actor: String, settings: Settings) async throws {
        try await Application.withKakehashi(settings: settings) { app in
            try await Accounts(database: app.db).createOperator(username: username, password: password, actor: actor)
        }
    }
}

// MARK: - Identity providers

extension Commands {
    public static func registerIdentityProvider(
        tenant: String, issuer: String, clientID: String, clientSecret: String, match: String, claim: String?, name: String?, actor: String,
        settings: Settings
    ) async throws {
        try await Application.withKakehashi(settings: settings) { app in
            try await IdentityProviders(database: app.db, box: app.secretBox).register(
                tenantCode: tenant, issuer: issuer, clientID: clientID, clientSecret: clientSecret, match: match, claim: claim, name: name, actor: actor)
        }
    }

    public static func removeIdentityProvider(tenant: String, actor: String, settings: Settings) async throws {
        try await Application.withKakehashi(settings: settings) { app in
            try await IdentityProviders(database: app.db, box: app.secretBox).remove(tenantCode: tenant, actor: actor)
        }
    }

    public static func listIdentityProviders(settings: Settings) async throws -> [IdentityProviders.Summary] {
        try await Application.withKakehashi(settings: settings) { app in
            try await IdentityProviders(database: app.db, box: app.secretBox).list()
        }
    }
}

// MARK: - Tenant policies

extension Commands {
    /// Changes (when given) and returns a tenant's sign-in policy: password sign-in, guardian sign-in.
    public static func tenantPolicy(tenant: String, passwordSignIn: Bool?, guardianSignIn: Bool?, actor: String, settings: Settings) async throws -> (passwordSignIn: Bool, guardianSignIn: Bool) {
        try await Application.withKakehashi(settings: settings) { app in
            let policy: TenantPolicy
            if passwordSignIn == nil && guardianSignIn == nil {
                guard let found = try await Tenant.query(on: app.db).filter(\.$code == tenant).first(), let id = found.id else { throw RosterError.unknownTenant(tenant) }
                policy = try await TenantPolicy.of(id, on: app.db)
            } else {
                policy = try await TenantPolicy.update(tenantCode: tenant, passwordSignIn: passwordSignIn, guardianSignIn: guardianSignIn, actor: actor, on: app.db)
            }
            return (policy.passwordSignIn, policy.guardianSignIn)
        }
    }
}

// MARK: - LTI tools and platform keys

extension Commands {
    /// Registers a tool from its JSON description, active and deployed to the tenant.
    public static func registerTool(json: Data, preset: String? = nil, tenant: String, actor: String, settings: Settings) async throws -> ToolRegistry.Registration {
        let description: ToolRegistry.Description
        do {
            var data = json
            if let preset {
                guard let values = ToolRegistry.presets[preset] else {
                    throw RosterError(message: "no preset \(preset) (known: \(ToolRegistry.presets.keys.sorted().joined(separator: ", "))) / プリセット \(preset) はありません")
                }
                // The file's values win over the preset's.
                var merged = values
                for (key, value) in try JSONDecoder().decode([String: LTIJSON].self, from: json) { merged[key] = value }
                data = try JSONEncoder().encode(merged)
            }
            description = try JSONDecoder().decode(ToolRegistry.Description.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw RosterError(message: "$.\((context.codingPath + [key]).map(\.stringValue).joined(separator: ".")): required / 必須です")
        } catch let DecodingError.typeMismatch(_, context) {
            throw RosterError(message: "$.\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
        } catch {
            throw RosterError(message: "not a tool description (JSON): \(error) / ツールの記述(JSON)として読めません")
        }
        return try await Application.withKakehashi(settings: settings) { app in
            try await ToolRegistry(database: app.db).register(description, tenantCode: tenant, status: .active, source: "cli", actor: actor)
        }
    }

    public static func listTools(settings: Settings) async throws -> [ToolRegistry.Summary] {
        try await Application.withKakehashi(settings: settings) { app in try await ToolRegistry(database: app.db).list() }
    }

    public static func approveTool(clientID: String, actor: String, settings: Settings) async throws {
        try await Application.withKakehashi(settings: settings) { app in try await ToolRegistry(database: app.db).approve(clientID: clientID, actor: actor) }
    }

    /// Places a tool in a class; returns the resource link id.
    public static func placeTool(clientID: String, tenant: String, classSourcedID: String, title: String, actor: String, settings: Settings) async throws -> String {
        try await Application.withKakehashi(settings: settings) { app in
            try await ToolRegistry(database: app.db).place(clientID: clientID, tenantCode: tenant, classSourcedID: classSourcedID, title: title, actor: actor).linkID
        }
    }

    /// Shows a tool in the launchers of exactly these schools (a deployment each; the others are
    /// withdrawn); returns the schools it is deployed to.
    public static func deployTool(clientID: String, tenant: String, schools: Set<String>, actor: String, settings: Settings) async throws -> [String] {
        try await Application.withKakehashi(settings: settings) { app in
            try await ToolRegistry(database: app.db).deploy(clientID: clientID, tenantCode: tenant, schools: schools, actor: actor)
        }
    }

    /// Rotates the platform's signing key; returns the kid that now signs.
    public static func rotateKeys(actor: String, settings: Settings) async throws -> String {
        try await Application.withKakehashi(settings: settings) { app in
            try await PlatformKeys(database: app.db, box: app.secretBox).rotate(actor: actor)
        }
    }

    /// The platform's keys: kid, state, created.
    public static func listKeys(settings: Settings) async throws -> [(kid: String, state: String, created: Date)] {
        try await Application.withKakehashi(settings: settings) { app in
            try await PlatformKeys(database: app.db, box: app.secretBox).ensure()
            return try await PlatformKey.query(on: app.db).sort(\.$createdAt).all().map { ($0.kid, $0.state, $0.createdAt) }
        }
    }
}

extension Commands {
    /// A Dynamic Registration URL for a tool, with a fresh single-use token.
    public static func registrationURL(toolURL: String, tenant: String, actor: String, settings: Settings) async throws -> String {
        try await Application.withKakehashi(settings: settings) { app in
            guard let found = try await Tenant.query(on: app.db).filter(\.$code == tenant).first() else { throw RosterError.unknownTenant(tenant) }
            return try await DynamicRegistrationController.registrationURL(toolURL: toolURL, tenant: found, actor: actor, baseURL: settings.baseURL, database: app.db)
        }
    }
}
