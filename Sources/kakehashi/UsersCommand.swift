import ArgumentParser
import Foundation
import KakehashiApp

/// A password read from standard input (one line), so it never appears in the process list or
/// the shell history.
struct PasswordInput: ParsableArguments {
    @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input (required).") var passwordStdin = false

    func validate() throws {
        guard passwordStdin else { throw ValidationError("pass the password on standard input with --password-stdin") }
    }

    func read() throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationError("no password on standard input")
        }
        return line
    }
}

var commandActor: String { "cli:\(NSUserName())@\(ProcessInfo.processInfo.hostName)" }

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Accounts from the roster.", subcommands: [List.self, SetPassword.self, ImportPasswords.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's active users, one a line, username first.")

        @Option(help: "Tenant code.") var tenant: String
        @Option(help: "Only this role (student, teacher, principal, …).") var role: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            for account in try await Commands.listUsers(tenant: tenant, role: role, settings: database.settings()) {
                print([account.username, account.role, account.familyName + " " + account.givenName, account.sourcedId].joined(separator: "\t"))
            }
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password", abstract: "Set or reset a user's local password (read from standard input).")

        @Option(help: "Tenant code.") var tenant: String
        @Option(help: "The user's roster username.") var username: String
        @OptionGroup var password: PasswordInput
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            let password = try self.password.read()
            try await Commands.setPassword(tenant: tenant, username: username, password: password, actor: commandActor, settings: database.settings())
            print("password set for \(username) in \(tenant)")
        }
    }
}

extension UsersCommand {
    struct ImportPasswords: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-passwords",
            abstract: "Set many users' passwords from CSV lines `username,password` on standard input (all or none).")

        @Option(help: "Tenant code.") var tenant: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            var entries: [Accounts.PasswordEntry] = []
            var number = 0
            while let line = readLine(strippingNewline: true) {
                number += 1
                if line.isEmpty { continue }
                guard let comma = line.firstIndex(of: ",") else {
                    throw ValidationError("line \(number): expected username,password / \(number)行目: 「ユーザー名,パスワード」の形にしてください")
                }
                entries.append(.init(line: number, username: String(line[..<comma]), password: String(line[line.index(after: comma)...])))
            }
            let count = try await Commands.setPasswords(tenant: tenant, entries: entries, actor: commandActor, settings: database.settings())
            print("passwords set for \(count) users in \(tenant)")
        }
    }
}

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "admin", abstract: "Operators.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an operator (all tenants); the password comes from standard input.")

        @Option(help: "Operator name.") var username: String
        @OptionGroup var password: PasswordInput
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            let password = try self.password.read()
            try await Commands.createOperator(username: username, password: password, actor: commandActor, settings: database.settings())
            print("operator \(username) created")
        }
    }
}
