import Foundation

/// The properties the LRS sets on every statement it stores (xAPI Data §2.4.1, §2.4.8, §2.4.9).
public struct LRSAssignment: Sendable {
    /// The `stored` instant (also the `timestamp` of statements without one, §2.4.7.s3.b2).
    public var stored: Date {
        didSet { storedTimestamp = Timestamp(stored) }
    }
    /// The `authority` for the credentials used; always replaces a submitted authority
    /// (§2.4.9.s3.b4). An Agent, or a Group of two Agents for 3-legged OAuth.
    public var authority: JSON
    /// Makes ids for statements that arrive without one.
    public var makeID: @Sendable () -> UUID
    /// ``stored`` formatted once for every statement of the request.
    private(set) var storedTimestamp: Timestamp

    public init(stored: Date, authority: JSON, makeID: @escaping @Sendable () -> UUID = { UUID() }) {
        self.stored = stored
        self.storedTimestamp = Timestamp(stored)
        self.authority = authority
        self.makeID = makeID
    }
}
