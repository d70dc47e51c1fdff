import Foundation

/// A tool's registration request — and, once completed with ``registered(clientID:deploymentID:)``,
/// the platform's response (LTI Dynamic Registration 1.0 §3.5, OpenID Connect Dynamic Client
/// Registration 1.0 §2).
///
/// Members the spec requires are optional here so that ``validate()`` can report each missing
/// one with its JSON path instead of failing on the first.
public struct ClientRegistration: Codable, Sendable, Equatable {
    /// Set by the platform in the response.
    public var clientID: String?
    public var applicationType: String?
    public var grantTypes: [String]?
    public var responseTypes: [String]?
    public var redirectURIs: [String]?
    public var initiateLoginURI: String?
    public var clientName: String?
    public var jwksURI: String?
    public var logoURI: String?
    public var tokenEndpointAuthMethod: String?
    /// The requested scopes, space-separated.
    public var scope: String?
    public var toolConfiguration: ToolConfiguration?

    public init(
        clientID: String? = nil, applicationType: String? = "web",
        grantTypes: [String]? = ["client_credentials", "implicit"], responseTypes: [String]? = ["id_token"],
        redirectURIs: [String]?, initiateLoginURI: String?, clientName: String?, jwksURI: String?,
        logoURI: String? = nil, tokenEndpointAuthMethod: String? = "private_key_jwt", scope: String? = nil,
        toolConfiguration: ToolConfiguration?
    ) {
        self.clientID = clientID
        self.applicationType = applicationType
        self.grantTypes = grantTypes
        self.responseTypes = responseTypes
        self.redirectURIs = redirectURIs
        self.initiateLoginURI = initiateLoginURI
        self.clientName = clientName
        self.jwksURI = jwksURI
        self.logoURI = logoURI
        self.tokenEndpointAuthMethod = tokenEndpointAuthMethod
        self.scope = scope
        self.toolConfiguration = toolConfiguration
    }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case applicationType = "application_type"
        case grantTypes = "grant_types"
        case responseTypes = "response_types"
        case redirectURIs = "redirect_uris"
        case initiateLoginURI = "initiate_login_uri"
        case clientName = "client_name"
        case jwksURI = "jwks_uri"
        case logoURI = "logo_uri"
        case tokenEndpointAuthMethod = "token_endpoint_auth_method"
        case scope
        case toolConfiguration = "https://purl.imsglobal.org/spec/lti-tool-configuration"
    }

    /// The requested scopes as a list.
    public var scopes: [String] { (scope ?? "").split(separator: " ").map(String.init) }

    // MARK: - Reading

    /// Reads a registration request body; a member of the wrong type is an ``LTIError`` with
    /// its JSON path (`reg.invalid`, 400, `invalid_client_metadata`).
    public static func decode(_ body: Data) throws -> ClientRegistration {
        do {
            return try JSONBody.decode(ClientRegistration.self, from: body, code: "reg.invalid")
        } catch let error as LTIError {
            throw error.asOAuth("invalid_client_metadata", status: 400)
        }
    }

    // MARK: - Response

    /// The response to the tool: this request with `client_id`, and `deployment_id` inside the
    /// tool configuration (LTI Dynamic Registration 1.0 §3.6).
    public func registered(clientID: String, deploymentID: String) -> ClientRegistration {
        var response = self
        response.clientID = clientID
        response.toolConfiguration?.deploymentID = deploymentID
        return response
    }
}
