/// The OneRoster 1.2 CSV files Kakehashi reads and stores (the rostering files).
///
/// Cases are listed in processing order: every file refers only to files before it (or to
/// itself), so a package can be validated and imported in one streaming pass.
public enum RosterFile: String, CaseIterable, Sendable, Codable, Hashable {
    case orgs
    case academicSessions
    case courses
    case classes
    case users
    case userProfiles
    case roles
    case enrollments
    case demographics

    /// The file name inside a package, such as `users.csv`.
    public var fileName: String { rawValue + ".csv" }

    /// Every data file the OneRoster 1.2 CSV binding names in `manifest.csv` (`file.<name>`).
    public static let allSpecificationFiles: [String] = [
        "academicSessions", "categories", "classes", "classResources", "courses", "courseResources",
        "demographics", "enrollments", "lineItemLearningObjectiveIds", "lineItems", "lineItemScoreScales",
        "orgs", "resources", "resultLearningObjectiveIds", "results", "resultScoreScales", "roles",
        "scoreScales", "userProfiles", "userResources", "users",
    ]

    /// Gradebook and resources files: valid OneRoster, but not part of rostering, so reported as
    /// not supported rather than silently dropped.
    public static var unsupportedSpecificationFiles: [String] {
        let supported = Set(allCases.map(\.rawValue))
        return allSpecificationFiles.filter { !supported.contains($0) }
    }

    /// The singular noun used in messages (`user`, `class`).
    public var entityName: String {
        switch self {
        case .orgs: "org"
        case .academicSessions: "academicSession"
        case .courses: "course"
        case .classes: "class"
        case .users: "user"
        case .userProfiles: "userProfile"
        case .roles: "role"
        case .enrollments: "enrollment"
        case .demographics: "demographics"
        }
    }
}

/// How a file is delivered, from `manifest.csv` (`file.<name>`).
public enum FileMode: String, Sendable, Codable {
    case absent
    case bulk
    case delta
}
