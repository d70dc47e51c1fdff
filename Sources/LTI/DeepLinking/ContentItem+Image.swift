extension ContentItem {
    /// `type: "image"` (DL 2.0 §3.5): an image to show.
    public struct Image: Codable, Sendable, Equatable {
        public var url: String
        public var title: String?
        public var text: String?
        public var icon: Icon?
        public var thumbnail: Icon?
        public var width: Int?
        public var height: Int?

        public init(
            url: String, title: String? = nil, text: String? = nil, icon: Icon? = nil, thumbnail: Icon? = nil,
            width: Int? = nil, height: Int? = nil
        ) {
            self.url = url
            self.title = title
            self.text = text
            self.icon = icon
            self.thumbnail = thumbnail
            self.width = width
            self.height = height
        }
    }
}
