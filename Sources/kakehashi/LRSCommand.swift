import ArgumentParser
import Foundation
import KakehashiApp

struct LRSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lrs", abstract: "The Learning Record Store (xAPI): credentials for tools and clients, learner export and erasure.",
        subcommands: [Credentials.self, Learner.self])

    struct Credentials: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "LRS credentials (HTTP Basic key and secret).", subcommands: [Create.self])
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and secret for a tenant's LRS; the secret is printed once and only its hash is kept.",
            discussion: """
                Use them with HTTP Basic on $KAKEHASHI_PUBLIC_URL/xapi/. The credential reads and writes only this tenant's statements and \
                documents, and only what its scopes allow (xAPI 1.0.3 Communication 4.2): statements/write, statements/read, \
                statements/read/mine (only the statements it wrote), all/read, all (the default), state, profile, define.
                """)

        @Option(help: "Tenant code.") var tenant: String
        @Option(help: "What the credential is for (shown as the statements' authority).") var label = "LRS client"
        @Option(name: .customLong("scope"), help: "An xAPI scope the credential gets (repeat for several; default all).") var scopes: [String] = []
        @Option(help: "text (default) or json ({\"key\":…,\"secret\":…}).") var format: Format = .text
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            let issued = try await Commands.createLRSCredential(
                tenant: tenant, label: label, scopes: scopes, actor: commandActor, settings: database.settings())
            switch format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(["key": issued.key, "secret": issued.secret]), as: UTF8.self))
            case .text:
                print("key\t\(issued.key)")
                print("secret\t\(issued.secret)")
                print("scopes\t\(issued.scopes)")
                print("(the secret is shown only now / シークレットは今だけ表示されます)")
            }
        }
    }

    struct Learner: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Learner rights: export or erase all learning records of one person (statements, documents, attachments, gradebook results).",
            subcommands: [Export.self, Erase.self])

        static func printCounts(_ report: Commands.LearnerRecordsReport) {
            for name in ["statements", "documents", "attachments", "attachmentsKept", "agsResults", "agentNames"] {
                if let count = report.counts[name] { print("\(name)\t\(count)") }
            }
        }

        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write all learning records of one person to a JSON file (audit-logged as learner.export).")

            @Option(help: "Tenant code.") var tenant: String
            @Option(help: "The person's roster sourcedId.") var user: String
            @Option(help: "Output JSON file.") var out: String
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                Commands.bootstrapLogging(level: "warning")
                let report = try await Commands.exportLearnerRecords(
                    tenant: tenant, user: user, out: URL(fileURLWithPath: out), actor: commandActor, settings: database.settings())
                Learner.printCounts(report)
                print("wrote \(out)")
            }
        }

        struct Erase: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Erase all learning records of one person in one transaction (audit-logged as learner.erase; the audit log is kept).",
                discussion: "Statements of other people that only mention the person (as instructor, team or group member) are not erased.")

            @Option(help: "Tenant code.") var tenant: String
            @Option(help: "The person's roster sourcedId.") var user: String
            @Option(help: "The person's username, typed again to confirm.") var confirm: String
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                Commands.bootstrapLogging(level: "warning")
                let report = try await Commands.eraseLearnerRecords(
                    tenant: tenant, user: user, confirm: confirm, actor: commandActor, settings: database.settings())
                Learner.printCounts(report)
                print("erased the learning records of \(report.username) / 学習記録を消去しました")
            }
        }
    }
}
