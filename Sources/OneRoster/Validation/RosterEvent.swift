/// What the validator hands to a consumer (the importer) while it streams through a package.
///
/// Only rows without errors are handed on; whether the package as a whole is valid is known when
/// the stream ends (`ValidationReport.isValid`), so a consumer applies nothing before that.
public enum RosterEvent: Sendable {
    case fileStarted(RosterFile, FileMode)
    case record(RosterRecord)
    case fileFinished(RosterFile, FileMode)
}

/// Options for ``RosterValidator``.
public struct ValidationOptions: Sendable {
    /// How many problems are listed; the rest are counted.
    public var maxDiagnostics: Int
    /// The sourcedIds already in the target roster, per file, when validating for an import:
    /// references that a package leaves out (delta files, absent files) must resolve there.
    /// `nil` when validating a package on its own.
    public var existingIds: [RosterFile: Set<String>]?
    /// Org sourcedId → org type of the target roster, to check that a reference to a school
    /// points at a school.
    public var existingOrgTypes: [String: String]

    public init(maxDiagnostics: Int = 1000, existingIds: [RosterFile: Set<String>]? = nil, existingOrgTypes: [String: String] = [:]) {
        self.maxDiagnostics = maxDiagnostics
        self.existingIds = existingIds
        self.existingOrgTypes = existingOrgTypes
    }
}
