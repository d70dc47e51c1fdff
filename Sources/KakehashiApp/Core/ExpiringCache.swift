import Foundation

/// Values kept for a short time in this process (a credential, a tenant's tools): a busy client
/// costs one database lookup per lifetime instead of one per request, and a change in the
/// database takes effect within that lifetime.
final class ExpiringCache<Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var until: Date
    }

    private let entries = LockedBox<[String: Entry]>([:])

    /// The value stored for `key`, unless it has expired.
    func value(for key: String, now: Date = Date()) -> Value? {
        entries.current[key].flatMap { $0.until > now ? $0.value : nil }
    }

    /// Keeps `value` for `key` until `until`, and drops the entries that have expired.
    func store(_ value: Value, for key: String, until: Date, now: Date = Date()) {
        entries.mutate { entries in
            entries = entries.filter { $0.value.until > now }
            entries[key] = Entry(value: value, until: until)
        }
    }
}
