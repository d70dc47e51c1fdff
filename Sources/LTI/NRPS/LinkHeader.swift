import Foundation

/// The HTTP `Link` header (RFC 8288) that pages NRPS memberships and AGS line items:
/// `<https://…/members?page=2>; rel="next", <https://…/members?since=…>; rel="differences"`.
///
/// NRPS 2.0 §2.4 pages only through this header. Some tool libraries lowercase header names
/// (and sometimes whole headers), so parsing matches the name `link` and the `rel` values
/// without regard to case. The URLs themselves are kept as sent; URLs we build for paging
/// should carry no case-sensitive tokens, so they still work if a tool lowercases them.
public struct LinkHeader: Sendable, Equatable {
    public struct Link: Sendable, Equatable {
        public var url: String
        /// The relation types, e.g. `["next"]`.
        public var relations: [String]

        public init(url: String, relations: [String]) {
            self.url = url
            self.relations = relations
        }
    }

    public var links: [Link]

    public init(links: [Link] = []) {
        self.links = links
    }

    /// A header with the given `next`, `prev`, `first`, `last` and `differences` URLs (nil ones left out).
    public init(
        next: String? = nil, previous: String? = nil, first: String? = nil, last: String? = nil,
        differences: String? = nil
    ) {
        let pairs: [(String?, String)] = [
            (next, "next"), (previous, "prev"), (first, "first"), (last, "last"), (differences, "differences"),
        ]
        links = pairs.compactMap { url, rel in url.map { Link(url: $0, relations: [rel]) } }
    }

    // MARK: - Reading links

    /// The URL of the first link whose relations include `relation` (compared without case).
    public func url(for relation: String) -> String? {
        let wanted = relation.lowercased()
        return links.first { $0.relations.contains { $0.lowercased() == wanted } }?.url
    }

    public var next: String? { url(for: "next") }
    public var differences: String? { url(for: "differences") }

    // MARK: - Building

    /// The header value: `<url>; rel="next", <url>; rel="differences"`.
    public var value: String {
        links.map { "<\($0.url)>; rel=\"\($0.relations.joined(separator: " "))\"" }.joined(separator: ", ")
    }

    public static let name = "Link"

    // MARK: - Parsing

    /// Reads the `Link` header among `headers`, whatever the case of its name. Several `Link`
    /// headers are read as one list.
    public static func parse(headers: [(name: String, value: String)]) -> LinkHeader {
        let values = headers.filter { $0.name.lowercased() == "link" }.map(\.value)
        return LinkHeader(links: values.flatMap { parse($0).links })
    }

    /// Reads a header value. Malformed entries are skipped rather than failing the whole header.
    public static func parse(_ value: String) -> LinkHeader {
        var links: [Link] = []
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let url = String(rest[rest.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
            rest = rest[rest.index(after: close)...]
            // The parameters run until the next comma outside quotes.
            var parameters = ""
            var inQuotes = false
            var end = rest.endIndex
            for index in rest.indices {
                let character = rest[index]
                if character == "\"" { inQuotes.toggle() }
                if character == "," && !inQuotes {
                    end = index
                    break
                }
                parameters.append(character)
            }
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
            links.append(Link(url: url, relations: relations(in: parameters)))
        }
        return LinkHeader(links: links)
    }

    private static func relations(in parameters: String) -> [String] {
        for parameter in parameters.split(separator: ";") {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "rel" else {
                continue
            }
            let raw = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return raw.split(separator: " ").map(String.init)
        }
        return []
    }
}
