import ArgumentParser
import Foundation
import KakehashiApp

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit log (append-only, hash-chained per tenant).",
        subcommands: [Verify.self, Export.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chains; exit 1 if an entry was changed, inserted or removed.")

        @Option(help: "Only this tenant's chain.") var tenant: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            let (checked, breaks) = try await Commands.verifyAudit(tenant: tenant, settings: database.settings())
            for chainBreak in breaks { print("BROKEN \(chainBreak)") }
            if breaks.isEmpty {
                print("audit log intact: \(checked) entries verified / 監査ログは改ざんされていません(\(checked) 件)")
            } else {
                print("audit log TAMPERED: \(breaks.count) broken chains, \(checked) entries read / 監査ログに改ざんがあります")
                throw ExitCode(1)
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write one tenant's audit log as CSV.")

        @Option(help: "Tenant code.") var tenant: String
        @Option(help: "Output CSV file.") var out: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            let data = try await Commands.exportAudit(tenant: tenant, settings: database.settings())
            try data.write(to: URL(fileURLWithPath: out), options: .atomic)
            print("wrote \(out)")
        }
    }
}
