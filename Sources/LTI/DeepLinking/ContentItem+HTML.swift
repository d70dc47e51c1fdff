extension ContentItem {
    /// `type: "html"` (DL 2.0 §3.4): an HTML fragment to embed. Sanitise before showing it.
    public struct HTML: Codable, Sendable, Equatable {
        public var html: String
        public var title: String?
        public var text: String?

        public init(html: String, title: String? = nil, text: String? = nil) {
            self.html = html
            self.title = title
            self.text = text
        }
    }
}
