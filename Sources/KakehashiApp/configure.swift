import Fluent
import Vapor

/// Sets up the application: database, migrations, middleware and routes.
public func configure(_ app: Application, settings: Settings) async throws {
    try app.useDatabase(settings)
    app.migrations.add(Application.migrationList)
    try await app.prepareDatabase()
    app.storage[SettingsKey.self] = settings
    app.storage[SecretBoxKey.self] = try SecretBox.load(settings)
    app.storage[OIDCProviderCacheKey.self] = OIDCProviderCache()
    app.storage[PlatformKeyringKey.self] = PlatformKeyring()
    app.storage[JWKSCacheKey.self] = LTIServices.makeCache(app)
    app.middleware = Middlewares()
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(PageErrorMiddleware(environment: app.environment))
    app.middleware.use(LanguageMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))
    try routes(app)
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
