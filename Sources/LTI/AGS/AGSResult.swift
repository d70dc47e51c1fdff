/// One result of a line item (AGS 2.0 §3.4): the current grade of one user, as listed in a
/// result container (`application/vnd.ims.lis.v2.resultcontainer+json`).
///
/// Named `AGSResult` rather than `Result` so that code importing `LTI` keeps `Swift.Result`.
public struct AGSResult: Codable, Sendable, Equatable {
    /// The result's URL: `{lineitem}/results/{userId}`.
    public var id: String
    /// The line item URL this result belongs to.
    public var scoreOf: String
    public var userId: String
    public var resultScore: Double?
    public var resultMaximum: Double?
    public var comment: String?

    public init(
        id: String, scoreOf: String, userId: String, resultScore: Double? = nil, resultMaximum: Double? = nil,
        comment: String? = nil
    ) {
        self.id = id
        self.scoreOf = scoreOf
        self.userId = userId
        self.resultScore = resultScore
        self.resultMaximum = resultMaximum
        self.comment = comment
    }
}
