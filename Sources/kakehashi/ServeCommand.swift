import ArgumentParser
import KakehashiApp

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the HTTP server.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on (default: $KAKEHASHI_HOST or 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (default: $KAKEHASHI_PORT or 8080).") var port: Int?
    @Flag(help: "When the database is empty, import a small demo city (tenant 'demo').") var demo = false

    func run() async throws {
        var settings = database.settings()
        if let host { settings.hostname = host }
        if let port { settings.port = port }
        Commands.bootstrapLogging(level: settings.logLevel)
        MallocTuning.apply()
        try await Commands.serve(settings: settings, demo: demo)
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Create or update the database schema, then exit.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        Commands.bootstrapLogging(level: "warning")
        let settings = database.settings()
        try await Commands.migrate(settings: settings)
        print("migrations applied: \(settings.databaseDescription)")
    }
}
