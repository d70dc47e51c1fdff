import ArgumentParser
import Foundation
import KakehashiApp

struct IdentityProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idp", abstract: "OpenID Connect identity providers (Google Workspace, Microsoft Entra ID, …), one per tenant.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register (or replace) a tenant's identity provider; the client secret comes from standard input.",
            discussion: """
                Register the redirect URI $KAKEHASHI_PUBLIC_URL/signin/oidc/callback at the provider.
                --match email: the claim `email` is the roster email (refused when email_verified is false).
                --match username: the claim `preferred_username` is the roster username.
                --match userIds:TYPE: the claim `sub` is the identifier of the roster userIds entry {TYPE:identifier}.
                """)

        @Option(help: "Tenant code.") var tenant: String
        @Option(help: "Issuer URL, exactly as the provider's discovery document names it (https://accounts.google.com, https://login.microsoftonline.com/TENANT/v2.0).")
        var issuer: String
        @Option(name: .customLong("client-id"), help: "Client ID registered at the provider.") var clientID: String
        @Flag(name: .customLong("client-secret-stdin"), help: "Read the client secret from standard input (required).") var secretFromStdin = false
        @Option(help: "How a person is found in the roster: email, username or userIds:TYPE.") var match: String
        @Option(help: "The ID token claim to read (default: email, preferred_username or sub, by --match).") var claim: String?
        @Option(help: "Name on the sign-in button (default: from the issuer).") var name: String?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard secretFromStdin else { throw ValidationError("pass the client secret on standard input with --client-secret-stdin") }
        }

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            guard let secret = readLine(strippingNewline: true), !secret.isEmpty else { throw ValidationError("no client secret on standard input") }
            try await Commands.registerIdentityProvider(
                tenant: tenant, issuer: issuer, clientID: clientID, clientSecret: secret, match: match, claim: claim, name: name, actor: commandActor,
                settings: database.settings())
            print("identity provider \(issuer) registered for \(tenant)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List identity providers, one a line: tenant, issuer, client id, match, claim, name.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            for provider in try await Commands.listIdentityProviders(settings: database.settings()) {
                print([provider.tenant, provider.issuer, provider.clientID, provider.match, provider.claim, provider.name].joined(separator: "\t"))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a tenant's identity provider (password sign-in stays).")
        @Option(help: "Tenant code.") var tenant: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            try await Commands.removeIdentityProvider(tenant: tenant, actor: commandActor, settings: database.settings())
            print("identity provider removed for \(tenant)")
        }
    }
}
