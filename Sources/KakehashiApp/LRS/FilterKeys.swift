import Crypto
import Foundation

/// The keys of the LRS's filter tables (migration 020, ``HashFilterKeys``): an agent, a verb, an
/// activity, a registration or a course-of-study code of one tenant, as the first 8 bytes of
/// SHA-256(tenant id's 16 bytes | kind | the text's UTF-8), a signed big-endian integer.
///
/// An 8-byte key in place of the tenant's id and a text of 40 to 100 bytes makes each filter
/// row about a third as long, so a merge of staged rows (``StatementStore/mergeStagedFilters(_:limit:)``)
/// sorts and writes a third of the bytes: `Benchmarks/lrs-bench/merge_probe.py` measured
/// 0.68–0.90 s per 400,000 activity rows with texts, 0.37–0.57 s with these keys.
///
/// The tenant is part of every key, so one tenant's rows never carry another's key (barring a
/// collision), and a query reads its statements by (tenant, statement id) afterwards: another
/// tenant's statement is never returned. Two texts of one tenant and kind share a key with a
/// chance of about n²/2⁶⁵ among n texts (10⁶ agents: 3·10⁻⁸); finding a text that shares the key
/// of a given one takes about 2⁶⁴ hashes. Queries check the statement's own columns where they
/// tell (verb, registration, the object activity), so those answers stay exact even then.
struct FilterKeys: Sendable {
    /// What a key is of; also the staged row's `kind` (migration 017) for the four kinds staged.
    enum Kind: Int, Sendable, CaseIterable {
        case agent = 0
        case activity = 1
        /// `context.registration`.
        case registration = 2
        /// A Japan xAPI profile course-of-study code (学習指導要領コード); one row per code.
        case courseOfStudy = 3
        /// The verb of an agent row (not staged as a kind of its own).
        case verb = 4
    }

    let tenantID: UUID
    private let tenantBytes: [UInt8]
    /// Keys made already, per kind: a batch names the same verbs, tests and learners many times.
    private var made: [[String: Int64]] = Array(repeating: [:], count: Kind.allCases.count)

    init(tenantID: UUID) {
        self.tenantID = tenantID
        tenantBytes = withUnsafeBytes(of: tenantID.uuid) { Array($0) }
    }

    /// The key of `text` (remembered for the next time).
    mutating func key(_ kind: Kind, _ text: String) -> Int64 {
        if let key = made[kind.rawValue][text] { return key }
        let key = Self.key(tenantBytes, kind, text)
        made[kind.rawValue][text] = key
        return key
    }

    /// The key of `text` for the tenant `tenantID`.
    static func key(_ tenantID: UUID, _ kind: Kind, _ text: String) -> Int64 {
        key(withUnsafeBytes(of: tenantID.uuid) { Array($0) }, kind, text)
    }

    private static func key(_ tenant: [UInt8], _ kind: Kind, _ text: String) -> Int64 {
        var hasher = SHA256()
        hasher.update(data: tenant)
        hasher.update(data: [UInt8(kind.rawValue)])
        var text = text
        text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return hasher.finalize().withUnsafeBytes { bytes in
            var value: UInt64 = 0
            for byte in bytes.prefix(8) { value = value << 8 | UInt64(byte) }
            return Int64(bitPattern: value)
        }
    }
}
