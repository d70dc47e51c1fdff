import Crypto
import Foundation
import JWTKit
import LTI
import Vapor

/// The relying-party side of OpenID Connect (Core 1.0 and Discovery 1.0): discovery, the
/// authorization code exchange with PKCE (RFC 7636) and ID token validation (Core §3.1.3.7).
struct OIDCClient: Sendable {
    /// Clock difference tolerated between Kakehashi and the provider.
    static let leeway: TimeInterval = 60

    /// The provider's discovery document (the fields Kakehashi uses).
    struct Metadata: Codable, Sendable {
        var issuer: String
        var authorization_endpoint: String
        var token_endpoint: String
        var jwks_uri: String
        var token_endpoint_auth_methods_supported: [String]?
        var code_challenge_methods_supported: [String]?
    }

    /// Why a sign-in through the provider failed, for the audit log and the page.
    struct Failure: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    let issuer: String
    let clientID: String
    let clientSecret: String
    let client: any Client
    let cache: OIDCProviderCache

    // MARK: - Discovery

    /// Fetches (or reuses) the discovery document; its `issuer` must be the configured issuer.
    func metadata() async throws -> Metadata {
        if let cached = await cache.metadata(for: issuer) { return cached }
        guard Self.isAllowedURL(issuer) else { throw Failure(reason: "issuer must use https (http only on this machine): \(issuer)") }
        let response = try await client.get(URI(string: issuer + "/.well-known/openid-configuration"))
        guard response.status == .ok else { throw Failure(reason: "discovery answered \(response.status.code)") }
        let metadata = try response.content.decode(Metadata.self, using: JSONDecoder())
        guard metadata.issuer == issuer else {
            throw Failure(reason: "discovery names issuer \(metadata.issuer), expected \(issuer)")
        }
        for endpoint in [metadata.authorization_endpoint, metadata.token_endpoint, metadata.jwks_uri] where !Self.isAllowedURL(endpoint) {
            throw Failure(reason: "endpoint must use https: \(endpoint)")
        }
        await cache.store(metadata, for: issuer)
        return metadata
    }

    /// https, or http to this machine (development and the interop tests).
    static func isAllowedURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let host = url.host?.lowercased() else { return false }
        if url.scheme == "https" { return true }
        return url.scheme == "http" && ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
    }

    // MARK: - Authorization request

    /// A fresh state, nonce and PKCE verifier with its S256 challenge.
    struct Request: Sendable {
        var state: String
        var nonce: String
        var codeVerifier: String
        var codeChallenge: String
    }

    static func newRequest() -> Request {
        let verifier = Sessions.randomToken()  // 43 base64url characters: RFC 7636 §4.1
        let challenge = Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString()
        return Request(state: Sessions.randomToken(), nonce: Sessions.randomToken(), codeVerifier: verifier, codeChallenge: challenge)
    }

    func authorizationURL(_ metadata: Metadata, request: Request, redirectURI: String) -> String {
        var components = URLComponents(string: metadata.authorization_endpoint) ?? URLComponents()
        components.queryItems = (components.queryItems ?? []) + [
            .init(name: "response_type", value: "code"), .init(name: "client_id", value: clientID),
            .init(name: "redirect_uri", value: redirectURI), .init(name: "scope", value: "openid email profile"),
            .init(name: "state", value: request.state), .init(name: "nonce", value: request.nonce),
            .init(name: "code_challenge", value: request.codeChallenge), .init(name: "code_challenge_method", value: "S256"),
        ]
        // `+` in a query means a space to many servers: encode it.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.string ?? metadata.authorization_endpoint
    }

    // MARK: - Token exchange

    struct TokenResponse: Content {
        var id_token: String?
        var token_type: String?
    }

    /// Exchanges the code for tokens and returns the raw ID token.
    func exchange(code: String, codeVerifier: String, redirectURI: String, metadata: Metadata) async throws -> String {
        let methods = metadata.token_endpoint_auth_methods_supported ?? ["client_secret_basic"]
        let basic = methods.contains("client_secret_basic") || !methods.contains("client_secret_post")
        var form = ["grant_type": "authorization_code", "code": code, "redirect_uri": redirectURI, "code_verifier": codeVerifier]
        if !basic {
            form["client_id"] = clientID
            form["client_secret"] = clientSecret
        }
        let response = try await client.post(URI(string: metadata.token_endpoint)) { request in
            try request.content.encode(form, as: .urlEncodedForm)
            request.headers.replaceOrAdd(name: .accept, value: "application/json")
            if basic {
                // RFC 6749 §2.3.1: each part form-encoded before base64.
                let user = Self.formEncode(clientID), password = Self.formEncode(clientSecret)
                request.headers.basicAuthorization = BasicAuthorization(username: user, password: password)
            }
        }
        guard response.status == .ok else {
            throw Failure(reason: "token endpoint answered \(response.status.code): \(response.body.map { String(buffer: $0).prefix(200) } ?? "")")
        }
        guard let token = try response.content.decode(TokenResponse.self, using: JSONDecoder()).id_token else {
            throw Failure(reason: "token response has no id_token")
        }
        return token
    }

    private static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    // MARK: - ID token validation

    /// A validated ID token: its registered claims and every claim as JSON (for the mapping rule).
    struct Identity: Sendable {
        var claims: IDTokenClaims
        var raw: [String: LTIJSON]
    }

    /// Checks the signature against the provider's keys and the claims against what Kakehashi
    /// expects (issuer, audience, authorized party, expiry, issue time, nonce).
    func validate(_ token: String, nonce: String, metadata: Metadata, now: Date = Date()) async throws -> Identity {
        let claims: IDTokenClaims
        do {
            claims = try await cache.keys(for: metadata, client: client, refresh: false).verify(token, as: IDTokenClaims.self)
        } catch {
            // The provider may have rotated its keys: fetch them again once.
            do {
                claims = try await cache.keys(for: metadata, client: client, refresh: true).verify(token, as: IDTokenClaims.self)
            } catch {
                throw Failure(reason: "ID token signature or format is not valid (\(error))")
            }
        }
        guard claims.iss == issuer else { throw Failure(reason: "ID token issuer \(claims.iss) is not \(issuer)") }
        guard claims.aud.value.contains(clientID) else { throw Failure(reason: "ID token audience \(claims.aud.value) does not include this client") }
        if claims.aud.value.count > 1 || claims.azp != nil {
            guard claims.azp == clientID else { throw Failure(reason: "ID token authorized party \(claims.azp ?? "none") is not this client") }
        }
        guard claims.exp.addingTimeInterval(Self.leeway) > now else { throw Failure(reason: "ID token expired at \(claims.exp)") }
        guard claims.iat.addingTimeInterval(-Self.leeway) <= now else { throw Failure(reason: "ID token issued in the future (\(claims.iat))") }
        guard let tokenNonce = claims.nonce, constantTimeEquals(tokenNonce, nonce) else { throw Failure(reason: "ID token nonce does not match") }
        let parts = token.split(separator: ".")
        guard parts.count == 3, let payload = Data(base64URLEncoded: String(parts[1])),
            let raw = try? JSONDecoder().decode([String: LTIJSON].self, from: payload)
        else { throw Failure(reason: "ID token payload is not JSON") }
        return Identity(claims: claims, raw: raw)
    }
}

/// Discovery documents and signing keys per issuer, shared by every request of this process.
actor OIDCProviderCache {
    static let lifetime: TimeInterval = 15 * 60
    private var documents: [String: (Date, OIDCClient.Metadata)] = [:]
    private var keySets: [String: (Date, JWTKeyCollection)] = [:]

    func metadata(for issuer: String) -> OIDCClient.Metadata? {
        guard let (fetched, metadata) = documents[issuer], Date().timeIntervalSince(fetched) < Self.lifetime else { return nil }
        return metadata
    }

    func store(_ metadata: OIDCClient.Metadata, for issuer: String) {
        documents[issuer] = (Date(), metadata)
    }

    /// The provider's keys; `refresh` fetches them again unless fetched in the last 10 seconds.
    func keys(for metadata: OIDCClient.Metadata, client: any Client, refresh: Bool) async throws -> JWTKeyCollection {
        if let (fetched, keys) = keySets[metadata.jwks_uri] {
            let age = Date().timeIntervalSince(fetched)
            if age < Self.lifetime && (!refresh || age < 10) { return keys }
        }
        let response = try await client.get(URI(string: metadata.jwks_uri))
        guard response.status == .ok, let body = response.body else { throw OIDCClient.Failure(reason: "JWKS answered \(response.status.code)") }
        let keys = JWTKeyCollection()
        try await keys.add(jwksJSON: String(buffer: body))
        keySets[metadata.jwks_uri] = (Date(), keys)
        return keys
    }
}

struct OIDCProviderCacheKey: StorageKey {
    typealias Value = OIDCProviderCache
}

extension Data {
    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }

    func base64URLEncodedString() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
