/// The outcome of validating a package: every problem (up to a cap, with the full count), the
/// profile it was checked against, and what each file held.
public struct ValidationReport: Sendable, Codable {
    public struct FileSummary: Sendable, Codable, Equatable {
        public var name: String
        public var mode: FileMode
        public var rows: Int
    }

    public var package: String
    /// The manifest's `oneroster.version`, as written.
    public var declaredVersion: String?
    /// The Japan Profile the package was checked against.
    public var profile: Profile
    public var profileName: String
    public var files: [FileSummary] = []
    public var diagnostics: [Diagnostic] = []
    public var errorCount = 0
    public var warningCount = 0
    public var infoCount = 0
    /// Problems beyond the cap are counted, not listed.
    public var omittedCount = 0
    /// Problem count per rule id, over all problems (listed or not).
    public var countsByRule: [String: Int] = [:]

    public var isValid: Bool { errorCount == 0 }

    public func mode(of file: RosterFile) -> FileMode {
        files.first { $0.name == file.fileName }?.mode ?? .absent
    }
}
