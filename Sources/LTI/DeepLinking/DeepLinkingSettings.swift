/// The settings claim of a Deep Linking request (DL 2.0 §4.4.1): what content the platform asks
/// the tool for and where to send it back.
public struct DeepLinkingSettings: Codable, Sendable, Equatable {
    public static let claimName = LTIClaimName.deepLinkingSettings

    /// Where the tool POSTs its response (form field `JWT`).
    public var deepLinkReturnURL: String
    /// Content item types offered, e.g. `["ltiResourceLink"]` (``ContentItem/Kind``).
    public var acceptTypes: [String]
    /// `iframe`, `window`, `embed`; must not be empty.
    public var acceptPresentationDocumentTargets: [String]
    /// Media types for `file` items, comma-separated (`image/*,text/html`).
    public var acceptMediaTypes: String?
    public var acceptMultiple: Bool?
    public var acceptLineItem: Bool?
    public var autoCreate: Bool?
    public var title: String?
    public var text: String?
    /// Opaque value the tool must echo back unchanged; we sign a reference to the request here.
    public var data: String?

    public init(
        deepLinkReturnURL: String, acceptTypes: [String] = [ContentItem.Kind.ltiResourceLink.rawValue],
        acceptPresentationDocumentTargets: [String] = ["iframe", "window"], acceptMediaTypes: String? = nil,
        acceptMultiple: Bool? = nil, acceptLineItem: Bool? = nil, autoCreate: Bool? = nil, title: String? = nil,
        text: String? = nil, data: String? = nil
    ) {
        self.deepLinkReturnURL = deepLinkReturnURL
        self.acceptTypes = acceptTypes
        self.acceptPresentationDocumentTargets = acceptPresentationDocumentTargets
        self.acceptMediaTypes = acceptMediaTypes
        self.acceptMultiple = acceptMultiple
        self.acceptLineItem = acceptLineItem
        self.autoCreate = autoCreate
        self.title = title
        self.text = text
        self.data = data
    }

    enum CodingKeys: String, CodingKey {
        case deepLinkReturnURL = "deep_link_return_url"
        case acceptTypes = "accept_types"
        case acceptPresentationDocumentTargets = "accept_presentation_document_targets"
        case acceptMediaTypes = "accept_media_types"
        case acceptMultiple = "accept_multiple"
        case acceptLineItem = "accept_lineitem"
        case autoCreate = "auto_create"
        case title, text, data
    }
}
