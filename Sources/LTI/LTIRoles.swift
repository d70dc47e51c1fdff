/// LIS role vocabularies as LTI 1.3 uses them (LTI Core 1.3 §A.2): always full URIs.
public enum LTIRole {
    static let membership = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
    static let institution = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
    static let system = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"

    public static let learner = membership + "Learner"
    public static let instructor = membership + "Instructor"
    public static let teachingAssistant = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
    public static let contextAdministrator = membership + "Administrator"
    public static let mentor = membership + "Mentor"

    public static let student = institution + "Student"
    public static let faculty = institution + "Faculty"
    public static let staff = institution + "Staff"
    public static let institutionAdministrator = institution + "Administrator"
    public static let institutionMentor = institution + "Mentor"

    public static let systemAdministrator = system + "Administrator"
    public static let systemUser = system + "User"

    /// The roles a person has in a launch from a class (context), from their OneRoster role in
    /// `roles.csv` (or their enrollment) and their enrollment role in that class, if any.
    ///
    /// OneRoster enrollment roles map to context roles (student → Learner, teacher → Instructor,
    /// aide → Instructor#TeachingAssistant, administrator → Administrator, guardian → Mentor);
    /// the person's own role maps to institution roles (student → Student, teacher → Faculty,
    /// principal and administrators → Administrator and Staff, guardians → Mentor). An
    /// administrator who previews a class they are not enrolled in is its context Administrator.
    public static func roles(oneRosterRole: String, enrollmentRole: String?) -> [String] {
        var roles: [String] = []
        switch enrollmentRole {
        case "student": roles.append(learner)
        case "teacher", "proctor": roles.append(instructor)
        case "aide": roles += [instructor, teachingAssistant]
        case "administrator": roles.append(contextAdministrator)
        case "guardian", "parent", "relative": roles.append(mentor)
        default: break
        }
        switch oneRosterRole {
        case "student":
            roles.append(student)
        case "teacher", "aide", "proctor", "counselor":
            roles.append(faculty)
        case "principal", "administrator", "siteAdministrator", "districtAdministrator", "systemAdministrator":
            roles += [institutionAdministrator, staff]
            if enrollmentRole == nil { roles.append(contextAdministrator) }
        case "guardian", "parent", "relative":
            roles.append(institutionMentor)
        default:
            roles.append(systemUser)
        }
        return roles
    }
}
