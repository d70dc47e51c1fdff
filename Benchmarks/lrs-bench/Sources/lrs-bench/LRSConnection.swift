import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The LRS as a client sees it: the base URL, HTTP Basic credentials and the xAPI version
/// header, over one keep-alive HTTP/1.1 connection per concurrent client.
struct LRSConnection: Sendable {
    var baseURL: String
    var authorization: String
    var timeout: Int64
    let client: HTTPClient

    static let version = "1.0.3"

    init(baseURL: String, key: String, secret: String, clients: Int, timeout: Int64) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        authorization = "Basic " + Data("\(key):\(secret)".utf8).base64EncodedString()
        self.timeout = timeout
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(timeout)),
            connectionPool: .init(idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, clients)))
        configuration.httpVersion = .http1Only
        // The server answers with small bodies; no need to ask for compression either way.
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }

    /// Reads `{"key":…,"secret":…}` (what `kakehashi lrs credentials create --format json` prints).
    static func credentials(file path: String) throws -> (key: String, secret: String) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any], let key = object["key"] as? String,
            let secret = object["secret"] as? String
        else { throw BenchError("\(path): expected {\"key\":…,\"secret\":…}") }
        return (key, secret)
    }

    struct Answer: Sendable {
        var status: UInt
        var body: ByteBuffer
    }

    /// POST /xapi/statements.
    func postStatements(_ body: ByteBuffer) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + "/xapi/statements")
        request.method = .POST
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "X-Experience-API-Version", value: Self.version)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(body)
        let response = try await client.execute(request, timeout: .seconds(timeout))
        return Answer(status: response.status.code, body: try await response.body.collect(upTo: 64 << 20))
    }

    /// GET /xapi/statements?… (parameters percent-encoded here).
    func getStatements(_ parameters: [(String, String)]) async throws -> Answer {
        let query = parameters.map { "\($0)=\(URLEncoding.encode($1))" }.joined(separator: "&")
        var request = HTTPClientRequest(url: baseURL + "/xapi/statements?" + query)
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "X-Experience-API-Version", value: Self.version)
        let response = try await client.execute(request, timeout: .seconds(timeout))
        return Answer(status: response.status.code, body: try await response.body.collect(upTo: 256 << 20))
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}
