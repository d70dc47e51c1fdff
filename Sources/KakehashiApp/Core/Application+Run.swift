import Fluent
import Vapor

extension Application {
    /// Creates a configured application for a command: database connected, migrations applied.
    /// The caller shuts it down (``withKakehashi(settings:arguments:_:)`` does).
    public static func makeKakehashi(settings: Settings, arguments: [String] = ["kakehashi"]) async throws -> Application {
        let environment = Environment(name: ProcessInfo.processInfo.environment["KAKEHASHI_ENV"] ?? "production", arguments: arguments)
        let app = try await Application.make(environment)
        do {
            try await configure(app, settings: settings)
            try await app.autoMigrate()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return app
    }

    /// Runs `body` with a configured application and shuts it down afterwards.
    public static func withKakehashi<T: Sendable>(settings: Settings, _ body: (Application) async throws -> T) async throws -> T {
        let app = try await makeKakehashi(settings: settings)
        do {
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
