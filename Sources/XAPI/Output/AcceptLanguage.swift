/// An `Accept-Language` header (RFC 7231 §5.3.5, RFC 4647 basic filtering), used to choose the
/// one language the `canonical` statement format returns from each language map
/// (Communication §2.1.3.s4).
public struct AcceptLanguage: Sendable, Hashable {
    /// A language range and its quality.
    public struct Range: Sendable, Hashable {
        public var tag: String
        public var quality: Double
    }

    /// The ranges, highest quality first (stable for equal qualities).
    public var ranges: [Range]

    /// Parses a header value such as `ja-JP, ja;q=0.9, en;q=0.5`; nil or empty means no preference.
    public init(_ header: String?) {
        var parsed: [Range] = []
        for part in (header ?? "").split(separator: ",") {
            let pieces = part.split(separator: ";")
            let tag = pieces[0].trimmingCharacters(in: " \t")
            guard !tag.isEmpty else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() {
                let trimmed = parameter.trimmingCharacters(in: " \t")
                if trimmed.hasPrefix("q="), let value = Double(trimmed.dropFirst(2)) { quality = value }
            }
            if quality > 0 { parsed.append(Range(tag: tag.lowercased(), quality: quality)) }
        }
        ranges = parsed.enumerated().sorted { a, b in
            a.element.quality != b.element.quality ? a.element.quality > b.element.quality : a.offset < b.offset
        }.map(\.element)
    }

    /// The key of `map` to return: the best-ranked range that matches a key (a key matches a
    /// range when equal to it or starting with it and `-`, case-insensitively; `*` matches all),
    /// otherwise the first key of the map.
    public func choose(from map: JSONObject) -> String? {
        for range in ranges {
            for member in map.members {
                let key = member.key.lowercased()
                if range.tag == "*" || key == range.tag || key.hasPrefix(range.tag + "-") { return member.key }
            }
        }
        return map.members.first?.key
    }
}
