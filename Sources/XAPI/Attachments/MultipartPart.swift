/// One body part of a `multipart/mixed` message (RFC 2046 §5.1): its header fields and raw bytes.
public struct MultipartPart: Sendable, Hashable {
    /// A header field as received (names are compared case-insensitively).
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var headers: [Header]
    public var body: [UInt8]

    public init(headers: [Header], body: [UInt8]) {
        self.headers = headers
        self.body = body
    }

    /// The value of the header `name` (case-insensitive), trimmed.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}
