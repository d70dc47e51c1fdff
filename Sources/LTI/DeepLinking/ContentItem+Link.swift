extension ContentItem {
    /// `type: "link"` (DL 2.0 §3.2): a plain web link.
    public struct Link: Codable, Sendable, Equatable {
        public var url: String
        public var title: String?
        public var text: String?
        public var icon: Icon?
        public var thumbnail: Icon?
        public var embed: Embed?
        public var window: Window?
        public var iframe: Iframe?

        public init(
            url: String, title: String? = nil, text: String? = nil, icon: Icon? = nil, thumbnail: Icon? = nil,
            embed: Embed? = nil, window: Window? = nil, iframe: Iframe? = nil
        ) {
            self.url = url
            self.title = title
            self.text = text
            self.icon = icon
            self.thumbnail = thumbnail
            self.embed = embed
            self.window = window
            self.iframe = iframe
        }
    }
}
