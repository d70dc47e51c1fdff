import Foundation
import Vapor
import XAPI

/// One LRS call as the resources see it: method, parameters (exact names, as sent), headers and
/// body. Made from the HTTP request, or from the form of the Alternate Request Syntax (1.0.3
/// Communication §1.3), which carries headers, parameters and content as form fields.
struct LRSRequest: Sendable {
    var method: HTTPMethod
    var parameters: LRSParameters
    var headers: HTTPHeaders
    var body: [UInt8]

    init(method: HTTPMethod, parameters: LRSParameters, headers: HTTPHeaders, body: [UInt8]) {
        self.method = method
        self.parameters = parameters
        self.headers = headers
        self.body = body
    }

    /// The HTTP request as it came, with HEAD read as GET (the body is dropped on the way out).
    init(_ request: Request) {
        self.init(
            method: request.method == .HEAD ? .GET : request.method, parameters: LRSParameters(query: request.url.query ?? ""), headers: request.headers,
            body: request.body.data.map { Array($0.readableBytesView) } ?? [])
    }

    /// Headers the Alternate Request Syntax may carry as form fields.
    static let alternateHeaders = ["authorization", "x-experience-api-version", "content-type", "content-length", "if-match", "if-none-match"]

    /// Reads `POST ?method=…` (1.0.3 only): the query holds nothing but `method`; the form holds
    /// the headers, the other parameters and `content`. Returns nil when the request does not
    /// use the syntax.
    static func alternate(_ request: LRSRequest) throws(XAPIError) -> LRSRequest? {
        guard let method = request.parameters.first("method") else { return nil }
        guard request.method == .POST else {
            throw XAPIError(code: "alternate-syntax.not-post", message: "The method parameter (Alternate Request Syntax) is allowed only on POST.")
        }
        guard request.parameters.items.count == 1 else {
            throw XAPIError(
                code: "alternate-syntax.query-parameters",
                message: "With the Alternate Request Syntax every parameter but method must be sent in the form body.")
        }
        guard let type = request.headers.first(name: .contentType), MediaType.essence(type) == "application/x-www-form-urlencoded" else {
            throw XAPIError(code: "alternate-syntax.content-type", message: "The Alternate Request Syntax needs Content-Type application/x-www-form-urlencoded.")
        }
        let upper = method.uppercased()
        guard ["GET", "HEAD", "PUT", "POST", "DELETE"].contains(upper) else {
            throw XAPIError(code: "alternate-syntax.method", message: "method must be GET, HEAD, PUT, POST or DELETE; got \"\(method)\".")
        }
        let form = LRSParameters(query: String(decoding: request.body, as: UTF8.self))
        var headers = request.headers
        headers.remove(name: .contentType)
        var parameters: [(String, String)] = []
        var body: [UInt8] = []
        for (name, value) in form.items {
            if name == "content" {
                body = Array(value.utf8)
            } else if alternateHeaders.contains(name.lowercased()) {
                headers.replaceOrAdd(name: name, value: value)
            } else {
                parameters.append((name, value))
            }
        }
        return LRSRequest(method: HTTPMethod(rawValue: upper), parameters: LRSParameters(items: parameters), headers: headers, body: body)
    }
}

/// Query (or form) parameters in the order sent, names compared exactly (Communication §1.2:
/// parameter names are case-sensitive, so `Verb` is an unknown parameter).
struct LRSParameters: Sendable {
    var items: [(String, String)]

    init(items: [(String, String)]) { self.items = items }

    /// `a=1&b=x%20y`, with `+` as a space.
    init(query: String) {
        items = query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    func first(_ name: String) -> String? { items.first { $0.0 == name }?.1 }

    var names: [String] { items.map(\.0) }

    /// Refuses names outside `allowed` and names given twice.
    func check(allowed: Set<String>) throws(XAPIError) {
        var seen = Set<String>()
        for (name, _) in items {
            guard allowed.contains(name) else {
                let hint = allowed.first { $0.lowercased() == name.lowercased() }.map { " (parameter names are case-sensitive: \($0))" } ?? ""
                throw XAPIError(code: "parameter.unknown", path: name, message: "Unknown parameter \"\(name)\"\(hint).")
            }
            guard seen.insert(name).inserted else {
                throw XAPIError(code: "parameter.repeated", path: name, message: "The parameter \"\(name)\" is given more than once.")
            }
        }
    }

    // MARK: - Typed values (each refusal names the parameter)

    func iri(_ name: String) throws(XAPIError) -> String? {
        guard let value = first(name) else { return nil }
        guard IRI.isValid(value) else { throw XAPIError(code: "parameter.iri-invalid", path: name, message: "\(name) must be an IRI; got \"\(value)\".") }
        return value
    }

    func uuid(_ name: String) throws(XAPIError) -> UUID? {
        guard let value = first(name) else { return nil }
        guard let uuid = UUIDText.parse(value) else { throw XAPIError(code: "parameter.uuid-invalid", path: name, message: "\(name) must be a UUID; got \"\(value)\".") }
        return uuid
    }

    func bool(_ name: String) throws(XAPIError) -> Bool? {
        guard let value = first(name) else { return nil }
        switch value {
        case "true": return true
        case "false": return false
        default: throw XAPIError(code: "parameter.boolean-invalid", path: name, message: "\(name) must be true or false; got \"\(value)\".")
        }
    }

    func timestamp(_ name: String, version: XAPIVersion) throws(XAPIError) -> Date? {
        guard let value = first(name) else { return nil }
        guard let timestamp = Timestamp.parse(value, profile: .init(version)) else {
            throw XAPIError(code: "parameter.timestamp-invalid", path: name, message: "\(name) must be a timestamp; got \"\(value)\".")
        }
        return timestamp.date
    }

    func agent(_ name: String, version: XAPIVersion) throws(XAPIError) -> AgentKey? {
        guard let value = first(name) else { return nil }
        do {
            return try AgentKey(agentParameter: value, version: version)
        } catch {
            var located = error
            located.path = name + (error.path.map { String($0.dropFirst()) } ?? "")
            throw located
        }
    }

    func required(_ name: String) throws(XAPIError) -> String {
        guard let value = first(name) else { throw XAPIError(code: "parameter.missing", path: name, message: "The parameter \(name) is required.") }
        return value
    }
}
