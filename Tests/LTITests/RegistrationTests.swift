import Foundation
import Testing

@testable import LTI

/// LTI Dynamic Registration 1.0 §3.4–§3.6: our configuration, and a tool's request.
@Suite("Dynamic Registration")
struct RegistrationTests {
    static let request = #"""
        {
          "application_type": "web",
          "grant_types": ["client_credentials", "implicit"],
          "response_types": ["id_token"],
          "redirect_uris": ["https://tool.example/launch", "http://localhost:8080/launch"],
          "initiate_login_uri": "https://tool.example/login",
          "client_name": "デジタルドリル",
          "jwks_uri": "https://tool.example/.well-known/jwks.json",
          "logo_uri": "https://tool.example/logo.png",
          "token_endpoint_auth_method": "private_key_jwt",
          "scope": "https://purl.imsglobal.org/spec/lti-ags/scope/score https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
          "https://purl.imsglobal.org/spec/lti-tool-configuration": {
            "domain": "tool.example",
            "target_link_uri": "https://tool.example/launch",
            "custom_parameters": {"grade": "$Context.id"},
            "claims": ["iss", "sub", "name"],
            "description": "計算ドリル",
            "messages": [
              {"type": "LtiDeepLinkingRequest", "target_link_uri": "https://tool.example/dl", "label": "ドリルを追加",
               "placements": ["ContentArea"], "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
               "custom_parameters": {"mode": "pick"}}
            ]
          }
        }
        """#

    func registration(_ edit: (inout [String: LTIJSON]) -> Void = { _ in }) throws -> ClientRegistration {
        var object = try JSONDecoder().decode([String: LTIJSON].self, from: Data(Self.request.utf8))
        edit(&object)
        return try ClientRegistration.decode(JSONEncoder().encode(object))
    }

    func paths(_ edit: (inout [String: LTIJSON]) -> Void) throws -> [String?] {
        try registration(edit).validate().map(\.path)
    }

    @Test func aCompleteRequestHasNoProblems() throws {
        let registration = try registration()
        #expect(registration.validate().isEmpty)
        #expect(registration.toolConfiguration?.messages?.first?.label == "ドリルを追加")
        #expect(registration.scopes.count == 2)
    }

    @Test func redirectURIsMustBeHTTPSOrLoopback() throws {
        let problems = try registration {
            $0["redirect_uris"] = ["https://ok.example/a", "http://tool.example/launch", "http://127.0.0.1/x", "https://t.example/#frag"]
        }.validate()
        #expect(problems.map(\.path) == ["$.redirect_uris[1]", "$.redirect_uris[3]"])
        #expect(problems.allSatisfy { $0.oauthError == "invalid_redirect_uri" && $0.status == 400 })
    }

    @Test func grantTypesNeedClientCredentialsAndImplicit() throws {
        #expect(try paths { $0["grant_types"] = ["implicit"] } == ["$.grant_types"])
        #expect(try paths { $0["grant_types"] = nil } == ["$.grant_types"])
    }

    @Test func responseTypesNeedIDToken() throws {
        #expect(try paths { $0["response_types"] = ["code"] } == ["$.response_types"])
    }

    @Test func authMethodMustBePrivateKeyJWT() throws {
        let problems = try registration { $0["token_endpoint_auth_method"] = "client_secret_basic" }.validate()
        #expect(problems.map(\.code) == ["reg.token-endpoint-auth-method"])
        #expect(problems.first?.oauthError == "invalid_client_metadata")
    }

    @Test func loginAndJWKSURIsAreRequired() throws {
        #expect(try paths { $0["initiate_login_uri"] = nil; $0["jwks_uri"] = nil } == ["$.initiate_login_uri", "$.jwks_uri"])
        #expect(try paths { $0["jwks_uri"] = "ftp://tool.example/jwks" } == ["$.jwks_uri"])
    }

    @Test func everyProblemIsReportedNotJustTheFirst() throws {
        let problems = try paths {
            $0["application_type"] = "native"
            $0["redirect_uris"] = []
            $0["client_name"] = nil
        }
        #expect(problems == ["$.application_type", "$.redirect_uris", "$.client_name"])
    }

    @Test func theToolConfigurationIsRequiredWithDomainAndTarget() throws {
        let key = ToolConfiguration.key
        #expect(try paths { $0[key] = nil } == ["$['\(key)']"])
        let problems = try paths {
            $0[key] = ["messages": [["type": "LtiSubmissionReviewRequest"]]]
        }
        #expect(problems == ["$['\(key)'].domain", "$['\(key)'].target_link_uri", "$['\(key)'].messages[0].type"])
    }

    @Test func aMemberOfTheWrongTypeIsLocated() {
        let error = ltiError {
            _ = try ClientRegistration.decode(Data(#"{"redirect_uris": "https://tool.example/launch"}"#.utf8))
        }
        #expect(error?.code == "reg.invalid")
        #expect(error?.path == "$.redirect_uris")
        #expect(error?.oauthError == "invalid_client_metadata")
    }

    @Test func theResponseEchoesTheRequestWithClientAndDeployment() throws {
        let response = try registration().registered(clientID: "c-123", deploymentID: "d-9")
        let json = try JSONDecoder().decode([String: LTIJSON].self, from: JSONEncoder().encode(response))
        #expect(json["client_id"] == "c-123")
        #expect(json[ToolConfiguration.key]?["deployment_id"] == "d-9")
        #expect(json["client_name"] == "デジタルドリル")
        #expect(json["redirect_uris"]?.array?.count == 2)
    }

    @Test func platformConfigurationHasEveryKeyTheSpecLists() throws {
        let configuration = PlatformConfiguration(
            issuer: "https://kakehashi.example", authorizationEndpoint: "https://kakehashi.example/lti/auth",
            tokenEndpoint: "https://kakehashi.example/lti/token", jwksURI: "https://kakehashi.example/lti/jwks",
            registrationEndpoint: "https://kakehashi.example/lti/register",
            scopesSupported: ["openid", AGSScope.score, NRPSScope.contextMembershipReadOnly],
            claimsSupported: ["iss", "sub", "aud", "name"],
            ltiPlatformConfiguration: LTIPlatformConfiguration(
                productFamilyCode: "kakehashi", version: "0.1.0",
                messagesSupported: [.init(type: "LtiResourceLinkRequest"), .init(type: "LtiDeepLinkingRequest", placements: ["ContentArea"])],
                variables: ["ResourceLink.id", "Context.id"]))
        let json = try JSONDecoder().decode([String: LTIJSON].self, from: JSONEncoder().encode(configuration))
        let expected: Set<String> = [
            "issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint", "scopes_supported",
            "response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported",
            "claims_supported", "token_endpoint_auth_methods_supported", "token_endpoint_auth_signing_alg_values_supported",
            LTIPlatformConfiguration.key,
        ]
        #expect(Set(json.keys) == expected)
        #expect(json["token_endpoint_auth_methods_supported"] == ["private_key_jwt"])
        #expect(json["token_endpoint_auth_signing_alg_values_supported"] == ["RS256"])
        #expect(json["response_types_supported"] == ["id_token"])
        let lti = try #require(json[LTIPlatformConfiguration.key]?.object)
        #expect(Set(lti.keys) == ["product_family_code", "version", "messages_supported", "variables"])
        #expect(lti["messages_supported"]?.array?.last?["placements"] == ["ContentArea"])
    }
}
