import Crypto

/// ETags of documents (Communication §3.1.s4.b2, b4): the lowercase hex SHA-1 of the document
/// bytes, in double quotes. The 2.0 conformance suite checks the same 40-digit form.
public enum ETag {
    /// `"<40 lowercase hex digits>"`.
    public static func compute(_ document: some Collection<UInt8>) -> String {
        "\"" + AttachmentPayload.hex(Insecure.SHA1.hash(data: Array(document))) + "\""
    }

    /// The entity tags of an `If-Match`/`If-None-Match` value: `*`, or a comma-separated list of
    /// tags with their quotes (and any `W/`) removed.
    static func tags(_ header: String) -> [String] {
        header.split(separator: ",").map { part in
            var tag = part.trimmingCharacters(in: " \t")
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            if tag.count >= 2, tag.hasPrefix("\""), tag.hasSuffix("\"") { tag = String(tag.dropFirst().dropLast()) }
            return tag
        }
    }
}
