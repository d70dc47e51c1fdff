import Foundation

/// The canonical key of an Agent or Identified Group: its one Inverse Functional Identifier
/// (xAPI Data §2.4.2.3) as a string the LRS can index and compare.
///
/// | IFI | key |
/// |---|---|
/// | `mbox` | `mbox:mailto:ann@example.com` (domain lowercased: Data §2.3.1.b7) |
/// | `mbox_sha1sum` | `mbox_sha1sum:ebd31e95…` (lowercase hex) |
/// | `openid` | `openid:http://ann.openid.example.org/` |
/// | `account` | `account:http://www.example.com 1625378` (homePage, a space, name) |
///
/// The same key comes from a statement's actor, object, context or authority and from the
/// `agent` query parameter (``AgentKey/init(agentParameter:version:)``), so "Agents are equal
/// when the same IFI is used with equal values" (Communication §2.1.3) is string equality.
public struct AgentKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The key text.
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static func < (lhs: AgentKey, rhs: AgentKey) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The key of an already validated Agent or Identified Group object; nil for an
    /// Anonymous Group (it has no IFI) or anything without exactly one IFI.
    public init?(agent object: JSONObject) {
        var found: String? = nil
        var count = 0
        for member in object.members {
            switch member.key {
            case "mbox":
                guard let value = member.value.string else { return nil }
                found = "mbox:" + IRI.normalizedMailto(value)
            case "mbox_sha1sum":
                guard let value = member.value.string else { return nil }
                found = "mbox_sha1sum:" + value.lowercased()
            case "openid":
                guard let value = member.value.string else { return nil }
                found = "openid:" + value
            case "account":
                guard let homePage = member.value["homePage"]?.string, let name = member.value["name"]?.string else { return nil }
                found = "account:" + homePage + " " + name
            default: continue
            }
            count += 1
        }
        guard count == 1, let found else { return nil }
        self.rawValue = found
    }

    /// The key of the `agent` query parameter of GET statements and the document resources:
    /// JSON text of an Agent or Identified Group, validated with the statement rules
    /// (Data §2.2.s4.b4: parameters are validated like statement values).
    /// Errors carry the path `$` relative to the parameter value.
    public init(agentParameter text: String, version: XAPIVersion) throws(XAPIError) {
        let json: JSON
        do {
            json = try JSONParser.parse(text)
        } catch {
            throw XAPIError(code: "parameter.agent-invalid", path: error.path, message: "The agent parameter is not valid JSON: \(error.message)")
        }
        var validation = Validation(version: version)
        let key = try validation.actor(json, role: "the agent parameter")
        guard let key else {
            throw XAPIError(
                code: "parameter.agent-anonymous", path: "$",
                message: "The agent parameter must be an Agent or an Identified Group (an Anonymous Group has no identifier).")
        }
        self = key
    }
}
