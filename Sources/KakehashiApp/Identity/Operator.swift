import Fluent
import Foundation

/// An operator: runs Kakehashi for one or many boards (municipality IT, a hosting vendor).
/// Not in any roster; created with `kakehashi admin create`.
final class Operator: Model, @unchecked Sendable {
    static let schema = "operators"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
