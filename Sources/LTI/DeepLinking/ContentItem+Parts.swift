/// Parts shared by several content item types (DL 2.0 §3.1–§3.5).
extension ContentItem {
    /// An icon or thumbnail: `{url, width, height}`.
    public struct Icon: Codable, Sendable, Equatable {
        public var url: String
        public var width: Int?
        public var height: Int?

        public init(url: String, width: Int? = nil, height: Int? = nil) {
            self.url = url
            self.width = width
            self.height = height
        }
    }

    /// How to open the item in a new window.
    public struct Window: Codable, Sendable, Equatable {
        public var targetName: String?
        public var width: Int?
        public var height: Int?
        public var windowFeatures: String?

        public init(targetName: String? = nil, width: Int? = nil, height: Int? = nil, windowFeatures: String? = nil) {
            self.targetName = targetName
            self.width = width
            self.height = height
            self.windowFeatures = windowFeatures
        }
    }

    /// How to show the item in an iframe.
    public struct Iframe: Codable, Sendable, Equatable {
        public var src: String?
        public var width: Int?
        public var height: Int?

        public init(src: String? = nil, width: Int? = nil, height: Int? = nil) {
            self.src = src
            self.width = width
            self.height = height
        }
    }

    /// An embed snippet for a `link` item.
    public struct Embed: Codable, Sendable, Equatable {
        public var html: String

        public init(html: String) {
            self.html = html
        }
    }

    /// A period given as ISO 8601 date-times: `available` and `submission` of a resource link.
    public struct Period: Codable, Sendable, Equatable {
        public var startDateTime: String?
        public var endDateTime: String?

        public init(startDateTime: String? = nil, endDateTime: String? = nil) {
            self.startDateTime = startDateTime
            self.endDateTime = endDateTime
        }
    }

    /// The line item to create, coupled to the new resource link (DL 2.0 §3.1, AGS 2.0 §3.2).
    public struct LineItem: Codable, Sendable, Equatable {
        public var scoreMaximum: Double
        public var label: String?
        public var resourceId: String?
        public var tag: String?
        public var gradesReleased: Bool?

        public init(
            scoreMaximum: Double, label: String? = nil, resourceId: String? = nil, tag: String? = nil,
            gradesReleased: Bool? = nil
        ) {
            self.scoreMaximum = scoreMaximum
            self.label = label
            self.resourceId = resourceId
            self.tag = tag
            self.gradesReleased = gradesReleased
        }
    }
}
