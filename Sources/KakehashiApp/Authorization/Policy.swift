import Foundation

/// Who may do what: the one place authorization is decided. Routes ask through
/// ``Vapor/Request/authorize(_:_:)``; the decision itself is this pure function, so the matrix
/// test can reach every route, role and scope.
enum Policy {
    enum Action: String, Sendable, CaseIterable {
        /// Read a person's or a class's data.
        case view
        /// Reset a person's password or second factor.
        case manageCredentials
        /// Search the people of a tenant (results limited to the searcher's scope).
        case searchUsers
        /// Upload and apply rosters, read the import history.
        case manageRoster
        /// Read and export the audit log.
        case readAudit
        /// Open a tool placed in a class, or deployed to a school (an LTI launch sends the person's
        /// data to the tool).
        case launch
        /// Add tools and content to a class (teachers of the class, its school's and tenant's administrators).
        case placeTool
        /// Register tools, approve them, choose what data each receives (board administrators).
        case manageTools
        /// Read what a tool of the tenant receives (everyone of the tenant: students, guardians too).
        case readToolPrivacy
        /// Export and erase all learning records of one person (learner rights: board
        /// administrators and operators only; school administrators and teachers never).
        case manageLearnerRecords
    }

    enum Resource: Sendable {
        /// A person, with the schools and classes they belong to.
        case person(tenantID: UUID, sourcedId: String, schools: Set<String>, classes: Set<String>)
        /// A class of a school.
        case schoolClass(tenantID: UUID, sourcedId: String, school: String)
        /// A school (its launcher: the tools the board deployed to it).
        case school(tenantID: UUID, sourcedId: String)
        /// A whole tenant.
        case tenant(UUID)

        var tenantID: UUID {
            switch self {
            case .person(let id, _, _, _), .schoolClass(let id, _, _), .school(let id, _), .tenant(let id): id
            }
        }
    }

    static func allows(_ principal: Principal, _ action: Action, _ resource: Resource) -> Bool {
        guard principal.session.mfaState == .satisfied else { return false }
        if principal.role == .operator { return true }
        guard principal.tenantID == resource.tenantID else { return false }
        // What a tool of one's own board receives is everyone's to read.
        if action == .readToolPrivacy, case .tenant = resource { return true }
        switch principal.role {
        case .operator, .boardAdmin:
            return true
        case .schoolAdmin:
            switch (action, resource) {
            case (.view, .person(_, _, let schools, _)), (.manageCredentials, .person(_, _, let schools, _)):
                return !schools.isDisjoint(with: principal.schools)
            case (.view, .schoolClass(_, _, let school)), (.launch, .schoolClass(_, _, let school)), (.placeTool, .schoolClass(_, _, let school)),
                (.launch, .school(_, let school)):
                return principal.schools.contains(school)
            case (.searchUsers, .tenant):
                return true
            default:
                return false
            }
        case .teacher:
            switch (action, resource) {
            case (.view, .person(_, let id, _, let classes)):
                return id == principal.subject || !classes.isDisjoint(with: principal.classes)
            case (.view, .schoolClass(_, let id, _)), (.launch, .schoolClass(_, let id, _)), (.placeTool, .schoolClass(_, let id, _)):
                return principal.classes.contains(id)
            case (.launch, .school(_, let school)):
                return principal.schools.contains(school)
            default:
                return false
            }
        case .student:
            if case (.view, .person(_, let id, _, _)) = (action, resource) { return id == principal.subject }
            // A student opens the tools of the classes they attend and of their school.
            if case (.launch, .schoolClass(_, let id, _)) = (action, resource) { return principal.classes.contains(id) }
            if case (.launch, .school(_, let school)) = (action, resource) { return principal.schools.contains(school) }
            return false
        case .guardian:
            if case (.view, .person(_, let id, _, _)) = (action, resource) { return id == principal.subject || principal.children.contains(id) }
            return false
        }
    }
}
