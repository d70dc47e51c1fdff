import Foundation
import Testing

@testable import LTI

/// DL 2.0 §4.2: what the platform checks in a tool's Deep Linking response.
@Suite("Deep Linking response")
struct DeepLinkingResponseTests {
    typealias Claim = DeepLinkingResponse.Claim
    static let issuer = "https://kakehashi.example"
    static let clientID = "mexcbt-hiroshima"
    static let now = Date(timeIntervalSince1970: 1_717_200_000)
    static let settings = DeepLinkingSettings(
        deepLinkReturnURL: "https://kakehashi.example/lti/deep-link/return", acceptTypes: ["ltiResourceLink", "link"],
        acceptMultiple: false, data: "req-42")

    static let valid: [String: LTIJSON] = [
        "iss": .string(clientID),
        "aud": .string(issuer),
        "iat": .number(now.timeIntervalSince1970 - 5),
        "exp": .number(now.timeIntervalSince1970 + 300),
        "nonce": "n-0f3a",
        Claim.deploymentID: "dep-1",
        Claim.messageType: "LtiDeepLinkingResponse",
        Claim.version: "1.3.0",
        Claim.data: "req-42",
        Claim.contentItems: [["type": "ltiResourceLink", "title": "算数ドリル 3年", "url": "https://tool.example/drill/3"]],
        Claim.message: "1 件追加しました",
        Claim.log: "added drill 3",
    ]

    func validate(
        _ claims: [String: LTIJSON], settings: DeepLinkingSettings = settings
    ) throws -> DeepLinkingResponse {
        try DeepLinkingResponse(
            validating: JWTClaims(claims), clientID: Self.clientID, platformIssuer: Self.issuer,
            deploymentID: "dep-1", settings: settings, now: Self.now, leeway: 30)
    }

    func error(changing key: String, to value: LTIJSON?, settings: DeepLinkingSettings = settings) -> LTIError? {
        var claims = Self.valid
        claims[key] = value
        return ltiError { _ = try validate(claims, settings: settings) }
    }

    @Test func aValidResponseGivesItsItemsAndMessages() throws {
        let response = try validate(Self.valid)
        #expect(response.contentItems.count == 1)
        #expect(response.contentItems.first?.kind == .ltiResourceLink)
        #expect(response.message == "1 件追加しました")
        #expect(response.log == "added drill 3")
        #expect(response.errorMessage == nil)
        #expect(response.data == "req-42")
    }

    @Test func audMayBeAStringOrAnArray() throws {
        var claims = Self.valid
        claims["aud"] = [.string("other"), .string(Self.issuer)]
        #expect(try validate(claims).clientID == Self.clientID)
    }

    @Test func audWithoutOurIssuerIsRejected() {
        #expect(error(changing: "aud", to: ["https://other.example"])?.code == "dl.aud-mismatch")
        #expect(error(changing: "aud", to: "https://other.example")?.code == "dl.aud-mismatch")
    }

    @Test func issMustBeTheClientID() {
        #expect(error(changing: "iss", to: "someone-else")?.code == "dl.iss-mismatch")
    }

    @Test func aMissingNonceIsRejected() {
        let error = error(changing: "nonce", to: nil)
        #expect(error?.code == "dl.nonce-missing")
        #expect(error?.path == "$.nonce")
    }

    @Test func aWrongDeploymentIsRejected() {
        let error = error(changing: Claim.deploymentID, to: "1")
        #expect(error?.code == "dl.deployment-mismatch")
        #expect(error?.path == "$['https://purl.imsglobal.org/spec/lti/claim/deployment_id']")
    }

    @Test func messageTypeAndVersionAreExact() {
        #expect(error(changing: Claim.messageType, to: "LtiResourceLinkRequest")?.code == "dl.message-type")
        #expect(error(changing: Claim.version, to: "1.3")?.code == "dl.version")
    }

    @Test func expiredAndFutureTokensAreRejectedBeyondLeeway() {
        #expect(error(changing: "exp", to: .number(Self.now.timeIntervalSince1970 - 31))?.code == "jwt.expired")
        #expect(error(changing: "exp", to: .number(Self.now.timeIntervalSince1970 - 29)) == nil)
        #expect(error(changing: "iat", to: .number(Self.now.timeIntervalSince1970 + 31))?.code == "jwt.iat-future")
        #expect(error(changing: "iat", to: .number(Self.now.timeIntervalSince1970 + 29)) == nil)
    }

    @Test func theDataSentMustComeBackUnchanged() {
        #expect(error(changing: Claim.data, to: "req-43")?.code == "dl.data-mismatch")
        #expect(error(changing: Claim.data, to: nil)?.code == "dl.data-mismatch")
    }

    @Test func withoutDataSentNullOrAbsentDataIsFine() {
        var settings = Self.settings
        settings.data = nil
        #expect(error(changing: Claim.data, to: nil, settings: settings) == nil)
        #expect(error(changing: Claim.data, to: .null, settings: settings) == nil)
    }

    @Test func anItemOfATypeNotOfferedIsRejected() {
        let error = error(changing: Claim.contentItems, to: [["type": "html", "html": "<p>hi</p>"]])
        #expect(error?.code == "dl.type-not-offered")
        #expect(error?.path == "$['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'][0].type")
    }

    @Test func moreThanOneItemWhenMultipleWasNotAcceptedIsRejected() {
        let two: LTIJSON = [["type": "link", "url": "https://a.example"], ["type": "link", "url": "https://b.example"]]
        #expect(error(changing: Claim.contentItems, to: two)?.code == "dl.multiple-not-accepted")
        var settings = Self.settings
        settings.acceptMultiple = true
        #expect(error(changing: Claim.contentItems, to: two, settings: settings) == nil)
    }

    @Test func noItemsIsACancelNotAnError() throws {
        var claims = Self.valid
        claims[Claim.contentItems] = nil
        claims[Claim.errorMessage] = "選択がキャンセルされました"
        let response = try validate(claims)
        #expect(response.contentItems.isEmpty)
        #expect(response.errorMessage == "選択がキャンセルされました")
    }

    @Test func anInvalidItemNamesItsPath() {
        let error = error(changing: Claim.contentItems, to: [["type": "link", "title": "no url"]])
        #expect(error?.code == "dl.content-item-invalid")
        #expect(error?.path == "$['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'][0].url")
    }

    @Test func settingsUseTheSpecKeys() throws {
        let json = try JSONDecoder().decode([String: LTIJSON].self, from: JSONEncoder().encode(Self.settings))
        #expect(json["deep_link_return_url"] == "https://kakehashi.example/lti/deep-link/return")
        #expect(json["accept_types"] == ["ltiResourceLink", "link"])
        #expect(json["accept_presentation_document_targets"] == ["iframe", "window"])
        #expect(json["accept_multiple"] == false)
        #expect(json["data"] == "req-42")
    }
}
