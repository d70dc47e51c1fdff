/// The token endpoint's success body (RFC 6749 §5.1):
/// `{"access_token": "…", "token_type": "Bearer", "expires_in": 3600, "scope": "…"}`.
public struct TokenResponse: Codable, Sendable, Equatable {
    public var accessToken: String
    public var tokenType: String
    public var expiresIn: Int
    /// The granted scopes, space-separated.
    public var scope: String

    public init(accessToken: String, expiresIn: Int = 3600, scopes: [String]) {
        self.accessToken = accessToken
        self.tokenType = "Bearer"
        self.expiresIn = expiresIn
        self.scope = scopes.joined(separator: " ")
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case scope
    }
}
