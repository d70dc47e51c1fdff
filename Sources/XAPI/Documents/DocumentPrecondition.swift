/// The concurrency rules of the document resources (Communication §3.1) as a pure function of
/// the request's `If-Match` / `If-None-Match` and the current document's ETag.
public enum DocumentPrecondition {
    /// The document resources.
    public enum Resource: Sendable {
        case state, activityProfile, agentProfile
    }

    /// Write methods the rules apply to.
    public enum Method: Sendable {
        case put, post, delete
    }

    /// What the LRS should do.
    public enum Outcome: Sendable, Equatable {
        /// Go ahead with the write.
        case proceed
        /// 412 Precondition Failed: `If-Match` did not match, or `If-None-Match: *` and the
        /// document exists. Nothing is modified.
        case preconditionFailed
        /// 409 Conflict: a PUT without either header onto an existing document. The response
        /// should tell the client to fetch the document and send If-Match with its ETag.
        case conflict

        /// The HTTP status, or nil for ``proceed``.
        public var status: Int? {
            switch self {
            case .proceed: nil
            case .preconditionFailed: 412
            case .conflict: 409
            }
        }
    }

    /// Evaluates the preconditions. `currentETag` is the ETag of the existing document (from
    /// ``ETag/compute(_:)``), nil when there is none.
    ///
    /// - `If-Match`: proceeds only if a document exists and its ETag is listed (or `*`).
    /// - `If-None-Match`: fails if a document exists and `*` or its ETag is listed.
    /// - PUT with neither header onto an existing document: 409 for the profile resources in
    ///   1.0.3 (§3.1.s3 exempts the State resource, so its PUT proceeds), and for all three in 2.0
    ///   (the 2.0 conformance suite expects 409 for State as well).
    public static func evaluate(
        method: Method, resource: Resource, version: XAPIVersion,
        currentETag: String?, ifMatch: String?, ifNoneMatch: String?
    ) -> Outcome {
        let current = currentETag.map { ETag.tags($0).first ?? $0 }
        if let ifMatch {
            let tags = ETag.tags(ifMatch)
            guard let current, tags.contains("*") || tags.contains(current) else { return .preconditionFailed }
        }
        if let ifNoneMatch, let current {
            let tags = ETag.tags(ifNoneMatch)
            if tags.contains("*") || tags.contains(current) { return .preconditionFailed }
        }
        if method == .put, ifMatch == nil, ifNoneMatch == nil, current != nil {
            if resource == .state, version == .v1_0_3 { return .proceed }
            return .conflict
        }
        return .proceed
    }
}
