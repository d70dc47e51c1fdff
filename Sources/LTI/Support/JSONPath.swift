/// Builds the JSON paths (`$.scoreGiven`, `$.redirect_uris[0]`,
/// `$['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'][2].type`) that locate a
/// problem in an error, so a tool developer can find it in the document they sent.
public enum JSONPath {
    /// The root path `$`.
    public static let root = "$"

    /// `base` followed by the member `key`: dot notation for plain names, bracket notation for
    /// claim URIs and other keys with punctuation.
    public static func member(_ key: String, of base: String = root) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_")
        }
        if plain { return "\(base).\(key)" }
        let escaped = key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        return "\(base)['\(escaped)']"
    }

    /// `base` followed by the array index `index`.
    public static func index(_ index: Int, of base: String = root) -> String {
        "\(base)[\(index)]"
    }

    /// The path of a `Codable` coding path, below `base`.
    public static func path(_ codingPath: [any CodingKey], from base: String = root) -> String {
        codingPath.reduce(base) { path, key in
            if let index = key.intValue { return Self.index(index, of: path) }
            return member(key.stringValue, of: path)
        }
    }
}
