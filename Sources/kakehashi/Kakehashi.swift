import ArgumentParser
import Foundation
import KakehashiApp
import NIOCore
import NIOPosix

@main
enum Entrypoint {
    static func main() async {
        // Swift concurrency runs its jobs on NIO's event loops instead of a pool of its own: a
        // request's awaits on the database resume on the loop without a hop to another thread
        // (the launch storm spent a quarter of its time switching threads before).
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await Kakehashi.main()
    }
}

struct Kakehashi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kakehashi",
        abstract: "Kakehashi (架け橋): an open learning e-portal for Japanese schools.",
        subcommands: [ServeCommand.self, MigrateCommand.self, RosterCommand.self, DemoCommand.self, AuditCommand.self, UsersCommand.self, AdminCommand.self, IdentityProviderCommand.self, TenantCommand.self, ToolsCommand.self, KeysCommand.self, LRSCommand.self]
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

