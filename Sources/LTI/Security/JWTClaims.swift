import Foundation
import JWTKit

/// The payload of a tool-signed JWT as raw JSON, read claim by claim by the validators so that
/// each missing or wrong claim gets its own ``LTIError``.
///
/// JWTKit's `verify(using:)` hook is left empty on purpose: time, audience and replay checks
/// are done by ``ClientAssertionValidator`` and ``DeepLinkingResponse`` with explicit leeway.
public struct JWTClaims: JWTPayload, Sendable, Equatable {
    public var values: [String: LTIJSON]

    public init(_ values: [String: LTIJSON]) {
        self.values = values
    }

    public init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: LTIJSON].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {}

    public subscript(claim: String) -> LTIJSON? { values[claim] }

    /// The claim `name` as a string, or nil when absent or not a string.
    public func string(_ name: String) -> String? { values[name]?.string }

    /// The NumericDate claim `name` (seconds since 1970, RFC 7519 §2) as a date.
    public func date(_ name: String) -> Date? { values[name]?.number.map(Date.init(timeIntervalSince1970:)) }
}
