import ArgumentParser
import Foundation
import KakehashiApp

struct LRSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lrs", abstract: "The Learning Record Store (xAPI): credentials for tools and clients.", subcommands: [Credentials.self])

    struct Credentials: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "LRS credentials (HTTP Basic key and secret).", subcommands: [Create.self])
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and secret for a tenant's LRS; the secret is printed once and only its hash is kept.",
            discussion: "Use them with HTTP Basic on $KAKEHASHI_PUBLIC_URL/xapi/. The credential reads and writes only this tenant's statements and documents.")

        @Option(help: "Tenant code.") var tenant: String
        @Option(help: "What the credential is for (shown as the statements' authority).") var label = "LRS client"
        @Option(help: "text (default) or json ({\"key\":…,\"secret\":…}).") var format: Format = .text
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            let issued = try await Commands.createLRSCredential(tenant: tenant, label: label, actor: commandActor, settings: database.settings())
            switch format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(["key": issued.key, "secret": issued.secret]), as: UTF8.self))
            case .text:
                print("key\t\(issued.key)")
                print("secret\t\(issued.secret)")
                print("(the secret is shown only now / シークレットは今だけ表示されます)")
            }
        }
    }
}
