import Foundation

extension ClientRegistration {
    /// The message types a registration may list (LTI Core 1.3 §5.1, DL 2.0 §4.4).
    public static let knownMessageTypes: Set<String> = ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"]

    /// Every problem of this request against LTI Dynamic Registration 1.0 §3.5, each an
    /// ``LTIError`` (400) with the JSON path of the member at fault; empty when it can be
    /// registered. Redirect URI problems carry OAuth `invalid_redirect_uri`, the others
    /// `invalid_client_metadata` (RFC 7591 §3.2.2).
    public func validate() -> [LTIError] {
        var problems: [LTIError] = []
        func missing(_ key: CodingKeys, below base: String = JSONPath.root) {
            let path = JSONPath.member(key.stringValue, of: base)
            problems.append(
                .registration(
                    "missing", path: path, redirect: key == .redirectURIs,
                    ja: "必須の項目 \(path) がありません。", en: "The required member \(path) is missing."))
        }

        if applicationType != "web" {
            problems.append(
                .registration(
                    "application-type", path: "$.application_type",
                    ja: "application_type は web でなければなりません。", en: "application_type must be \"web\"."))
        }
        let grants = grantTypes ?? []
        if !grants.contains("client_credentials") || !grants.contains("implicit") {
            problems.append(
                .registration(
                    "grant-types", path: "$.grant_types",
                    ja: "grant_types には client_credentials と implicit が必要です。",
                    en: "grant_types must include client_credentials and implicit."))
        }
        if !(responseTypes ?? []).contains("id_token") {
            problems.append(
                .registration(
                    "response-types", path: "$.response_types",
                    ja: "response_types には id_token が必要です。", en: "response_types must include id_token."))
        }
        if tokenEndpointAuthMethod != "private_key_jwt" {
            problems.append(
                .registration(
                    "token-endpoint-auth-method", path: "$.token_endpoint_auth_method",
                    ja: "token_endpoint_auth_method は private_key_jwt でなければなりません。",
                    en: "token_endpoint_auth_method must be private_key_jwt."))
        }

        if let redirectURIs, !redirectURIs.isEmpty {
            for (index, uri) in redirectURIs.enumerated() where !Self.isAcceptableURL(uri) {
                let path = JSONPath.index(index, of: "$.redirect_uris")
                problems.append(
                    .registration(
                        "redirect-uri", path: path, redirect: true,
                        ja: "\(path) は https（開発時は http://localhost か 127.0.0.1）の URL でなければなりません。",
                        en: "\(path) must be an https URL (or http://localhost / 127.0.0.1 for development), "
                            + "without a fragment."))
            }
        } else {
            missing(.redirectURIs)
        }
        for key in [CodingKeys.initiateLoginURI, .jwksURI] {
            let value = key == .initiateLoginURI ? initiateLoginURI : jwksURI
            guard let value, !value.isEmpty else {
                missing(key)
                continue
            }
            if !Self.isAcceptableURL(value) {
                let path = JSONPath.member(key.stringValue)
                problems.append(
                    .registration(
                        "url", path: path,
                        ja: "\(path) は https の URL でなければなりません。", en: "\(path) must be an https URL."))
            }
        }
        if (clientName ?? "").trimmingCharacters(in: .whitespaces).isEmpty { missing(.clientName) }

        guard let toolConfiguration else {
            missing(.toolConfiguration)
            return problems
        }
        let base = JSONPath.member(ToolConfiguration.key)
        if (toolConfiguration.domain ?? "").isEmpty {
            problems.append(
                .registration(
                    "missing", path: JSONPath.member("domain", of: base),
                    ja: "ツール設定に domain がありません。", en: "The tool configuration has no domain."))
        }
        if let target = toolConfiguration.targetLinkURI, !target.isEmpty {
            if !Self.isAcceptableURL(target) {
                let path = JSONPath.member("target_link_uri", of: base)
                problems.append(
                    .registration(
                        "url", path: path,
                        ja: "\(path) は https の URL でなければなりません。", en: "\(path) must be an https URL."))
            }
        } else {
            problems.append(
                .registration(
                    "missing", path: JSONPath.member("target_link_uri", of: base),
                    ja: "ツール設定に target_link_uri がありません。",
                    en: "The tool configuration has no target_link_uri."))
        }
        for (index, message) in (toolConfiguration.messages ?? []).enumerated() {
            let path = JSONPath.index(index, of: JSONPath.member("messages", of: base))
            if !Self.knownMessageTypes.contains(message.type) {
                problems.append(
                    .registration(
                        "message-type", path: JSONPath.member("type", of: path),
                        ja: "メッセージの種類「\(message.type)」には対応していません。",
                        en: "The message type \"\(message.type)\" is not supported."))
            }
            if let target = message.targetLinkURI, !Self.isAcceptableURL(target) {
                let targetPath = JSONPath.member("target_link_uri", of: path)
                problems.append(
                    .registration(
                        "url", path: targetPath,
                        ja: "\(targetPath) は https の URL でなければなりません。",
                        en: "\(targetPath) must be an https URL."))
            }
        }
        return problems
    }

    /// Throws the first problem found by ``validate()``.
    public func validateOrThrow() throws {
        if let first = validate().first { throw first }
    }

    /// https, or plain http to the loopback host for a tool under development; never a fragment.
    static func isAcceptableURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased(), !host.isEmpty, components.fragment == nil
        else { return false }
        if scheme == "https" { return true }
        return scheme == "http" && (host == "localhost" || host == "127.0.0.1")
    }
}
