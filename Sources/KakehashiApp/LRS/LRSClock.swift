import Foundation

/// The `stored` instants of this process and what `X-Experience-API-Consistent-Through` may
/// promise.
///
/// `stored` is taken when a write starts (millisecond precision, never earlier than one already
/// handed out), before it queues for the database. A write still in flight may therefore commit
/// a `stored` older than statements already visible; Consistent-Through is the instant before
/// the oldest write in flight (or now), so every statement stored up to it is visible.
/// (Several instances on PostgreSQL each know only their own writes; see docs/STANDARDS.md.)
final class LRSClock: Sendable {
    static let shared = LRSClock()

    private struct State {
        var last: Int64 = 0
        var inFlight: [Int: Int64] = [:]
        var nextToken = 0
    }

    private let state = LockedBox(State())

    /// Milliseconds since 1970 of `date`.
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// A `stored` instant for a write that starts now; call ``end(_:)`` with the token when it
    /// has committed or failed.
    func begin() -> (stored: Date, token: Int) {
        let now = Self.milliseconds(Date())
        return state.mutate { state in
            let millis = max(now, state.last)
            state.last = millis
            let token = state.nextToken
            state.nextToken += 1
            state.inFlight[token] = millis
            return (Date(timeIntervalSince1970: Double(millis) / 1000), token)
        }
    }

    func end(_ token: Int) {
        state.mutate { _ = $0.inFlight.removeValue(forKey: token) }
    }

    /// Every statement stored at or before this instant is visible to a query starting now.
    func consistentThrough() -> Date {
        let now = Self.milliseconds(Date())
        let millis = state.mutate { state -> Int64 in
            guard let oldest = state.inFlight.values.min() else { return now }
            return min(now, oldest - 1)
        }
        return Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    /// Runs a write with a `stored` instant from ``begin()``.
    func write<T>(_ body: (Date) async throws -> T) async rethrows -> T {
        let (stored, token) = begin()
        defer { end(token) }
        return try await body(stored)
    }
}
