/// A JSON object whose members keep the order they were written in.
///
/// xAPI objects are small (rarely more than a dozen members), so a member list with linear
/// look-up is faster than a dictionary and lets the `exact` format return what was sent.
/// Keys are unique: ``JSONParser`` rejects duplicates (xAPI Data §2.2.s2.b2).
/// Equality ignores member order.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection {
    /// One `"key": value` pair.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSON

        @inlinable public init(key: String, value: JSON) {
            self.key = key
            self.value = value
        }
    }

    /// The members in order.
    public var members: [Member]

    @inlinable public init(_ members: [Member] = []) { self.members = members }

    /// Members from key-value pairs, in order; a later pair with the same key replaces the earlier.
    public init(_ pairs: [(String, JSON)]) {
        self.members = []
        for (key, value) in pairs { self[key] = value }
    }

    @inlinable public var startIndex: Int { members.startIndex }
    @inlinable public var endIndex: Int { members.endIndex }
    @inlinable public subscript(position: Int) -> Member { members[position] }

    /// The keys in order.
    public var keys: [String] { members.map(\.key) }

    /// The value of `key`; setting nil removes the member, setting a new key appends it.
    @inlinable public subscript(key: String) -> JSON? {
        get {
            for member in members where member.key == key { return member.value }
            return nil
        }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for member in lhs.members {
            guard let other = rhs[member.key], other == member.value else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine the members' hashes commutatively.
        var combined = 0
        for member in members {
            var memberHasher = Hasher()
            memberHasher.combine(member.key)
            memberHasher.combine(member.value)
            combined = combined &+ memberHasher.finalize()
        }
        hasher.combine(members.count)
        hasher.combine(combined)
    }
}
