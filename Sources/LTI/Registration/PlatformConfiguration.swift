/// The platform's OpenID configuration (LTI Dynamic Registration 1.0 §3.4.1, OpenID Connect
/// Discovery 1.0 §3), served at `/.well-known/openid-configuration` and given to a tool as
/// `openid_configuration` when an admin registers it.
public struct PlatformConfiguration: Codable, Sendable, Equatable {
    public var issuer: String
    public var authorizationEndpoint: String
    public var tokenEndpoint: String
    public var jwksURI: String
    public var registrationEndpoint: String
    public var scopesSupported: [String]
    public var responseTypesSupported: [String]
    public var subjectTypesSupported: [String]
    public var idTokenSigningAlgValuesSupported: [String]
    public var claimsSupported: [String]
    public var tokenEndpointAuthMethodsSupported: [String]
    public var tokenEndpointAuthSigningAlgValuesSupported: [String]
    public var ltiPlatformConfiguration: LTIPlatformConfiguration

    public init(
        issuer: String, authorizationEndpoint: String, tokenEndpoint: String, jwksURI: String,
        registrationEndpoint: String, scopesSupported: [String], claimsSupported: [String],
        ltiPlatformConfiguration: LTIPlatformConfiguration, subjectTypesSupported: [String] = ["public"],
        responseTypesSupported: [String] = ["id_token"], idTokenSigningAlgValuesSupported: [String] = ["RS256"],
        tokenEndpointAuthMethodsSupported: [String] = ["private_key_jwt"],
        tokenEndpointAuthSigningAlgValuesSupported: [String] = ["RS256"]
    ) {
        self.issuer = issuer
        self.authorizationEndpoint = authorizationEndpoint
        self.tokenEndpoint = tokenEndpoint
        self.jwksURI = jwksURI
        self.registrationEndpoint = registrationEndpoint
        self.scopesSupported = scopesSupported
        self.responseTypesSupported = responseTypesSupported
        self.subjectTypesSupported = subjectTypesSupported
        self.idTokenSigningAlgValuesSupported = idTokenSigningAlgValuesSupported
        self.claimsSupported = claimsSupported
        self.tokenEndpointAuthMethodsSupported = tokenEndpointAuthMethodsSupported
        self.tokenEndpointAuthSigningAlgValuesSupported = tokenEndpointAuthSigningAlgValuesSupported
        self.ltiPlatformConfiguration = ltiPlatformConfiguration
    }

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case jwksURI = "jwks_uri"
        case registrationEndpoint = "registration_endpoint"
        case scopesSupported = "scopes_supported"
        case responseTypesSupported = "response_types_supported"
        case subjectTypesSupported = "subject_types_supported"
        case idTokenSigningAlgValuesSupported = "id_token_signing_alg_values_supported"
        case claimsSupported = "claims_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case tokenEndpointAuthSigningAlgValuesSupported = "token_endpoint_auth_signing_alg_values_supported"
        case ltiPlatformConfiguration = "https://purl.imsglobal.org/spec/lti-platform-configuration"
    }
}
