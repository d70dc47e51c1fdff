import Foundation
import Vapor

/// The signed-in person a request acts for, with what their scope covers. Built once per request
/// from the session and the current roster (a teacher who loses a class loses it at once).
struct Principal: Sendable {
    var role: PortalRole
    /// Nil for operators.
    var tenantID: UUID?
    var tenantCode: String
    /// The roster sourcedId, or the operator's name.
    var subject: String
    /// The schools (org sourcedIds) the person belongs to or administers.
    var schools: Set<String>
    /// The classes the person teaches (teacher roles) or attends (students).
    var classes: Set<String>
    /// A guardian's children (their roster sourcedIds).
    var children: Set<String> = []
    /// The session behind it, for its CSRF token and sign-out.
    var session: UserSession

    init(role: PortalRole, tenantID: UUID?, tenantCode: String, subject: String, schools: Set<String>, classes: Set<String>, children: Set<String> = [], session: UserSession) {
        self.role = role
        self.tenantID = tenantID
        self.tenantCode = tenantCode
        self.subject = subject
        self.schools = schools
        self.classes = classes
        self.children = children
        self.session = session
    }

    /// How the audit log names the person.
    var actor: String { session.actor }

    /// Launching a tool sends a roster person's data; operators are not in any roster.
    func requireRosterPerson() throws {
        guard role != .operator else {
            throw Abort(.forbidden, reason: "運用者は名簿の人ではないため、ツールを起動できません。/ Operators are not roster people and cannot launch tools.")
        }
    }

    func isSelf(tenantID: UUID, sourcedId: String) -> Bool {
        role != .operator && self.tenantID == tenantID && subject == sourcedId
    }
}
