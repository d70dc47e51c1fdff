/// The Japan Profile variants of OneRoster 1.2 that Kakehashi reads, keyed by the manifest's
/// `oneroster.version` (日本IMS協会 OneRoster国内適用検討部会; see docs/STANDARDS.md).
public enum Profile: String, CaseIterable, Sendable, Codable {
    /// Japan Profile 第2版 / 第2版 rev.2 (国内暫定版), `oneroster.version` = `1.2`.
    case japan12 = "1.2"
    /// Japan Profile v1.2.1, `oneroster.version` = `1.2.1`.
    case japan121 = "1.2.1"
    /// 1EdTech OneRoster 1.2 CSV Binding: Japan K-12/Schools Profile, `oneroster.version` = `1.2_JP`.
    case japanK12 = "1.2_JP"

    /// The manifest value that selects this profile.
    public var manifestVersion: String { rawValue }

    public var displayName: String {
        switch self {
        case .japan12: "OneRoster 1.2 Japan Profile 第2版 (oneroster.version=1.2)"
        case .japan121: "OneRoster 1.2.1 Japan Profile (oneroster.version=1.2.1)"
        case .japanK12: "1EdTech OneRoster 1.2 CSV Japan K-12/Schools Profile (oneroster.version=1.2_JP)"
        }
    }

    /// Whether users.csv carries the 1.2 (2022) `resourceSourcedIds` column, removed in 1.2.1.
    public var hasUserResourceSourcedIds: Bool { self == .japan12 }

    /// The spelling of the enrollment extensions (`ShussekiNo` in the older profiles,
    /// `shussekiNo` in the K-12 profile).
    public var usesLowerCamelEnrollmentExtensions: Bool { self == .japanK12 }
}
