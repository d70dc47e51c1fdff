import NIOConcurrencyHelpers

/// A value shared with a `@Sendable` callback (rows arriving from a database thread).
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NIOLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func mutate<T>(_ body: (inout Value) -> T) -> T {
        lock.withLock { body(&value) }
    }

    var current: Value { lock.withLock { value } }
}
