import Foundation
import Testing
import VaporTesting

@testable import KakehashiApp

/// One LRS call with any headers (Origin, Accept-Language, Content-Length), for the tests of
/// scopes, limits, CORS and queries; ``LRSTests/xapi(_:_:_:authorization:version:body:contentType:)``
/// covers the plain cases.
func lrsCall(
    _ app: Application, _ method: HTTPMethod, _ path: String, authorization: String? = nil, version: String? = "1.0.3", headers: [(String, String)] = [],
    body: String? = nil, contentType: String = "application/json"
) async throws -> LRSTests.Answer {
    var answer = LRSTests.Answer(status: .ok, body: "", headers: [:])
    try await app.testing().test(method, path.hasPrefix("/") ? path : "xapi/" + path, beforeRequest: { request in
        if let authorization { request.headers.replaceOrAdd(name: .authorization, value: authorization) }
        if let version { request.headers.replaceOrAdd(name: "X-Experience-API-Version", value: version) }
        if let body {
            request.headers.replaceOrAdd(name: .contentType, value: contentType)
            request.body = ByteBuffer(string: body)
        }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
    }) { response async in answer = LRSTests.Answer(status: response.status, body: response.body.string, headers: response.headers) }
    return answer
}

/// The statements of a StatementResult, as JSON objects.
func statementsOf(_ answer: LRSTests.Answer) throws -> [[String: Any]] {
    let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any], "\(answer.body)")
    return try #require(object["statements"] as? [[String: Any]])
}

/// The ids of a StatementResult's statements, in order.
func idsOf(_ answer: LRSTests.Answer) throws -> [String] {
    try statementsOf(answer).compactMap { $0["id"] as? String }
}

/// A valid statement by a fresh agent, with `object` (JSON) as its object.
func lrsStatement(id: UUID = UUID(), mbox: String = "mailto:\(UUID().uuidString.lowercased())@example.org", verb: String = "http://adlnet.gov/expapi/verbs/experienced", object: String) -> String {
    #"{"id":"\#(id.uuidString.lowercased())","actor":{"objectType":"Agent","mbox":"\#(mbox)"},"verb":{"id":"\#(verb)","display":{"en-US":"experienced"}},"object":\#(object)}"#
}

func statementRef(_ id: UUID) -> String { #"{"objectType":"StatementRef","id":"\#(id.uuidString.lowercased())"}"# }
