import Foundation

/// A problem found by the LTI library: a stable `code` (`ags.score.timestamp-older`), where it
/// is (a JSON path such as `$.scoreGiven`, when it concerns one member), the HTTP status the
/// app should answer with, and a message in Japanese and English.
///
/// The app maps these to HTTP once: the status to the response line, `oauthError` (when set)
/// to the `error` member of an OAuth 2.0 error body (RFC 6749 §5.2, RFC 7591 §3.2.2), and the
/// messages to `error_description` or a page.
public struct LTIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable identifier used in logs, tests and docs: `area.problem`.
    public var code: String
    /// JSON path of the member at fault (`$.redirect_uris[0]`), nil when about the whole document.
    public var path: String?
    /// The HTTP status to answer with: 400, 401, 404, 405, 409, 415 or 422.
    public var status: Int
    /// The OAuth 2.0 `error` value for token and registration endpoints (`invalid_client`).
    public var oauthError: String?
    public var messageJa: String
    public var messageEn: String

    public init(
        code: String, path: String? = nil, status: Int, oauthError: String? = nil, ja: String, en: String
    ) {
        self.code = code
        self.path = path
        self.status = status
        self.oauthError = oauthError
        self.messageJa = ja
        self.messageEn = en
    }

    /// `ags.score.missing-field at $.userId (400): …`
    public var description: String {
        var text = code
        if let path { text += " at \(path)" }
        return text + " (\(status)): \(messageEn)"
    }

    /// The same problem reported as an OAuth 2.0 error: used by the token endpoint, where every
    /// failure of the client assertion is `invalid_client` with status 401 (RFC 6749 §5.2).
    public func asOAuth(_ error: String, status: Int) -> LTIError {
        var copy = self
        copy.oauthError = error
        copy.status = status
        return copy
    }
}

// MARK: - JSON

extension LTIError {
    public static func malformedJSON(path: String? = nil) -> LTIError {
        LTIError(
            code: "json.malformed", path: path, status: 400,
            ja: "本文が JSON オブジェクトとして読めません。", en: "The body is not a JSON object.")
    }

    /// A `DecodingError` turned into a located error.
    public static func decoding(
        _ error: DecodingError, code: String = "json.invalid", base: String = JSONPath.root
    ) -> LTIError {
        switch error {
        case .keyNotFound(let key, let context):
            let path = JSONPath.path(context.codingPath + [key], from: base)
            return LTIError(
                code: code, path: path, status: 400,
                ja: "必須の項目 \(path) がありません。", en: "The required member \(path) is missing.")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = JSONPath.path(context.codingPath, from: base)
            return LTIError(
                code: code, path: path, status: 400,
                ja: "\(path) の値の型または形式が正しくありません。",
                en: "The value at \(path) has the wrong type or form: \(context.debugDescription)")
        @unknown default:
            return LTIError(code: code, status: 400, ja: "JSON を読めません。", en: "The JSON cannot be read.")
        }
    }

    static func missingField(_ path: String, code: String) -> LTIError {
        LTIError(
            code: code, path: path, status: 400,
            ja: "必須の項目 \(path) がありません。", en: "The required member \(path) is missing.")
    }

    static func wrongType(_ path: String, expected: String, code: String) -> LTIError {
        LTIError(
            code: code, path: path, status: 400,
            ja: "\(path) は \(expected) でなければなりません。", en: "\(path) must be \(expected).")
    }
}

// MARK: - JWT and keys (LTI Security Framework 1.0 §5, RFC 7515, RFC 7519)

extension LTIError {
    public static func jwtMalformed(_ detail: String) -> LTIError {
        LTIError(
            code: "jwt.malformed", status: 401,
            ja: "JWT の形式が正しくありません（\(detail)）。", en: "The JWT is malformed: \(detail).")
    }

    public static func jwtMissingKid() -> LTIError {
        LTIError(
            code: "jwt.missing-kid", path: "$.kid", status: 401,
            ja: "JWT のヘッダーに kid がありません。鍵を特定できません。",
            en: "The JWT header has no kid, so the signing key cannot be found.")
    }

    public static func jwtUnsupportedAlgorithm(_ alg: String?) -> LTIError {
        let shown = alg ?? "(none)"
        return LTIError(
            code: "jwt.unsupported-alg", path: "$.alg", status: 401,
            ja: "署名アルゴリズム \(shown) は受け付けません（RS256・ES256・PS256 のみ）。",
            en: "The signing algorithm \(shown) is not accepted (only RS256, ES256, PS256).")
    }

    public static func jwtUnknownKid(_ kid: String) -> LTIError {
        LTIError(
            code: "jwt.unknown-kid", path: "$.kid", status: 401,
            ja: "kid「\(kid)」の鍵がツールの JWKS にありません。",
            en: "The tool's JWKS has no key with kid \"\(kid)\".")
    }

    public static func jwtKeyMismatch(kid: String, alg: String) -> LTIError {
        LTIError(
            code: "jwt.key-alg-mismatch", path: "$.alg", status: 401,
            ja: "kid「\(kid)」の鍵は \(alg) の署名に使えません。",
            en: "The key \"\(kid)\" cannot verify an \(alg) signature.")
    }

    public static func jwtBadSignature() -> LTIError {
        LTIError(
            code: "jwt.bad-signature", status: 401,
            ja: "JWT の署名を検証できません。", en: "The JWT signature does not verify.")
    }

    public static func jwksUnavailable(_ url: URL, reason: String) -> LTIError {
        LTIError(
            code: "jwks.unavailable", status: 401,
            ja: "ツールの JWKS（\(url.absoluteString)）を取得できません。",
            en: "The tool's JWKS at \(url.absoluteString) cannot be fetched: \(reason).")
    }

    public static func jwtMissingClaim(_ claim: String, code: String = "jwt.missing-claim") -> LTIError {
        let path = JSONPath.member(claim)
        return LTIError(
            code: code, path: path, status: 401,
            ja: "JWT に必須のクレーム \(claim) がありません。", en: "The JWT lacks the required claim \(claim).")
    }

    public static func jwtExpired(_ exp: Date) -> LTIError {
        LTIError(
            code: "jwt.expired", path: "$.exp", status: 401,
            ja: "JWT の有効期限（\(ISO8601Timestamp.format(exp))）が過ぎています。",
            en: "The JWT expired at \(ISO8601Timestamp.format(exp)).")
    }

    public static func jwtIssuedInFuture(_ iat: Date) -> LTIError {
        LTIError(
            code: "jwt.iat-future", path: "$.iat", status: 401,
            ja: "JWT の発行時刻（\(ISO8601Timestamp.format(iat))）が未来です。時計を確認してください。",
            en: "The JWT is issued in the future (\(ISO8601Timestamp.format(iat))); check the clock.")
    }

    public static func jwtReplayedJTI(_ jti: String) -> LTIError {
        LTIError(
            code: "jwt.replayed-jti", path: "$.jti", status: 401,
            ja: "この JWT（jti「\(jti)」）は既に使われています。", en: "This JWT (jti \"\(jti)\") has already been used.")
    }

    public static func assertionIssuerSubject(iss: String, sub: String, clientID: String) -> LTIError {
        LTIError(
            code: "jwt.iss-sub-mismatch", path: "$.sub", status: 401,
            ja: "クライアントアサーションの iss・sub は client_id「\(clientID)」と一致しなければなりません。",
            en: "The client assertion's iss (\(iss)) and sub (\(sub)) must both equal the client_id \(clientID).")
    }

    public static func assertionAudience(expected: [String]) -> LTIError {
        LTIError(
            code: "jwt.aud-mismatch", path: "$.aud", status: 401,
            ja: "クライアントアサーションの aud がトークンエンドポイントではありません。",
            en: "The client assertion's aud does not name the token endpoint (\(expected.joined(separator: ", "))).")
    }
}

// MARK: - Token endpoint (RFC 6749 §5.2, RFC 7521 §4.2, RFC 7523)

extension LTIError {
    public static func tokenInvalidRequest(_ detail: String, field: String? = nil) -> LTIError {
        LTIError(
            code: "token.invalid-request", path: field.map { JSONPath.member($0) }, status: 400,
            oauthError: "invalid_request",
            ja: "トークン要求が正しくありません（\(detail)）。", en: "The token request is invalid: \(detail).")
    }

    public static func tokenUnsupportedGrantType(_ grantType: String) -> LTIError {
        LTIError(
            code: "token.unsupported-grant-type", path: "$.grant_type", status: 400,
            oauthError: "unsupported_grant_type",
            ja: "grant_type「\(grantType)」には対応していません（client_credentials のみ）。",
            en: "The grant_type \"\(grantType)\" is not supported (only client_credentials).")
    }

    public static func tokenInvalidScope(_ requested: [String]) -> LTIError {
        LTIError(
            code: "token.invalid-scope", path: "$.scope", status: 400, oauthError: "invalid_scope",
            ja: "要求されたスコープはどれも許可されていません。",
            en: "None of the requested scopes (\(requested.joined(separator: " "))) is granted to this tool.")
    }

    public static func tokenInvalidClient(_ detail: String) -> LTIError {
        LTIError(
            code: "token.invalid-client", status: 401, oauthError: "invalid_client",
            ja: "クライアントを認証できません（\(detail)）。", en: "The client cannot be authenticated: \(detail).")
    }
}

// MARK: - Deep Linking 2.0 (§4.2 Deep linking response message)

extension LTIError {
    public static func dlClaim(_ code: String, claim: String, ja: String, en: String) -> LTIError {
        LTIError(code: "dl.\(code)", path: JSONPath.member(claim), status: 400, ja: ja, en: en)
    }

    public static func dlUnknownContentType(_ type: String, path: String) -> LTIError {
        LTIError(
            code: "dl.unknown-type", path: path, status: 400,
            ja: "コンテンツアイテムの種類「\(type)」は知りません。", en: "The content item type \"\(type)\" is unknown.")
    }

    public static func dlTypeNotOffered(_ type: String, path: String) -> LTIError {
        LTIError(
            code: "dl.type-not-offered", path: path, status: 400,
            ja: "種類「\(type)」のコンテンツアイテムは要求していません（accept_types 外）。",
            en: "Content items of type \"\(type)\" were not offered in accept_types.")
    }

    public static func dlMultipleNotAccepted(count: Int, path: String) -> LTIError {
        LTIError(
            code: "dl.multiple-not-accepted", path: path, status: 400,
            ja: "コンテンツアイテムは 1 つまでです（\(count) 個が返されました）。",
            en: "Only one content item was accepted, but \(count) were returned.")
    }
}

// MARK: - Assignment and Grade Services 2.0

extension LTIError {
    public static func lineItemLabelRequired() -> LTIError {
        LTIError(
            code: "ags.lineitem.label-required", path: "$.label", status: 400,
            ja: "ラインアイテムには label が必要です。", en: "A line item needs a non-empty label.")
    }

    public static func lineItemScoreMaximum() -> LTIError {
        LTIError(
            code: "ags.lineitem.score-maximum", path: "$.scoreMaximum", status: 400,
            ja: "scoreMaximum は 0 より大きい数でなければなりません。", en: "scoreMaximum must be a number greater than 0.")
    }

    public static func lineItemDateTime(_ path: String) -> LTIError {
        LTIError(
            code: "ags.lineitem.datetime", path: path, status: 400,
            ja: "\(path) は ISO 8601 の日時でなければなりません。", en: "\(path) must be an ISO 8601 date-time.")
    }

    /// The line item names a resource link of another context or tool (AGS 2.0 §3.2.8).
    public static func lineItemForeignResourceLink(_ id: String) -> LTIError {
        LTIError(
            code: "ags.lineitem.foreign-resource-link", path: "$.resourceLinkId", status: 404,
            ja: "リソースリンク「\(id)」はこのコンテキストにありません。",
            en: "The resource link \"\(id)\" does not belong to this context.")
    }

    public static func lineItemNotFound() -> LTIError {
        LTIError(
            code: "ags.lineitem.not-found", status: 404,
            ja: "ラインアイテムが見つかりません。", en: "The line item does not exist.")
    }

    public static func methodNotAllowed(_ method: String) -> LTIError {
        LTIError(
            code: "ags.method-not-allowed", status: 405,
            ja: "この URL では \(method) を使えません。", en: "\(method) is not allowed on this URL.")
    }

    public static func unsupportedMediaType(_ received: String?, expected: String) -> LTIError {
        LTIError(
            code: "http.unsupported-media-type", status: 415,
            ja: "Content-Type は \(expected) でなければなりません。",
            en: "The Content-Type must be \(expected), not \(received ?? "(none)").")
    }

    public static func scoreMissingField(_ path: String) -> LTIError {
        missingField(path, code: "ags.score.missing-field")
    }

    public static func scoreWrongType(_ path: String, expected: String) -> LTIError {
        wrongType(path, expected: expected, code: "ags.score.wrong-type")
    }

    public static func scoreActivityProgress(_ value: String) -> LTIError {
        LTIError(
            code: "ags.score.activity-progress", path: "$.activityProgress", status: 400,
            ja: "activityProgress「\(value)」は定義されていない値です。",
            en: "activityProgress \"\(value)\" is not one of Initialized, Started, InProgress, Submitted, Completed.")
    }

    public static func scoreGradingProgress(_ value: String) -> LTIError {
        LTIError(
            code: "ags.score.grading-progress", path: "$.gradingProgress", status: 400,
            ja: "gradingProgress「\(value)」は定義されていない値です。",
            en: "gradingProgress \"\(value)\" is not one of FullyGraded, Pending, PendingManual, Failed, NotReady.")
    }

    public static func scoreTimestampFormat(_ value: String) -> LTIError {
        LTIError(
            code: "ags.score.timestamp-format", path: "$.timestamp", status: 400,
            ja: "timestamp「\(value)」は秒の小数部と時差を含む ISO 8601 形式でなければなりません。",
            en: "timestamp \"\(value)\" must be ISO 8601 with fractional seconds and an offset.")
    }

    public static func scoreGivenNegative() -> LTIError {
        LTIError(
            code: "ags.score.score-given", path: "$.scoreGiven", status: 400,
            ja: "scoreGiven は 0 以上でなければなりません。", en: "scoreGiven must be 0 or greater.")
    }

    public static func scoreMaximumRequired() -> LTIError {
        LTIError(
            code: "ags.score.score-maximum", path: "$.scoreMaximum", status: 422,
            ja: "scoreGiven を送るときは 0 以上の scoreMaximum が必要です。",
            en: "A scoreGiven requires a scoreMaximum of 0 or greater.")
    }

    public static func scoreTimestampOlder(_ timestamp: Date, stored: Date) -> LTIError {
        LTIError(
            code: "ags.score.timestamp-older", path: "$.timestamp", status: 400,
            ja: "この得点（\(ISO8601Timestamp.format(timestamp))）は記録済みの得点（\(ISO8601Timestamp.format(stored))）より古いです。",
            en: "This score (\(ISO8601Timestamp.format(timestamp))) is older than the stored one (\(ISO8601Timestamp.format(stored))).")
    }

    public static func scoreUserNotInContext(_ userId: String) -> LTIError {
        LTIError(
            code: "ags.score.user-not-in-context", path: "$.userId", status: 422,
            ja: "利用者「\(userId)」はこのコンテキストに在籍していません。",
            en: "The user \"\(userId)\" is not a member of this context.")
    }
}

// MARK: - Names and Role Provisioning Services 2.0

extension LTIError {
    /// `rlid` names a resource link outside the context the token was granted for (NRPS 2.0 §2.3.2).
    public static func nrpsForeignResourceLink(_ id: String) -> LTIError {
        LTIError(
            code: "nrps.foreign-resource-link", status: 404,
            ja: "リソースリンク「\(id)」はこのコンテキストにありません。",
            en: "The resource link \"\(id)\" does not belong to this context.")
    }
}

// MARK: - Dynamic Registration 1.0 (§3.5, RFC 7591 §3.2.2)

extension LTIError {
    static func registration(
        _ code: String, path: String, redirect: Bool = false, ja: String, en: String
    ) -> LTIError {
        LTIError(
            code: "reg.\(code)", path: path, status: 400,
            oauthError: redirect ? "invalid_redirect_uri" : "invalid_client_metadata", ja: ja, en: en)
    }
}
