import ArgumentParser
import Foundation
import KakehashiApp

struct ToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools", abstract: "LTI 1.3 tools: register, list, approve, place in a class.",
        subcommands: [Register.self, List.self, Approve.self, Place.self, Deploy.self, RegistrationURL.self])

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a tool from a JSON description and deploy it to a tenant (live at once); prints client_id and deployment_id as JSON.",
            discussion: """
                The JSON: {"client_name", "initiate_login_uri", "redirect_uris": [...], "jwks_uri", "target_link_uri",
                "scope": "space-separated AGS/NRPS scopes", "custom_parameters": {...}, "messages": ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"],
                "privacy": {"sub": "pseudonymous|roster", "name", "kanaName", "email", "sourcedId", "grade", "schoolCode": true|false}}.
                Give the tool: issuer $KAKEHASHI_PUBLIC_URL, authorization endpoint /lti/authorize, token endpoint /lti/token, JWKS /lti/jwks.
                """)

        @Option(help: "Tenant code.") var tenant: String
        @Option(help: "The tool's JSON description.") var file: String
        @Option(help: "Start from a preset (mexcbt); the file gives the URLs and overrides.") var preset: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let registration = try await Commands.registerTool(json: data, preset: preset, tenant: tenant, actor: commandActor, settings: database.settings())
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(registration), as: UTF8.self))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tools, one a line: client_id, status, name, tenant, deployment ids.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            for tool in try await Commands.listTools(settings: database.settings()) {
                print([tool.clientID, tool.status, tool.name, tool.tenant, tool.deploymentIDs.joined(separator: ",")].joined(separator: "\t"))
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a pending (dynamically registered) tool live.")
        @Option(name: .customLong("client-id"), help: "The tool's client_id.") var clientID: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            try await Commands.approveTool(clientID: clientID, actor: commandActor, settings: database.settings())
            print("tool \(clientID) is active")
        }
    }

    struct Place: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a tool to a class (a resource link); prints the resource link id.")
        @Option(help: "Tenant code.") var tenant: String
        @Option(name: .customLong("class"), help: "The class's sourcedId.") var classID: String
        @Option(name: .customLong("client-id"), help: "The tool's client_id.") var clientID: String
        @Option(help: "Title shown in the class (default: the tool's name).") var title = ""
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            print(try await Commands.placeTool(clientID: clientID, tenant: tenant, classSourcedID: classID, title: title, actor: commandActor, settings: database.settings()))
        }
    }
}

extension ToolsCommand {
    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a tool in the launchers of these schools (a deployment each); schools not named are withdrawn.")
        @Option(help: "Tenant code.") var tenant: String
        @Option(name: .customLong("client-id"), help: "The tool's client_id.") var clientID: String
        @Option(name: .customLong("school"), help: "A school's sourcedId (repeat for several; none: withdraw from all).") var schools: [String] = []
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            let deployed = try await Commands.deployTool(clientID: clientID, tenant: tenant, schools: Set(schools), actor: commandActor, settings: database.settings())
            print(deployed.isEmpty ? "in no school's launcher" : "in the launcher of: " + deployed.joined(separator: ", "))
        }
    }
}

extension ToolsCommand {
    struct RegistrationURL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "registration-url",
            abstract: "Print the URL that starts LTI Dynamic Registration of a tool (single-use token, 1 hour); the tool then waits for `tools approve`.")
        @Option(help: "Tenant code.") var tenant: String
        @Option(name: .customLong("tool-url"), help: "The tool's registration URL.") var toolURL: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            print(try await Commands.registrationURL(toolURL: toolURL, tenant: tenant, actor: commandActor, settings: database.settings()))
        }
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "The platform's LTI signing keys.", subcommands: [List.self, Rotate.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys: kid, state (next, current, previous, retired), created.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            let formatter = ISO8601DateFormatter()
            for key in try await Commands.listKeys(settings: database.settings()) {
                print([key.kid, key.state, formatter.string(from: key.created)].joined(separator: "\t"))
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start signing with the published next key; keep the current one published for verification; publish a new next key.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Commands.bootstrapLogging(level: "warning")
            print("signing with \(try await Commands.rotateKeys(actor: commandActor, settings: database.settings()))")
        }
    }
}
