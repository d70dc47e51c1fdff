import Fluent
import Foundation

extension Principal {
    /// The principal of a live session, from the current roster; nil when the person no longer
    /// has a role that may sign in.
    static func load(session: UserSession, database: any Database) async throws -> Principal? {
        if session.sessionKind == .operator {
            return Principal(role: .operator, tenantID: nil, tenantCode: "", subject: session.userSourcedID, schools: [], classes: [], session: session)
        }
        guard let tenantID = session.tenantID else { return nil }
        let sql = BulkSQL(database)
        let user = session.userSourcedID
        // One row per role held, per enrollment, and the user's primary org.
        let rows = try await sql.run(
            """
            SELECT 'role' AS source, r."role" AS role, r."role_type" AS kind, r."org_sourced_id" AS org, o."type" AS org_type
              FROM "roster_roles" r LEFT JOIN "roster_orgs" o ON o."tenant_id" = r."tenant_id" AND o."sourced_id" = r."org_sourced_id"
              WHERE r."tenant_id" = ? AND r."user_sourced_id" = ? AND r."status" = 'active'
            UNION ALL
            SELECT 'enrollment', e."role", e."class_sourced_id", e."school_sourced_id", ''
              FROM "roster_enrollments" e WHERE e."tenant_id" = ? AND e."user_sourced_id" = ? AND e."status" = 'active'
            UNION ALL
            SELECT 'user', u."status", COALESCE(u."enabled_user", 'true'), u."primary_org_sourced_id", '' FROM "roster_users" u WHERE u."tenant_id" = ? AND u."sourced_id" = ?
            """,
            [.uuid(tenantID), .text(user), .uuid(tenantID), .text(user), .uuid(tenantID), .text(user)],
            columns: ["source", "role", "kind", "org", "org_type"])
        var role: PortalRole?
        var fallbackRole: PortalRole?
        var schools: Set<String> = []
        var classes: Set<String> = []
        var enrollmentRoles: [(role: String, classID: String)] = []
        // The roster must still list the person as active and enabled.
        guard rows.contains(where: { $0[0] == "user" && $0[1] == "active" && $0[2] != "false" }) else { return nil }
        for row in rows {
            let org = row[3] ?? ""
            if !org.isEmpty { schools.insert(org) }
            switch row[0] {
            case "role":
                let mapped = PortalRole.from(oneRosterRole: row[1] ?? "", heldAtOrgType: row[4])
                if row[2] == "primary" { role = mapped } else if fallbackRole == nil { fallbackRole = mapped }
            case "enrollment":
                enrollmentRoles.append((row[1] ?? "", row[2] ?? ""))
                if fallbackRole == nil { fallbackRole = PortalRole.from(oneRosterRole: row[1] ?? "", heldAtOrgType: nil) }
            default:
                break
            }
        }
        guard let portalRole = role ?? fallbackRole else { return nil }
        if portalRole == .guardian {
            // Guardians sign in only while the board allows it; their scope is their children.
            guard try await TenantPolicy.of(tenantID, on: database).guardianSignIn else { return nil }
            return Principal(
                role: .guardian, tenantID: tenantID, tenantCode: session.tenantCode, subject: user, schools: [], classes: [],
                children: try await children(of: user, tenantID: tenantID, sql: sql), session: session)
        }
        for enrollment in enrollmentRoles {
            // A teacher's scope is the classes they teach; a student's, the classes they attend.
            let teaches = enrollment.role != "student"
            if (portalRole == .student) != teaches { classes.insert(enrollment.classID) }
        }
        return Principal(
            role: portalRole, tenantID: tenantID, tenantCode: session.tenantCode, subject: user, schools: schools, classes: classes,
            session: session)
    }

    /// The students linked to a guardian by `agentSourcedIds`, on either side.
    private static func children(of guardian: String, tenantID: UUID, sql: BulkSQL) async throws -> Set<String> {
        let own = try await sql.run(
            "SELECT \"agent_sourced_ids\" FROM \"roster_users\" WHERE \"tenant_id\" = ? AND \"sourced_id\" = ?",
            [.uuid(tenantID), .text(guardian)], columns: ["agent_sourced_ids"])
        var children = Set((own.first?[0] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        let pattern = BulkSQL.containsPattern(guardian)
        for row in try await sql.run(
            "SELECT \"sourced_id\", \"agent_sourced_ids\" FROM \"roster_users\" WHERE \"tenant_id\" = ? AND \"status\" = 'active' AND \"agent_sourced_ids\" LIKE ? ESCAPE '!'",
            [.uuid(tenantID), .text(pattern)], columns: ["sourced_id", "agent_sourced_ids"])
        where (row[1] ?? "").split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == guardian }) {
            children.insert(row[0] ?? "")
        }
        return children
    }
}
