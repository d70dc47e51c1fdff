import ArgumentParser
import Foundation
import KakehashiApp

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "A tenant's sign-in policy.", subcommands: [Policy.self])

    enum Switch: String, ExpressibleByArgument, CaseIterable {
        case on, off
        var value: Bool { self == .on }
    }

    struct Policy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or change whether a tenant accepts local passwords and lets guardians sign in.")

        @Option(help: "Tenant code.") var tenant: String
        @Option(name: .customLong("password-sign-in"), help: "on (default) or off: off when everyone signs in with the identity provider.") var passwordSignIn: Switch?
        @Option(name: .customLong("guardian-sign-in"), help: "on or off (default): guardians (保護者) in the roster may sign in to see their children.") var guardianSignIn: Switch?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            let policy = try await Commands.tenantPolicy(
                tenant: tenant, passwordSignIn: passwordSignIn?.value, guardianSignIn: guardianSignIn?.value, actor: commandActor, settings: database.settings())
            print("password-sign-in\t\(policy.passwordSignIn ? "on" : "off")")
            print("guardian-sign-in\t\(policy.guardianSignIn ? "on" : "off")")
        }
    }
}
