extension ContentItem {
    /// `type: "file"` (DL 2.0 §3.3): a file to download; `url` may expire at `expiresAt`.
    public struct File: Codable, Sendable, Equatable {
        public var url: String
        public var title: String?
        public var text: String?
        public var icon: Icon?
        public var thumbnail: Icon?
        public var expiresAt: String?

        public init(
            url: String, title: String? = nil, text: String? = nil, icon: Icon? = nil, thumbnail: Icon? = nil,
            expiresAt: String? = nil
        ) {
            self.url = url
            self.title = title
            self.text = text
            self.icon = icon
            self.thumbnail = thumbnail
            self.expiresAt = expiresAt
        }
    }
}
