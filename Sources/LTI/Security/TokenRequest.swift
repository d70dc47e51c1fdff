import Foundation

/// The form of a token request from a tool (RFC 6749 §4.4 client credentials, authenticated by
/// an RFC 7523 JWT assertion, LTI Security Framework 1.0 §4.1.1):
///
/// ```
/// grant_type=client_credentials
/// &client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer
/// &client_assertion=eyJ…
/// &scope=https://purl.imsglobal.org/spec/lti-ags/scope/score …
/// ```
public struct TokenRequest: Sendable, Equatable {
    public static let grantType = "client_credentials"
    public static let clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    public static let mediaType = "application/x-www-form-urlencoded"

    public var clientAssertion: String
    /// The requested scopes, in the order given, without duplicates.
    public var scopes: [String]

    public init(clientAssertion: String, scopes: [String]) {
        self.clientAssertion = clientAssertion
        self.scopes = scopes
    }

    // MARK: - Parsing

    /// Reads the decoded form fields.
    /// - Throws: ``LTIError`` with `oauthError` `invalid_request`, `unsupported_grant_type` or
    ///   `invalid_scope`.
    public init(form: [String: String]) throws {
        guard let grantType = form["grant_type"], !grantType.isEmpty else {
            throw LTIError.tokenInvalidRequest("grant_type is missing", field: "grant_type")
        }
        guard grantType == Self.grantType else { throw LTIError.tokenUnsupportedGrantType(grantType) }
        guard let assertionType = form["client_assertion_type"], !assertionType.isEmpty else {
            throw LTIError.tokenInvalidRequest("client_assertion_type is missing", field: "client_assertion_type")
        }
        guard assertionType == Self.clientAssertionType else {
            throw LTIError.tokenInvalidRequest(
                "client_assertion_type must be \(Self.clientAssertionType)", field: "client_assertion_type")
        }
        guard let assertion = form["client_assertion"], !assertion.isEmpty else {
            throw LTIError.tokenInvalidRequest("client_assertion is missing", field: "client_assertion")
        }
        var seen = Set<String>()
        let scopes = (form["scope"] ?? "").split(separator: " ").map(String.init).filter { seen.insert($0).inserted }
        guard !scopes.isEmpty else { throw LTIError.tokenInvalidScope([]) }
        self.init(clientAssertion: assertion, scopes: scopes)
    }

    /// Reads an `application/x-www-form-urlencoded` body. A field given twice is an
    /// `invalid_request` (RFC 6749 §3.2: "parameters MUST NOT be included more than once").
    public init(formBody: String) throws {
        var form: [String: String] = [:]
        for pair in formBody.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.formDecode(parts[0])
            let value = parts.count > 1 ? Self.formDecode(parts[1]) : ""
            guard form[name] == nil else { throw LTIError.tokenInvalidRequest("\(name) is repeated", field: name) }
            form[name] = value
        }
        try self.init(form: form)
    }

    private static func formDecode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    // MARK: - Scopes

    /// The scopes to grant: those requested that the tool's registration holds, in the order
    /// requested (LTI Security Framework 1.0 §4.1.2).
    /// - Throws: `invalid_scope` when none of them can be granted.
    public static func grantedScopes(requested: [String], registered: some Sequence<String>) throws -> [String] {
        let registered = Set(registered)
        var seen = Set<String>()
        let granted = requested.filter { registered.contains($0) && seen.insert($0).inserted }
        guard !granted.isEmpty else { throw LTIError.tokenInvalidScope(requested) }
        return granted
    }
}
