import ArgumentParser
import Foundation
import KakehashiApp
import OneRoster

struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Validate, import and export OneRoster 1.2 Japan Profile CSV packages.",
        subcommands: [Validate.self, Import.self, Export.self, History.self])

    enum OutputFormat: String, ExpressibleByArgument {
        case text
        case json
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a package (zip or folder) against the CSV binding and the Japan Profile.",
            discussion: "Exit status: 0 valid (warnings allowed), 1 invalid, 2 unreadable input.")

        @Argument(help: "A .zip package or a folder of CSV files.") var package: String
        @Option(help: "text (default) or json.") var format: OutputFormat = .text
        @Option(name: .customLong("max-problems"), help: "How many problems to list (the rest are counted).") var maxProblems = 1000

        func run() async throws {
            let opened: RosterPackage
            do {
                opened = try RosterPackage(url: URL(fileURLWithPath: package))
            } catch {
                FileHandle.standardError.write(Data("kakehashi: \(error)\n".utf8))
                throw ExitCode(2)
            }
            let report = try await RosterValidator.validate(opened, options: ValidationOptions(maxDiagnostics: maxProblems))
            switch format {
            case .json: print(try ReportPrinter.json(report))
            case .text: print(ReportPrinter.text(report))
            }
            if !report.isValid { throw ExitCode(1) }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a package into a tenant, all or nothing (bulk and delta).",
            discussion: "Exit status: 0 applied or unchanged, 1 refused (invalid, or a shrink beyond the limit), 2 unreadable input.")

        @Argument(help: "A .zip package or a folder of CSV files.") var package: String
        @Option(help: "Tenant code (a short slug such as yokohama); created on its first import.") var tenant: String
        @Flag(name: .customLong("allow-shrink"), help: "Apply a bulk import even if it deactivates more users than the shrink limit.") var allowShrink = false
        @Option(name: .customLong("shrink-limit"), help: "Percent of active users a bulk import may deactivate (default: $KAKEHASHI_SHRINK_LIMIT or 10).") var shrinkLimit: Double?
        @Option(help: "text (default) or json.") var format: OutputFormat = .text
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            let opened: RosterPackage
            do {
                opened = try RosterPackage(url: URL(fileURLWithPath: package))
            } catch {
                FileHandle.standardError.write(Data("kakehashi: \(error)\n".utf8))
                throw ExitCode(2)
            }
            let settings = database.settings()
            var options = RosterImporter.Options()
            options.allowShrink = allowShrink
            options.shrinkLimitPercent = shrinkLimit ?? settings.shrinkLimitPercent
            options.actor = commandActor
            options.progress = { line in FileHandle.standardError.write(Data("\(line)\n".utf8)) }
            let outcome = try await Commands.importRoster(opened, tenant: tenant, options: options, settings: settings)
            switch outcome {
            case .success(let summary):
                print(format == .json ? try ReportPrinter.json(summary) : ReportPrinter.text(summary))
            case .failure(let rejected):
                print(format == .json ? try ReportPrinter.json(rejected.summary) : ReportPrinter.text(rejected.summary))
                throw ExitCode(1)
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a tenant's current roster as a Japan Profile bulk package.")

        @Option(help: "Tenant code.") var tenant: String
        @Option(help: "Output .zip file (or a folder when it does not end in .zip).") var out: String
        @Option(help: "Profile: 1.2_JP (1EdTech Japan K-12/Schools, default), 1.2.1 or 1.2.") var profile = "1.2_JP"
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            guard let profile = Profile(rawValue: profile) else {
                throw ValidationError("unknown profile \(profile); use 1.2_JP, 1.2.1 or 1.2")
            }
            let (builder, summary) = try await Commands.exportRoster(tenant: tenant, profile: profile, settings: database.settings())
            let url = URL(fileURLWithPath: out)
            if out.lowercased().hasSuffix(".zip") { try builder.writeZip(to: url) } else { try builder.writeFolder(to: url) }
            let counts = RosterFile.allCases.compactMap { file in summary.rows[file.rawValue].map { "\(file.rawValue) \($0)" } }
            print("wrote \(out) (\(profile.displayName)): " + counts.joined(separator: ", "))
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the import history, newest first.")

        @Option(help: "Tenant code (all tenants when left out).") var tenant: String?
        @Option(help: "How many imports to list.") var limit = 20
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            let lines = try await Commands.importHistory(tenant: tenant, limit: limit, settings: database.settings())
            print(lines.isEmpty ? "no imports yet" : lines.joined(separator: "\n"))
        }
    }
}
