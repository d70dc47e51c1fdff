/// The tool's OpenID Connect authentication request, the second leg of an LTI launch (1EdTech
/// Security Framework 1.0 §5.1.1.2, LTI Core 1.3 §5.1): parsed from the query or form, and its
/// fixed parameters checked.
///
/// The platform checks the client and the redirect URI first (an unknown client or an
/// unregistered redirect URI is an HTTP error, never a post to that URI); ``check()`` then finds
/// the errors that are answered *to* the redirect URI.
public struct AuthenticationRequest: Sendable, Equatable {
    public var scope: String?
    public var responseType: String?
    public var responseMode: String?
    public var prompt: String?
    public var clientID: String?
    public var redirectURI: String?
    public var loginHint: String?
    public var state: String?
    public var nonce: String?
    public var ltiMessageHint: String?

    public init(parameters: [String: String]) {
        scope = parameters["scope"]
        responseType = parameters["response_type"]
        responseMode = parameters["response_mode"]
        prompt = parameters["prompt"]
        clientID = parameters["client_id"]
        redirectURI = parameters["redirect_uri"]
        loginHint = parameters["login_hint"]
        state = parameters["state"]
        nonce = parameters["nonce"]
        ltiMessageHint = parameters["lti_message_hint"]
    }

    /// An error answered to the tool at its redirect URI (OpenID Connect Core §3.1.2.6 and the
    /// codes LTI adds).
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Code: String, Sendable {
            case invalidRequest = "invalid_request"
            case invalidRequestObject = "invalid_request_object"
            case invalidScope = "invalid_scope"
            case unsupportedResponseType = "unsupported_response_type"
            case loginRequired = "login_required"
            case unauthorizedClient = "unauthorized_client"
            case launchNoLongerValid = "launch_no_longer_valid"
        }

        public var code: Code
        public var description: String

        public init(_ code: Code, _ description: String) {
            self.code = code
            self.description = description
        }
    }

    /// The first fixed parameter that is wrong or missing, or nil.
    public func check() -> Failure? {
        guard let scope, scope.split(separator: " ").contains("openid") else {
            return Failure(.invalidScope, "scope must include openid")
        }
        guard responseType == "id_token" else { return Failure(.unsupportedResponseType, "response_type must be id_token") }
        guard responseMode == "form_post" else { return Failure(.invalidRequestObject, "response_mode must be form_post") }
        guard prompt == "none" else { return Failure(.invalidRequestObject, "prompt must be none") }
        guard let nonce, !nonce.isEmpty else { return Failure(.invalidRequestObject, "nonce is required") }
        guard let loginHint, !loginHint.isEmpty else { return Failure(.loginRequired, "login_hint is required") }
        guard let ltiMessageHint, !ltiMessageHint.isEmpty else { return Failure(.invalidRequest, "lti_message_hint is required") }
        return nil
    }
}
