/// The media types of the AGS 2.0 service calls, for `Content-Type` and `Accept` (§3.2–§3.4).
public enum AGSMediaType {
    public static let lineItemContainer = "application/vnd.ims.lis.v2.lineitemcontainer+json"
    public static let lineItem = "application/vnd.ims.lis.v2.lineitem+json"
    public static let score = "application/vnd.ims.lis.v1.score+json"
    public static let resultContainer = "application/vnd.ims.lis.v2.resultcontainer+json"

    /// Whether a `Content-Type` header value names `mediaType`, ignoring case and parameters
    /// such as `; charset=utf-8`.
    public static func matches(_ headerValue: String?, _ mediaType: String) -> Bool {
        guard let headerValue else { return false }
        let essence = headerValue.split(separator: ";", maxSplits: 1).first ?? ""
        return essence.trimmingCharacters(in: .whitespaces).lowercased() == mediaType.lowercased()
    }
}
