import OneRoster

/// What an import did, per entity, and why it stopped if it did.
public struct RosterImportSummary: Sendable, Codable {
    public struct Counts: Sendable, Codable, Equatable {
        public var created = 0
        public var updated = 0
        public var deactivated = 0
        public var unchanged = 0
        /// Delta rows older than the stored record (dateLastModified), not applied.
        public var stale = 0

        public init() {}
        public var changed: Int { created + updated + deactivated }
    }

    public enum Result: String, Sendable, Codable {
        case applied
        case unchanged
        case rejectedInvalid = "rejected-invalid"
        case rejectedShrink = "rejected-shrink"
        case failed
    }

    public var tenant: String
    public var result: Result
    public var packageSHA256: String
    public var profile: String
    /// Entity (file name without `.csv`) → counts, in processing order.
    public var counts: [String: Counts] = [:]
    public var validation: ValidationReport?
    public var message: String = ""
    public var seconds: Double = 0

    public var isApplied: Bool { result == .applied || result == .unchanged }

    /// The entities in processing order that the package touched.
    public var orderedCounts: [(String, Counts)] {
        RosterFile.allCases.compactMap { file in counts[file.rawValue].map { (file.rawValue, $0) } }
    }
}

/// An import that was refused; nothing was changed.
public struct RosterImportRejected: Error, Sendable, CustomStringConvertible {
    public var summary: RosterImportSummary
    public var description: String { summary.message }
}
