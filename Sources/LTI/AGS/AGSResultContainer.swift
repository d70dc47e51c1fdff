import Foundation

/// The body of `GET {lineitem}/results` (AGS 2.0 §3.4): a JSON array of results, served as
/// `application/vnd.ims.lis.v2.resultcontainer+json`.
public struct AGSResultContainer: Codable, Sendable, Equatable {
    public var results: [AGSResult]

    public init(_ results: [AGSResult]) {
        self.results = results
    }

    public init(from decoder: any Decoder) throws {
        results = try decoder.singleValueContainer().decode([AGSResult].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(results)
    }

    /// The JSON body, with keys sorted so responses are stable.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
