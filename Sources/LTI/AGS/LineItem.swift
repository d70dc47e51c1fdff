import Foundation

/// A line item — a column of the grade book (AGS 2.0 §3.2), as sent and received with media
/// type `application/vnd.ims.lis.v2.lineitem+json`.
public struct LineItem: Codable, Sendable, Equatable {
    /// The line item's URL; set by the platform, ignored when a tool creates one.
    public var id: String?
    public var scoreMaximum: Double?
    public var label: String?
    /// The tool's own identifier for the activity.
    public var resourceId: String?
    /// The tool's own qualifier, e.g. `grade` or `originality`.
    public var tag: String?
    /// The resource link the line item is bound to, if any.
    public var resourceLinkId: String?
    public var startDateTime: String?
    public var endDateTime: String?
    public var gradesReleased: Bool?

    public init(
        id: String? = nil, scoreMaximum: Double?, label: String?, resourceId: String? = nil, tag: String? = nil,
        resourceLinkId: String? = nil, startDateTime: String? = nil, endDateTime: String? = nil,
        gradesReleased: Bool? = nil
    ) {
        self.id = id
        self.scoreMaximum = scoreMaximum
        self.label = label
        self.resourceId = resourceId
        self.tag = tag
        self.resourceLinkId = resourceLinkId
        self.startDateTime = startDateTime
        self.endDateTime = endDateTime
        self.gradesReleased = gradesReleased
    }

    // MARK: - Validation

    /// Reads and validates a line item body sent by a tool to create (POST) or replace (PUT) a
    /// line item.
    /// - Throws: ``LTIError`` (400) with the JSON path of the first problem.
    public static func decodeForWrite(_ body: Data) throws -> LineItem {
        let item = try JSONBody.decode(LineItem.self, from: body, code: "ags.lineitem.invalid")
        try item.validateForWrite()
        return item
    }

    /// The rules of AGS 2.0 §3.2.8–§3.2.9 for a line item a tool creates or updates: a
    /// non-empty `label`, a `scoreMaximum` greater than 0, date-times in ISO 8601.
    public func validateForWrite() throws {
        guard let label, !label.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw LTIError.lineItemLabelRequired()
        }
        guard let scoreMaximum, scoreMaximum > 0, scoreMaximum.isFinite else {
            throw LTIError.lineItemScoreMaximum()
        }
        if let startDateTime, ISO8601Timestamp.parse(startDateTime, requireFraction: false) == nil {
            throw LTIError.lineItemDateTime("$.startDateTime")
        }
        if let endDateTime, ISO8601Timestamp.parse(endDateTime, requireFraction: false) == nil {
            throw LTIError.lineItemDateTime("$.endDateTime")
        }
    }
}
