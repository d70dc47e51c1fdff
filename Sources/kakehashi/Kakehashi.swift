import ArgumentParser
import KakehashiApp
import Foundation

@main
struct Kakehashi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kakehashi",
        abstract: "Kakehashi (架け橋): an open learning e-portal for Japanese schools.",
        subcommands: [ServeCommand.self, MigrateCommand.self, RosterCommand.self, DemoCommand.self, AuditCommand.self, UsersCommand.self, AdminCommand.self, IdentityProviderCommand.self, TenantCommand.self, ToolsCommand.self, KeysCommand.self]
    )
}

/// Options every command that opens the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data folder for the SQLite database (default: $KAKEHASHI_DATA_DIR or ./kakehashi-data).")
    var dataDirectory: String?

    func settings() -> Settings {
        var settings = Settings()
        if let dataDirectory { settings.dataDirectory = URL(fileURLWithPath: dataDirectory, isDirectory: true).standardizedFileURL }
        return settings
    }
}

