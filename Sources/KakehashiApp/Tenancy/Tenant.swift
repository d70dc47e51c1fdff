import Fluent
import Foundation

/// A board of education (教育委員会): the district org of its roster package. Every roster row
/// belongs to exactly one tenant; two tenants may use the same sourcedIds.
final class Tenant: Model, @unchecked Sendable {
    static let schema = "tenants"

    @ID(key: .id) var id: UUID?
    /// A short slug chosen by the operator (`yokohama`), unique.
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(id: UUID? = nil, code: String, name: String) {
        self.id = id
        self.code = code
        self.name = name
    }

    /// A tenant code: 2–32 characters of lowercase letters, digits and hyphens, starting with a letter.
    static func isValidCode(_ code: String) -> Bool {
        let utf8 = Array(code.utf8)
        guard (2...32).contains(utf8.count), let first = utf8.first, first >= 0x61, first <= 0x7A else { return false }
        return utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") }
    }
}
