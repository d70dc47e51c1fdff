import Fluent
import Foundation
import NIOPosix
import Vapor

/// Accounts come from the roster: every active roster user is an account of their tenant, with
/// the role of their primary `roles.csv` row (or, lacking one, their enrollments). Guardians,
/// parents and relatives are kept but cannot sign in.
public struct Accounts: Sendable {
    /// bcrypt cost: ≥ 10 as the sign-in issue asks; higher costs slow the 08:30 sign-in storm.
    static let bcryptCost = 10
    /// Failed password attempts before the account is locked, and for how long.
    static let maxFailures = 5
    static let lockout: TimeInterval = 15 * 60
    static let minimumPasswordLength = 8
    /// Roles that may sign in (OneRoster role vocabulary).
    static let signInRoles: Set<String> = [
        "student", "teacher", "administrator", "aide", "counselor", "principal", "proctor",
        "siteAdministrator", "districtAdministrator", "systemAdministrator",
    ]

    /// Roles that sign in only where the tenant allows it (``TenantPolicy/guardianSignIn``).
    static let guardianRoles: Set<String> = ["guardian", "parent", "relative"]

    /// Whether a roster role may sign in in this tenant.
    func maySignIn(role: String, tenantID: UUID) async throws -> Bool {
        if Self.signInRoles.contains(role) { return true }
        guard Self.guardianRoles.contains(role) else { return false }
        return try await TenantPolicy.of(tenantID, on: database).guardianSignIn
    }

    public struct Account: Sendable, Codable, Equatable {
        public var username: String
        public var sourcedId: String
        public var role: String
        public var familyName: String
        public var givenName: String
        public var schoolSourcedId: String
    }

    public enum SignInResult: Sendable, Equatable {
        case success(Account)
        /// Unknown username or wrong password: the same answer, so usernames cannot be probed.
        case rejected
        case locked(until: Date)
        /// A roster user whose role may not sign in (a guardian), or who has no password.
        case notAllowed
    }

    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// Active accounts of a tenant, by username; `role` filters (student, teacher, …).
    public func list(tenantCode: String, role: String? = nil) async throws -> [Account] {
        let tenant = try await tenantModel(tenantCode)
        let roles = try await primaryRoles(tenantID: try tenant.requireID())
        let sql = BulkSQL(database)
        let rows = try await sql.run(
            "SELECT \"sourced_id\", \"username\", \"family_name\", \"given_name\", \"primary_org_sourced_id\" FROM \"roster_users\" WHERE \"tenant_id\" = ? AND \"status\" = 'active' ORDER BY \"username\"",
            [.uuid(try tenant.requireID())], columns: ["sourced_id", "username", "family_name", "given_name", "primary_org_sourced_id"])
        return rows.compactMap { row in
            let id = row[0] ?? ""
            let account = Account(
                username: row[1] ?? "", sourcedId: id, role: roles[id] ?? "", familyName: row[2] ?? "", givenName: row[3] ?? "",
                schoolSourcedId: row[4] ?? "")
            return role == nil || account.role == role ? account : nil
        }
    }

    /// Sets (or resets) a roster user's password.
    public func setPassword(tenantCode: String, username: String, password: String, actor: String) async throws {
        guard password.count >= Self.minimumPasswordLength else {
            throw RosterError(message: "a password needs at least \(Self.minimumPasswordLength) characters / パスワードは\(Self.minimumPasswordLength)文字以上にしてください")
        }
        let tenant = try await tenantModel(tenantCode)
        let tenantID = try tenant.requireID()
        guard let account = try await account(tenantID: tenantID, username: username) else {
            throw RosterError(message: "no active user \"\(username)\" in tenant \"\(tenantCode)\" / テナント \"\(tenantCode)\" に利用者 \"\(username)\" はいません")
        }
        let hash = try await Self.hash(password)
        try await database.writeTransaction { tx in
            let credential = try await Credential.query(on: tx).filter(\.$tenantID == tenantID).filter(\.$userSourcedID == account.sourcedId).first() ?? {
                let new = Credential()
                new.tenantID = tenantID
                new.userSourcedID = account.sourcedId
                return new
            }()
            credential.passwordHash = hash
            credential.failedAttempts = 0
            credential.lockedUntil = nil
            credential.updatedAt = Date()
            try await credential.save(on: tx)
            try await AuditLog(database: tx).append(
                .init(actor: actor, action: "password.set", subject: "user:\(tenantCode)/\(account.sourcedId)"), tenant: tenantCode)
        }
    }

    /// One line of a password list: `username,password`.
    public struct PasswordEntry: Sendable {
        public var line: Int
        public var username: String
        public var password: String

        public init(line: Int, username: String, password: String) {
            self.line = line
            self.username = username
            self.password = password
        }
    }

    /// Sets many passwords at once (initial passwords for a school), all or none: every line is
    /// checked before anything is written, and the hashes are computed on every core.
    public func setPasswords(tenantCode: String, entries: [PasswordEntry], actor: String) async throws -> Int {
        let tenant = try await tenantModel(tenantCode)
        let tenantID = try tenant.requireID()
        let rows = try await BulkSQL(database).run(
            "SELECT \"username\", \"sourced_id\" FROM \"roster_users\" WHERE \"tenant_id\" = ? AND \"status\" = 'active'",
            [.uuid(tenantID)], columns: ["username", "sourced_id"])
        var sourcedIds: [String: String] = [:]
        for row in rows { sourcedIds[row[0] ?? ""] = row[1] ?? "" }
        var problems: [String] = []
        var seen: Set<String> = []
        for entry in entries {
            if sourcedIds[entry.username] == nil {
                problems.append("line \(entry.line): no active user \"\(entry.username)\" / \(entry.line)行目: 利用者 \"\(entry.username)\" はいません")
            } else if entry.password.count < Self.minimumPasswordLength {
                problems.append("line \(entry.line): the password needs at least \(Self.minimumPasswordLength) characters / \(entry.line)行目: パスワードは\(Self.minimumPasswordLength)文字以上にしてください")
            } else if !seen.insert(entry.username).inserted {
                problems.append("line \(entry.line): \"\(entry.username)\" appears twice / \(entry.line)行目: \"\(entry.username)\" が2回あります")
            }
        }
        guard problems.isEmpty else {
            throw RosterError(message: (problems.prefix(20) + (problems.count > 20 ? ["… \(problems.count - 20) more"] : [])).joined(separator: "\n"))
        }
        let hashes = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var result = [String](repeating: "", count: entries.count)
            var next = 0
            let width = max(1, System.coreCount)
            func add(_ index: Int) {
                let password = entries[index].password
                group.addTask { (index, try await Self.hash(password)) }
            }
            while next < min(width, entries.count) { add(next); next += 1 }
            while let (index, hash) = try await group.next() {
                result[index] = hash
                if next < entries.count { add(next); next += 1 }
            }
            return result
        }
        let userIds = sourcedIds
        try await database.writeTransaction { tx in
            let existing = try await Credential.query(on: tx).filter(\.$tenantID == tenantID).all()
            var byUser: [String: Credential] = [:]
            for credential in existing { byUser[credential.userSourcedID] = credential }
            let now = Date()
            for (index, entry) in entries.enumerated() {
                let sourcedId = userIds[entry.username] ?? ""
                let credential = byUser[sourcedId] ?? {
                    let new = Credential()
                    new.tenantID = tenantID
                    new.userSourcedID = sourcedId
                    return new
                }()
                credential.passwordHash = hashes[index]
                credential.failedAttempts = 0
                credential.lockedUntil = nil
                credential.updatedAt = now
                try await credential.save(on: tx)
            }
            try await AuditLog(database: tx).append(
                .init(actor: actor, action: "password.import", subject: "tenant:\(tenantCode)", details: ["count": String(entries.count)]),
                tenant: tenantCode)
        }
        return entries.count
    }

    /// Checks a password sign-in, counting failures and locking the account after too many.
    public func verify(tenantCode: String, username: String, password: String, now: Date = Date()) async throws -> SignInResult {
        guard let tenant = try await Tenant.query(on: database).filter(\.$code == tenantCode).first() else { return .rejected }
        let tenantID = try tenant.requireID()
        guard let account = try await account(tenantID: tenantID, username: username) else {
            _ = try await Self.verifyHash(password, Self.dummyHash)  // same time as a real check
            return .rejected
        }
        guard try await maySignIn(role: account.role, tenantID: tenantID) else { return .notAllowed }
        guard let credential = try await Credential.query(on: database).filter(\.$tenantID == tenantID).filter(\.$userSourcedID == account.sourcedId).first()
        else { return .notAllowed }
        if let until = credential.lockedUntil, until > now { return .locked(until: until) }
        if try await Self.verifyHash(password, credential.passwordHash) {
            credential.failedAttempts = 0
            credential.lockedUntil = nil
            try await credential.update(on: database)
            return .success(account)
        }
        credential.failedAttempts += 1
        if credential.failedAttempts >= Self.maxFailures {
            credential.lockedUntil = now.addingTimeInterval(Self.lockout)
            credential.failedAttempts = 0
        }
        try await credential.update(on: database)
        if let until = credential.lockedUntil, until > now { return .locked(until: until) }
        return .rejected
    }

    /// Creates an operator (all tenants). Operators are not in any roster.
    public func createOperator(username: String, password: String, actor: String) async throws {
        guard password.count >= 12 else {
            throw RosterError(message: "an operator password needs at least 12 characters / 運用者のパスワードは12文字以上にしてください")
        }
        guard Tenant.isValidCode(username) else {
            throw RosterError(message: "operator names are 2–32 lowercase letters, digits or hyphens / 運用者名は英小文字・数字・ハイフン2〜32文字です")
        }
        let hash = try await Self.hash(password)
        try await database.writeTransaction { tx in
            guard try await Operator.query(on: tx).filter(\.$username == username).count() == 0 else {
                throw RosterError(message: "operator \"\(username)\" exists / 運用者 \"\(username)\" は既にいます")
            }
            let new = Operator()
            new.username = username
            new.passwordHash = hash
            new.createdAt = Date()
            try await new.create(on: tx)
            try await AuditLog(database: tx).append(.init(actor: actor, action: "operator.create", subject: "operator:\(username)"), tenant: nil)
        }
    }

    /// Checks an operator's password (operators have no roster; the per-account rate limit
    /// bounds guessing).
    public func verifyOperator(username: String, password: String) async throws -> Bool {
        guard let found = try await Operator.query(on: database).filter(\.$username == username).first() else {
            _ = try await Self.verifyHash(password, Self.dummyHash)
            return false
        }
        return try await Self.verifyHash(password, found.passwordHash)
    }

    /// Whether a roster user is still active and enabled (sessions end when the roster removes or
    /// disables their user).
    func isActive(tenantID: UUID, sourcedId: String) async throws -> Bool {
        let rows = try await BulkSQL(database).run(
            "SELECT \"status\", \"enabled_user\" FROM \"roster_users\" WHERE \"tenant_id\" = ? AND \"sourced_id\" = ?",
            [.uuid(tenantID), .text(sourcedId)], columns: ["status", "enabled_user"])
        return rows.first?[0] == "active" && rows.first?[1] != "false"
    }

    // MARK: - Lookups

    private func tenantModel(_ code: String) async throws -> Tenant {
        guard let tenant = try await Tenant.query(on: database).filter(\.$code == code).first() else { throw RosterError.unknownTenant(code) }
        return tenant
    }

    func account(tenantID: UUID, username: String) async throws -> Account? {
        let sql = BulkSQL(database)
        let rows = try await sql.run(
            "SELECT \"sourced_id\", \"family_name\", \"given_name\", \"primary_org_sourced_id\" FROM \"roster_users\" WHERE \"tenant_id\" = ? AND \"username\" = ? AND \"status\" = 'active' AND COALESCE(\"enabled_user\", 'true') <> 'false'",
            [.uuid(tenantID), .text(username)], columns: ["sourced_id", "family_name", "given_name", "primary_org_sourced_id"])
        guard rows.count == 1, let row = rows.first else { return nil }
        let id = row[0] ?? ""
        let role = try await primaryRoles(tenantID: tenantID, user: id)[id] ?? ""
        return Account(username: username, sourcedId: id, role: role, familyName: row[1] ?? "", givenName: row[2] ?? "", schoolSourcedId: row[3] ?? "")
    }

    /// User sourcedId → role: the primary roles.csv row, else the first enrollment role.
    private func primaryRoles(tenantID: UUID, user: String? = nil) async throws -> [String: String] {
        let sql = BulkSQL(database)
        let filter = user == nil ? "" : " AND \"user_sourced_id\" = ?"
        let binds: [BulkSQL.Value] = [.uuid(tenantID)] + (user.map { [.text($0)] } ?? [])
        var roles: [String: String] = [:]
        for row in try await sql.run(
            "SELECT \"user_sourced_id\", \"role\" FROM \"roster_enrollments\" WHERE \"tenant_id\" = ? AND \"status\" = 'active'" + filter,
            binds, columns: ["user_sourced_id", "role"])
        where roles[row[0] ?? ""] == nil {
            roles[row[0] ?? ""] = row[1] ?? ""
        }
        for row in try await sql.run(
            "SELECT \"user_sourced_id\", \"role\" FROM \"roster_roles\" WHERE \"tenant_id\" = ? AND \"status\" = 'active' AND \"role_type\" = 'primary'" + filter,
            binds, columns: ["user_sourced_id", "role"])
        {
            roles[row[0] ?? ""] = row[1] ?? ""
        }
        return roles
    }

    // MARK: - bcrypt, off the event loops

    /// Checked against when the username is unknown, so both answers take as long.
    static let dummyHash: String = (try? Bcrypt.hash("kakehashi-no-such-user", cost: bcryptCost)) ?? ""

    /// bcrypt's own threads, one per core: SQLite's queries run on NIO's shared pool, and a
    /// morning's queue of password checks there would hold up every page.
    static let hashingPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, System.coreCount))
        pool.start()
        return pool
    }()

    static func hash(_ password: String) async throws -> String {
        try await hashingPool.runIfActive { try Bcrypt.hash(password, cost: bcryptCost) }
    }

    static func verifyHash(_ password: String, _ hash: String) async throws -> Bool {
        try await hashingPool.runIfActive { (try? Bcrypt.verify(password, created: hash)) ?? false }
    }
}
