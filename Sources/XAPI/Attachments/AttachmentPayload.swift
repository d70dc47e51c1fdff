import Crypto

/// The raw data of one attachment, identified by its SHA-2 (Communication §1.5.2.s1.b4).
public struct AttachmentPayload: Sendable, Hashable {
    /// Lowercase hex SHA-2 of ``data``, as in the statement's `sha2`.
    public var sha2: String
    public var contentType: String?
    public var data: [UInt8]

    public init(sha2: String, contentType: String?, data: [UInt8]) {
        self.sha2 = sha2.lowercased()
        self.contentType = contentType
        self.data = data
    }

    /// The hex SHA-256, SHA-384 or SHA-512 of `data`, chosen by the length of `like` (64, 96
    /// or 128 hex digits); nil for any other length.
    public static func digest(of data: [UInt8], like hash: String) -> String? {
        switch hash.utf8.count {
        case 64: hex(SHA256.hash(data: data))
        case 96: hex(SHA384.hash(data: data))
        case 128: hex(SHA512.hash(data: data))
        default: nil
        }
    }

    static func hex(_ digest: some Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
