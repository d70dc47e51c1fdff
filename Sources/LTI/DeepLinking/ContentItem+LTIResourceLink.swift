extension ContentItem {
    /// `type: "ltiResourceLink"` (DL 2.0 §3.1): a new LTI link into the tool. `url` may be
    /// absent, in which case the tool's default target link URI is used.
    public struct LTIResourceLink: Codable, Sendable, Equatable {
        public var url: String?
        public var title: String?
        public var text: String?
        public var icon: Icon?
        public var thumbnail: Icon?
        public var window: Window?
        public var iframe: Iframe?
        /// Custom parameters for launches of this link; values are strings.
        public var custom: [String: String]?
        public var lineItem: LineItem?
        public var available: Period?
        public var submission: Period?

        public init(
            url: String? = nil, title: String? = nil, text: String? = nil, icon: Icon? = nil,
            thumbnail: Icon? = nil, window: Window? = nil, iframe: Iframe? = nil, custom: [String: String]? = nil,
            lineItem: LineItem? = nil, available: Period? = nil, submission: Period? = nil
        ) {
            self.url = url
            self.title = title
            self.text = text
            self.icon = icon
            self.thumbnail = thumbnail
            self.window = window
            self.iframe = iframe
            self.custom = custom
            self.lineItem = lineItem
            self.available = available
            self.submission = submission
        }
    }
}
