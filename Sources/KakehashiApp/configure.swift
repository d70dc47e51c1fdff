import Fluent
import Vapor

/// Sets up the application: database, migrations, middleware and routes.
public func configure(_ app: Application, settings: Settings) async throws {
    try app.useDatabase(settings)
    app.migrations.add(Application.migrationList)
    try await app.prepareDatabase(settings)
    app.storage[SettingsKey.self] = settings
    app.storage[SecretBoxKey.self] = try SecretBox.load(settings)
    app.storage[OIDCProviderCacheKey.self] = OIDCProviderCache()
    app.storage[PlatformKeyringKey.self] = PlatformKeyring()
    app.storage[JWKSCacheKey.self] = LTIServices.makeCache(app)
    app.storage[LTICatalogKey.self] = LTICatalog()
    _ = app.statementIngestQueue
    app.middleware = Middlewares()
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(PageErrorMiddleware(environment: app.environment))
    app.middleware.use(LanguageMiddleware())
    // Cross-origin calls from browser content, on /xapi/ only (LRS/LRSCORS.swift).
    app.middleware.use(LRSCORS.Middleware())
    app.middleware.use(FileMiddleware(publicDirectory: publicDirectory(app)))
    try routes(app)
}

/// The folder of the style sheet and the one script: `KAKEHASHI_PUBLIC_DIR`, else `Public/` in the
/// working directory, else beside the binary or in the checkout it was built in (so
/// `.build/debug/kakehashi serve` works from any directory).
func publicDirectory(_ app: Application) -> String {
    let manager = FileManager.default
    var candidates: [String] = []
    if let configured = ProcessInfo.processInfo.environment["KAKEHASHI_PUBLIC_DIR"], !configured.isEmpty { candidates.append(configured) }
    candidates.append(app.directory.publicDirectory)
    let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
    for up in 0...3 {
        var folder = executable
        for _ in 0..<up { folder = folder.deletingLastPathComponent() }
        candidates.append(folder.appendingPathComponent("Public").path + "/")
    }
    let found = candidates.first { manager.fileExists(atPath: ($0.hasSuffix("/") ? $0 : $0 + "/") + "styles.css") } ?? app.directory.publicDirectory
    return found.hasSuffix("/") ? found : found + "/"
}

struct SettingsKey: StorageKey {
    typealias Value = Settings
}

extension Application {
    /// The settings the application was configured with.
    public var settings: Settings { storage[SettingsKey.self] ?? Settings() }
}

/// Set by `serve --demo`: the sign-in page then shows the demo accounts.
struct DemoModeKey: StorageKey {
    typealias Value = Bool
}
