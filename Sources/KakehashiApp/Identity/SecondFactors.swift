import Crypto
import Fluent
import Foundation

/// TOTP second factors and recovery codes: enrollment, checking, reset.
struct SecondFactors: Sendable {
    static let recoveryCodeCount = 10

    let database: any Database
    let box: SecretBox

    /// The owner key of a roster user's or an operator's factor.
    static func owner(of session: UserSession) -> String {
        switch session.sessionKind {
        case .operator: "operator:\(session.userSourcedID)"
        case .user: "user:\(session.tenantID?.uuidString.lowercased() ?? "")/\(session.userSourcedID)"
        }
    }

    static func owner(tenantID: UUID, sourcedId: String) -> String {
        "user:\(tenantID.uuidString.lowercased())/\(sourcedId)"
    }

    /// Whether the owner has a working second factor.
    func isEnabled(_ owner: String) async throws -> Bool {
        try await SecondFactor.query(on: database).filter(\.$owner == owner).first()?.enabledAt != nil
    }

    /// The second-factor state a new session starts in. `assertedByProvider`: the identity
    /// provider says it checked a second factor itself (`amr` contains `mfa`).
    func initialState(owner: String, required: Bool, assertedByProvider: Bool = false) async throws -> UserSession.MFAState {
        if assertedByProvider { return .satisfied }
        if try await isEnabled(owner) { return .verify }
        return required ? .enroll : .satisfied
    }

    /// A new secret waiting for its first code (replacing an unfinished one); nil when the owner
    /// already has a working factor.
    func beginEnrollment(owner: String, tenantID: UUID?, now: Date = Date()) async throws -> [UInt8]? {
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let existing = try await SecondFactor.query(on: database).filter(\.$owner == owner).first()
        if existing?.enabledAt != nil { return nil }
        let factor = existing ?? SecondFactor()
        factor.owner = owner
        factor.tenantID = tenantID
        factor.secretSealed = try box.seal(Data(secret))
        factor.enabledAt = nil
        factor.lastStep = 0
        factor.recoveryCodes = "[]"
        factor.createdAt = now
        try await factor.save(on: database)
        return secret
    }

    /// The secret of an unfinished enrollment.
    func pendingSecret(owner: String) async throws -> [UInt8]? {
        guard let factor = try await SecondFactor.query(on: database).filter(\.$owner == owner).first(), factor.enabledAt == nil else { return nil }
        return Array(try box.open(factor.secretSealed))
    }

    /// Finishes an enrollment with the first code from the app; returns the recovery codes (shown
    /// once, stored only as hashes), or nil when the code is wrong.
    func confirmEnrollment(owner: String, code: String, now: Date = Date()) async throws -> [String]? {
        guard let factor = try await SecondFactor.query(on: database).filter(\.$owner == owner).first(), factor.enabledAt == nil else { return nil }
        let secret = Array(try box.open(factor.secretSealed))
        guard let step = TOTP.matchingStep(code, secret: secret, now: now, after: factor.lastStep) else { return nil }
        let codes = (0..<Self.recoveryCodeCount).map { _ in Self.newRecoveryCode() }
        factor.enabledAt = now
        factor.lastStep = step
        factor.recoveryCodes = Self.encode(codes.map(Self.hashRecoveryCode))
        try await factor.update(on: database)
        return codes
    }

    enum Check: Equatable, Sendable {
        case totp
        case recoveryCode(remaining: Int)
        case rejected
    }

    /// Checks a TOTP code or an unused recovery code. Each is accepted once, even when two
    /// requests race (compare-and-set in the database).
    func verify(owner: String, code: String, now: Date = Date()) async throws -> Check {
        guard let factor = try await SecondFactor.query(on: database).filter(\.$owner == owner).first(), factor.enabledAt != nil,
            let id = factor.id
        else { return .rejected }
        let secret = Array(try box.open(factor.secretSealed))
        let sql = BulkSQL(database)
        if let step = TOTP.matchingStep(code, secret: secret, now: now, after: factor.lastStep) {
            let claimed = try await sql.run(
                "UPDATE \"second_factors\" SET \"last_step\" = \(step) WHERE \"id\" = ? AND \"last_step\" < \(step) RETURNING \"owner\"",
                [.uuid(id)], columns: ["owner"])
            return claimed.isEmpty ? .rejected : .totp
        }
        let hashes = Self.decode(factor.recoveryCodes)
        let given = Self.hashRecoveryCode(code)
        guard let index = hashes.firstIndex(where: { constantTimeEquals($0, given) }) else { return .rejected }
        var remaining = hashes
        remaining.remove(at: index)
        let claimed = try await sql.run(
            "UPDATE \"second_factors\" SET \"recovery_codes\" = ? WHERE \"id\" = ? AND \"recovery_codes\" = ? RETURNING \"owner\"",
            [.text(Self.encode(remaining)), .uuid(id), .text(factor.recoveryCodes)], columns: ["owner"])
        return claimed.isEmpty ? .rejected : .recoveryCode(remaining: remaining.count)
    }

    /// Removes the owner's factor (an administrator's reset): staff enroll again at next sign-in.
    func reset(owner: String) async throws {
        try await SecondFactor.query(on: database).filter(\.$owner == owner).delete()
    }

    /// Enrolls with a known secret at once (the demo teacher), returning nothing to show.
    func enrollDirectly(owner: String, tenantID: UUID?, secret: [UInt8], now: Date = Date()) async throws {
        try await reset(owner: owner)
        let factor = SecondFactor()
        factor.owner = owner
        factor.tenantID = tenantID
        factor.secretSealed = try box.seal(Data(secret))
        factor.enabledAt = now
        factor.lastStep = 0
        factor.recoveryCodes = "[]"
        factor.createdAt = now
        try await factor.create(on: database)
    }

    /// The secret of a working factor (the demo page shows the demo teacher's current code).
    func enabledSecret(owner: String) async throws -> [UInt8]? {
        guard let factor = try await SecondFactor.query(on: database).filter(\.$owner == owner).first(), factor.enabledAt != nil else { return nil }
        return Array(try box.open(factor.secretSealed))
    }

    // MARK: - Recovery codes

    /// 80 random bits as four groups of four base32 letters: `abcd-efgh-ijkl-mnop`.
    static func newRecoveryCode() -> String {
        var generator = SystemRandomNumberGenerator()
        let letters = Array(Base32.encode((0..<10).map { _ in UInt8.random(in: 0...255, using: &generator) }).lowercased())
        return stride(from: 0, to: 16, by: 4).map { String(letters[$0..<$0 + 4]) }.joined(separator: "-")
    }

    static func hashRecoveryCode(_ code: String) -> String {
        let normalized = code.lowercased().filter { $0.isLetter || $0.isNumber }
        return SHA256.hash(data: Data(normalized.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private static func encode(_ hashes: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(hashes)) ?? Data("[]".utf8), as: UTF8.self)
    }

    private static func decode(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}
