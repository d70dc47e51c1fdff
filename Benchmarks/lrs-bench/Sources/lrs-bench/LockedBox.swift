import NIOConcurrencyHelpers

/// A value behind a lock, shared between the clients of a run.
final class LockedBox<Value: Sendable>: Sendable {
    private let box: NIOLockedValueBox<Value>

    init(_ value: Value) { box = NIOLockedValueBox(value) }

    func get() -> Value { box.withLockedValue { $0 } }

    func set(_ value: Value) { box.withLockedValue { $0 = value } }

    @discardableResult
    func mutate<T>(_ body: (inout Value) -> T) -> T { box.withLockedValue(body) }
}
