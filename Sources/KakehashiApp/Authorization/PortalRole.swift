/// What a signed-in person may see, from narrowest to widest scope.
///
/// Derived from the OneRoster role (`roles.csv`, else enrollments) and, for `administrator`, the
/// type of the organisation it is held at; operators are not in any roster.
enum PortalRole: String, Sendable, CaseIterable, Comparable {
    /// Themself and their own children (保護者), where the tenant lets guardians sign in.
    case guardian
    /// Themself.
    case student
    /// The classes they teach and the members of those classes.
    case teacher
    /// Their school(s).
    case schoolAdmin
    /// Their tenant (教育委員会).
    case boardAdmin
    /// Every tenant.
    case `operator`

    /// The portal role of a OneRoster role. Whether the person may sign in at all is decided
    /// by ``Accounts/maySignIn(role:tenantID:)`` (guardians only where the tenant allows it).
    static func from(oneRosterRole role: String, heldAtOrgType orgType: String?) -> PortalRole? {
        switch role {
        case "student": .student
        case "guardian", "parent", "relative": .guardian
        case "teacher", "aide", "proctor", "counselor": .teacher
        case "principal", "siteAdministrator": .schoolAdmin
        case "districtAdministrator", "systemAdministrator": .boardAdmin
        case "administrator": orgType == "district" || orgType == "national" || orgType == "state" ? .boardAdmin : .schoolAdmin
        default: nil
        }
    }

    /// Roles that can see grades or learning records of others: a second factor is required
    /// (MEXT 教育情報セキュリティポリシーガイドライン, 2025).
    var requiresSecondFactor: Bool { self != .student && self != .guardian }

    static func < (lhs: PortalRole, rhs: PortalRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
