/// Custom parameter substitution (LTI Core 1.3 §5.4.6 and Appendix "Substitution Variables"): a
/// custom value that is exactly `$Name` of a variable the platform knows is replaced by its
/// value; an unknown variable, or one whose value the tool may not receive, stays as written.
public enum SubstitutionVariables {
    /// Variables Kakehashi expands, by name.
    public enum Name {
        public static let userID = "$User.id"
        public static let username = "$User.username"
        public static let personSourcedID = "$Person.sourcedId"
        public static let fullName = "$Person.name.full"
        public static let givenName = "$Person.name.given"
        public static let familyName = "$Person.name.family"
        public static let email = "$Person.email.primary"
        public static let contextID = "$Context.id"
        public static let contextTitle = "$Context.title"
        public static let contextLabel = "$Context.label"
        public static let courseSectionSourcedID = "$CourseSection.sourcedId"
        public static let resourceLinkID = "$ResourceLink.id"
        public static let resourceLinkTitle = "$ResourceLink.title"
        /// Kakehashi's own: the Japan Profile grade code of the person (`P1`…`P6`, `J1`…`J3`, …).
        public static let grade = "$Kakehashi.grade"
        /// Kakehashi's own: the 学校コード of the class's school.
        public static let schoolCode = "$Kakehashi.schoolCode"
    }

    public static func expand(_ custom: [String: String], with values: [String: String]) -> [String: String] {
        custom.mapValues { value in
            guard value.hasPrefix("$"), let replacement = values[value] else { return value }
            return replacement
        }
    }
}
