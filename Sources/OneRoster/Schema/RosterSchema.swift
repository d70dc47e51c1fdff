/// The columns of each rostering file: the OneRoster 1.2.1 CSV binding's standard columns in the
/// specification's order, followed by the Japan Profile extension columns.
///
/// `storageColumns` is the one canonical list per file that records carry (and the database
/// stores), independent of which profile a package was written in; `header(for:profile:)` is what
/// an export writes for a given profile.
public enum RosterSchema {
    static let sessionTypes = ["gradingPeriod", "semester", "schoolYear", "term"]
    static let orgTypes = ["department", "school", "district", "local", "state", "national"]
    static let enrollmentRoles = ["administrator", "proctor", "student", "teacher", "guardian"]
    static let roleRoles = [
        "aide", "counselor", "districtAdministrator", "guardian", "parent", "principal", "proctor",
        "relative", "siteAdministrator", "student", "systemAdministrator", "teacher",
    ]

    static let common: [Column] = [
        Column("sourcedId", .required, .guid),
        Column("status", .deltaOnly, .enumeration(["active", "tobedeleted"], extensible: false)),
        Column("dateLastModified", .deltaOnly, .dateTime),
    ]

    /// Standard columns (CSV binding 1.2.1 §3), in the specification's order.
    public static func standardColumns(_ file: RosterFile) -> [Column] {
        common + standardBody(file)
    }

    private static func standardBody(_ file: RosterFile) -> [Column] {
        switch file {
        case .orgs:
            [
                Column("name", .required, .string, fullWidthOnly: true),
                Column("type", .required, .enumeration(orgTypes, extensible: true)),
                Column("identifier", .optional, .schoolCode),
                Column("parentSourcedId", .optional, .reference(.orgs)),
            ]
        case .academicSessions:
            [
                Column("title", .required),
                Column("type", .required, .enumeration(sessionTypes, extensible: true)),
                Column("startDate", .required, .date),
                Column("endDate", .required, .date),
                Column("parentSourcedId", .optional, .reference(.academicSessions)),
                Column("schoolYear", .required, .year),
            ]
        case .courses:
            [
                Column("schoolYearSourcedId", .optional, .reference(.academicSessions)),
                Column("title", .required, .string, fullWidthOnly: true),
                Column("courseCode"),
                Column("grades", .optional, .grades),
                Column("orgSourcedId", .required, .reference(.orgs)),
                Column("subjects", .optional, .list),
                Column("subjectCodes", .optional, .list),
            ]
        case .classes:
            [
                Column("title", .required, .string, fullWidthOnly: true),
                Column("grades", .optional, .grades),
                Column("courseSourcedId", .required, .reference(.courses)),
                Column("classCode"),
                Column("classType", .required, .enumeration(["homeroom", "scheduled"], extensible: true)),
                Column("location", .optional, .string, fullWidthOnly: true),
                Column("schoolSourcedId", .required, .reference(.orgs)),
                Column("termSourcedIds", .required, .referenceList(.academicSessions)),
                Column("subjects", .optional, .list),
                Column("subjectCodes", .optional, .list),
                Column("periods", .optional, .list),
            ]
        case .users:
            [
                Column("enabledUser", .required, .boolean),
                Column("username", .required),
                Column("userIds", .optional, .typedList),
                Column("givenName", .required, .string, fullWidthOnly: true),
                Column("familyName", .required, .string, fullWidthOnly: true),
                Column("middleName", .optional, .string, fullWidthOnly: true),
                Column("identifier"),
                Column("email"),
                Column("sms"),
                Column("phone"),
                Column("agentSourcedIds", .optional, .referenceList(.users)),
                Column("grades", .optional, .grades),
                Column("password"),
                Column("userMasterIdentifier"),
                Column("preferredGivenName", .optional, .string, fullWidthOnly: true),
                Column("preferredMiddleName", .optional, .string, fullWidthOnly: true),
                Column("preferredFamilyName", .optional, .string, fullWidthOnly: true),
                Column("primaryOrgSourcedId", .optional, .reference(.orgs)),
                Column("pronouns"),
            ]
        case .userProfiles:
            [
                Column("userSourcedId", .required, .reference(.users)),
                Column("profileType", .required),
                Column("vendorId", .required),
                Column("applicationId"),
                Column("description", .optional, .string, fullWidthOnly: true),
                Column("credentialType", .required),
                Column("username", .required),
                Column("password"),
            ]
        case .roles:
            [
                Column("userSourcedId", .required, .reference(.users)),
                Column("roleType", .required, .enumeration(["primary", "secondary"], extensible: false)),
                Column("role", .required, .enumeration(roleRoles, extensible: true)),
                Column("beginDate", .optional, .date),
                Column("endDate", .optional, .date),
                Column("orgSourcedId", .required, .reference(.orgs)),
                Column("userProfileSourcedId", .optional, .reference(.userProfiles)),
            ]
        case .enrollments:
            [
                Column("classSourcedId", .required, .reference(.classes)),
                Column("schoolSourcedId", .required, .reference(.orgs)),
                Column("userSourcedId", .required, .reference(.users)),
                Column("role", .required, .enumeration(enrollmentRoles, extensible: true)),
                Column("primary", .optional, .boolean),
                Column("beginDate", .optional, .date),
                Column("endDate", .optional, .date),
            ]
        case .demographics:
            [
                Column("birthDate", .optional, .date),
                Column("sex", .optional, .enumeration(["male", "female", "unspecified", "other"], extensible: true)),
                Column("americanIndianOrAlaskaNative", .optional, .boolean),
                Column("asian", .optional, .boolean),
                Column("blackOrAfricanAmerican", .optional, .boolean),
                Column("nativeHawaiianOrOtherPacificIslander", .optional, .boolean),
                Column("white", .optional, .boolean),
                Column("demographicRaceTwoOrMoreRaces", .optional, .boolean),
                Column("hispanicOrLatinoEthnicity", .optional, .boolean),
                Column("countryOfBirthCode"),
                Column("stateOfBirthAbbreviation"),
                Column("cityOfBirth"),
                Column("publicSchoolResidenceStatus"),
            ]
        }
    }

    /// `users.resourceSourcedIds`: in the 1.2 (2022) binding after `userMasterIdentifier`,
    /// removed in 1.2.1. Read from 1.2 packages, stored, and written for the 1.2 profile only.
    static let userResourceSourcedIds = Column("resourceSourcedIds", .optional, .list)

    /// Japan Profile extension columns, canonical (K-12 profile) spelling.
    public static func japanExtensionColumns(_ file: RosterFile) -> [Column] {
        switch file {
        case .users:
            [
                Column("metadata.jp.kanaGivenName", .optional, .kana),
                Column("metadata.jp.kanaFamilyName", .optional, .kana),
                Column("metadata.jp.kanaMiddleName", .optional, .kana),
                Column("metadata.jp.homeClass", .optional, .reference(.classes)),
                Column("metadata.jp.kanaPreferredGivenName", .optional, .kana),
                Column("metadata.jp.kanaPreferredFamilyName", .optional, .kana),
                Column("metadata.jp.kanaPreferredMiddleName", .optional, .kana),
            ]
        case .classes:
            [Column("metadata.jp.specialNeeds", .optional, .boolean)]
        case .enrollments:
            [
                Column("metadata.jp.shussekiNo", .optional, .integer),
                Column("metadata.jp.publicFlg", .optional, .boolean),
            ]
        default:
            []
        }
    }

    /// Older spellings read as the canonical column (header name → canonical name).
    public static let columnAliases: [String: String] = [
        "metadata.jp.ShussekiNo": "metadata.jp.shussekiNo",
        "metadata.jp.PublicFlg": "metadata.jp.publicFlg",
    ]

    /// The canonical column list a record's values follow, for every profile.
    public static func storageColumns(_ file: RosterFile) -> [Column] {
        var columns = standardColumns(file)
        if file == .users {
            let position = columns.firstIndex { $0.name == "userMasterIdentifier" }! + 1
            columns.insert(userResourceSourcedIds, at: position)
        }
        return columns + japanExtensionColumns(file)
    }

    /// The header an export writes for `profile`: every standard column in the specification's
    /// order, then the Japan extension columns in that profile's spelling.
    public static func header(for file: RosterFile, profile: Profile) -> [String] {
        var names = standardColumns(file).map(\.name)
        if file == .users, profile.hasUserResourceSourcedIds {
            let position = names.firstIndex(of: "userMasterIdentifier")! + 1
            names.insert(userResourceSourcedIds.name, at: position)
        }
        for column in japanExtensionColumns(file) {
            if file == .users, profile == .japan12, column.name.hasPrefix("metadata.jp.kanaPreferred") { continue }
            names.append(profileSpelling(column.name, profile: profile))
        }
        return names
    }

    /// The spelling of a canonical extension column in `profile`.
    public static func profileSpelling(_ canonical: String, profile: Profile) -> String {
        guard !profile.usesLowerCamelEnrollmentExtensions else { return canonical }
        switch canonical {
        case "metadata.jp.shussekiNo": return "metadata.jp.ShussekiNo"
        case "metadata.jp.publicFlg": return "metadata.jp.PublicFlg"
        default: return canonical
        }
    }

    /// Japan Profile grade codes: 小 P1–P6, 中 J1–J3, 高 H1–H3, and E1–E3.
    public static let gradeCodes: Set<String> = Set(
        (1...6).map { "P\($0)" } + (1...3).map { "J\($0)" } + (1...3).map { "H\($0)" } + (1...3).map { "E\($0)" }
    )
}
