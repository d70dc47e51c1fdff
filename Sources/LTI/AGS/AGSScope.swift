/// The OAuth 2.0 scopes of Assignment and Grade Services 2.0 (§3.1).
public enum AGSScope {
    /// Create, read, update and delete line items.
    public static let lineItem = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
    /// Read line items only.
    public static let lineItemReadOnly = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
    /// Read results.
    public static let resultReadOnly = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
    /// Post scores.
    public static let score = "https://purl.imsglobal.org/spec/lti-ags/scope/score"

    public static let all: [String] = [lineItem, lineItemReadOnly, resultReadOnly, score]
}
