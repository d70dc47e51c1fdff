import Foundation

/// One item a tool returns in a Deep Linking response (DL 2.0 §3): a new LTI link, or a plain
/// link, file, HTML fragment or image. Decoding an item whose `type` is none of these throws
/// ``LTIError`` `dl.unknown-type`.
public enum ContentItem: Sendable, Equatable {
    case ltiResourceLink(LTIResourceLink)
    case link(Link)
    case file(File)
    case html(HTML)
    case image(Image)

    /// The `type` values of content items.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case ltiResourceLink, link, file, html, image
    }

    public var kind: Kind {
        switch self {
        case .ltiResourceLink: .ltiResourceLink
        case .link: .link
        case .file: .file
        case .html: .html
        case .image: .image
        }
    }

    public var title: String? {
        switch self {
        case .ltiResourceLink(let item): item.title
        case .link(let item): item.title
        case .file(let item): item.title
        case .html(let item): item.title
        case .image(let item): item.title
        }
    }
}

// MARK: - Codable

extension ContentItem: Codable {
    private enum TypeKey: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TypeKey.self)
        let type = try container.decode(String.self, forKey: .type)
        guard let kind = Kind(rawValue: type) else {
            throw LTIError.dlUnknownContentType(type, path: JSONPath.path(decoder.codingPath + [TypeKey.type]))
        }
        switch kind {
        case .ltiResourceLink: self = .ltiResourceLink(try LTIResourceLink(from: decoder))
        case .link: self = .link(try Link(from: decoder))
        case .file: self = .file(try File(from: decoder))
        case .html: self = .html(try HTML(from: decoder))
        case .image: self = .image(try Image(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(kind.rawValue, forKey: .type)
        switch self {
        case .ltiResourceLink(let item): try item.encode(to: encoder)
        case .link(let item): try item.encode(to: encoder)
        case .file(let item): try item.encode(to: encoder)
        case .html(let item): try item.encode(to: encoder)
        case .image(let item): try item.encode(to: encoder)
        }
    }
}
