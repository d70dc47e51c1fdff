import Foundation

/// How a person the identity provider vouches for is found in the roster: by e-mail, by
/// username, or by a `{type:identifier}` entry of `users.csv` `userIds` (e.g. the provider's
/// immutable subject registered by the board).
enum ClaimMapping: Sendable, Equatable, CustomStringConvertible {
    case email
    case username
    case userId(type: String)

    init?(_ text: String) {
        switch text {
        case "email": self = .email
        case "username": self = .username
        default:
            guard text.hasPrefix("userIds:"), let type = Optional(String(text.dropFirst("userIds:".count))), !type.isEmpty,
                !type.contains(where: { "{}:,".contains($0) })
            else { return nil }
            self = .userId(type: type)
        }
    }

    var description: String {
        switch self {
        case .email: "email"
        case .username: "username"
        case .userId(let type): "userIds:\(type)"
        }
    }

    /// The ID token claim read when none is configured.
    var defaultClaim: String {
        switch self {
        case .email: "email"
        case .username: "preferred_username"
        case .userId: "sub"
        }
    }
}
