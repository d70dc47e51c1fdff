import Fluent
import Vapor

extension Policy.Resource {
    /// A roster person of `tenant` with the schools and classes they belong to; nil when unknown.
    static func person(_ sourcedId: String, tenant: Tenant, database: any Database) async throws -> Policy.Resource? {
        let tenantID = try tenant.requireID()
        let rows = try await BulkSQL(database).run(
            """
            SELECT 'user' AS source, u."primary_org_sourced_id" AS org, '' AS class FROM "roster_users" u WHERE u."tenant_id" = ? AND u."sourced_id" = ?
            UNION ALL
            SELECT 'enrollment', e."school_sourced_id", e."class_sourced_id" FROM "roster_enrollments" e
              WHERE e."tenant_id" = ? AND e."user_sourced_id" = ? AND e."status" = 'active'
            UNION ALL
            SELECT 'role', r."org_sourced_id", '' FROM "roster_roles" r WHERE r."tenant_id" = ? AND r."user_sourced_id" = ? AND r."status" = 'active'
            """,
            [.uuid(tenantID), .text(sourcedId), .uuid(tenantID), .text(sourcedId), .uuid(tenantID), .text(sourcedId)],
            columns: ["source", "org", "class"])
        guard rows.contains(where: { $0[0] == "user" }) else { return nil }
        var schools: Set<String> = []
        var classes: Set<String> = []
        for row in rows {
            if let org = row[1], !org.isEmpty { schools.insert(org) }
            if let klass = row[2], !klass.isEmpty { classes.insert(klass) }
        }
        return .person(tenantID: tenantID, sourcedId: sourcedId, schools: schools, classes: classes)
    }

    /// A class of `tenant` with its school; nil when unknown.
    static func schoolClass(_ sourcedId: String, tenant: Tenant, database: any Database) async throws -> Policy.Resource? {
        let tenantID = try tenant.requireID()
        let rows = try await BulkSQL(database).run(
            "SELECT \"school_sourced_id\" FROM \"roster_classes\" WHERE \"tenant_id\" = ? AND \"sourced_id\" = ?",
            [.uuid(tenantID), .text(sourcedId)], columns: ["school_sourced_id"])
        guard let row = rows.first else { return nil }
        return .schoolClass(tenantID: tenantID, sourcedId: sourcedId, school: row[0] ?? "")
    }
}

extension Request {
    /// The class named by the `:class` path parameter in `tenant`, or 404 (after the sign-in
    /// check, so nobody signed out learns which classes exist).
    func pathClass(in tenant: Tenant) async throws -> (id: String, resource: Policy.Resource) {
        let classID = parameters.get("class") ?? ""
        guard let resource = try await Policy.Resource.schoolClass(classID, tenant: tenant, database: db) else {
            _ = try await principal()
            throw Abort(.notFound, reason: "クラスが見つかりません。/ No such class.")
        }
        return (classID, resource)
    }

    /// The person named by the `:user` path parameter in `tenant`, or 404 (after the sign-in check).
    func pathPerson(in tenant: Tenant) async throws -> (id: String, resource: Policy.Resource) {
        let userID = parameters.get("user") ?? ""
        guard let resource = try await Policy.Resource.person(userID, tenant: tenant, database: db) else {
            _ = try await principal()
            throw Abort(.notFound, reason: "見つかりません。/ Not found.")
        }
        return (userID, resource)
    }

    /// The tenant named by the `:tenant` path parameter, or 404.
    func pathTenant() async throws -> Tenant {
        let code = parameters.get("tenant") ?? ""
        guard let tenant = try await Tenant.query(on: db).filter(\.$code == code).first() else {
            // Signed-in people only learn that a tenant exists when they may see it.
            _ = try await principal()
            throw Abort(.notFound, reason: "見つかりません。/ Not found.")
        }
        return tenant
    }
}
