import Foundation
import Vapor
import XAPI

/// What an LRS resource answers; the controller adds the version header and turns it into a
/// Vapor response.
struct LRSResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders = [:]
    var body: [UInt8] = []

    static let noContent = LRSResponse(status: .noContent)

    static func json(_ bytes: [UInt8], status: HTTPResponseStatus = .ok) -> LRSResponse {
        LRSResponse(status: status, headers: ["Content-Type": "application/json"], body: bytes)
    }

    static func json(_ value: JSON, status: HTTPResponseStatus = .ok) -> LRSResponse {
        json(value.encoded(), status: status)
    }

    /// An ``XAPIError`` as the body of a 4xx: `{"error": code, "message", "path"?, "offset"?}`.
    static func error(_ error: XAPIError) -> LRSResponse {
        var members: [(String, JSON)] = [("error", .string(error.code)), ("message", .string(error.message))]
        if let path = error.path { members.append(("path", .string(path))) }
        if let offset = error.offset { members.append(("offset", .number(.integer(Int64(offset))))) }
        return json(.object(JSONObject(members)), status: HTTPResponseStatus(statusCode: error.status))
    }

    static func unauthorized() -> LRSResponse {
        var response = error(XAPIError(code: "auth.required", status: 401, message: "Valid LRS credentials (HTTP Basic key and secret, or a bearer token with the xAPI scope) are required."))
        response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Basic realm=\"xAPI\", charset=\"UTF-8\"")
        return response
    }
}
