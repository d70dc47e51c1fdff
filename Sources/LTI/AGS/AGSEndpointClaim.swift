/// The Assignment and Grade Services claim of a launch (AGS 2.0 §3.1): where the tool finds the
/// line items of the context and, when the link has exactly one, that line item.
public struct AGSEndpointClaim: Codable, Sendable, Equatable {
    public static let claimName = LTIClaimName.agsEndpoint

    /// The scopes the tool may request for this context (``AGSScope``).
    public var scope: [String]
    /// The line items container URL of the context.
    public var lineitems: String
    /// The line item of this resource link — only when the link has exactly one.
    public var lineitem: String?

    public init(scope: [String], lineitems: String, lineitem: String? = nil) {
        self.scope = scope
        self.lineitems = lineitems
        self.lineitem = lineitem
    }
}
