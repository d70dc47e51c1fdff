import Fluent
import Foundation
import XAPI

/// The Activities (Communication §2.5), Agents (§2.6) and About (§2.8) resources.
struct CatalogResources: Sendable {
    let database: any Database
    let client: LRSClient
    let version: XAPIVersion

    /// `GET /xapi/activities?activityId=`: the Activity with the definitions of every statement
    /// combined; an Activity with just its id when none gave one.
    func activity(_ request: LRSRequest) async throws -> LRSResponse {
        try Self.onlyGet(request)
        try request.parameters.check(allowed: ["activityId"])
        _ = try request.parameters.required("activityId")
        let id = try request.parameters.iri("activityId")!
        var members: [(String, JSON)] = [("objectType", .string("Activity")), ("id", .string(id))]
        if let definition = try await ActivityCatalog(database: database, tenantID: client.tenantID).definition(of: id) {
            members.append(("definition", definition))
        }
        return .json(.object(JSONObject(members)))
    }

    /// `GET /xapi/agents?agent=`: a Person object (arrays of names and of the identifier).
    func agents(_ request: LRSRequest) async throws -> LRSResponse {
        try Self.onlyGet(request)
        try request.parameters.check(allowed: ["agent"])
        let text = try request.parameters.required("agent")
        guard let key = try request.parameters.agent("agent", version: version), case .object(let agent)? = try? JSONParser.parse(text) else {
            throw XAPIError(code: "parameter.agent-invalid", path: "agent", message: "agent must be an Agent.")
        }
        var members: [(String, JSON)] = [("objectType", .string("Person"))]
        let names = try await ActivityCatalog(database: database, tenantID: client.tenantID).names(of: key)
        if !names.isEmpty { members.append(("name", .array(names.map { .string($0) }))) }
        for ifi in ["mbox", "mbox_sha1sum", "openid", "account"] {
            if let value = agent[ifi] { members.append((ifi, .array([value]))) }
        }
        return .json(.object(JSONObject(members)))
    }

    /// `GET /xapi/about`: the versions spoken, and the Japan xAPI profile this LRS indexes.
    static func about(_ request: LRSRequest) throws(XAPIError) -> LRSResponse {
        try onlyGet(request)
        try request.parameters.check(allowed: [])
        return .json(
            .object(
                JSONObject([
                    ("version", .array(XAPIVersion.allCases.map { .string($0.rawValue) })),
                    ("extensions", .object(JSONObject([("https://w3id.org/japan-xapi/profiles/core", .string("indexed"))]))),
                ])))
    }

    static func onlyGet(_ request: LRSRequest) throws(XAPIError) {
        guard request.method == .GET else { throw XAPIError(code: "method.not-allowed", status: 405, message: "This resource takes GET and HEAD.") }
    }
}
