import Foundation

/// The location of a value inside a JSON document, built while walking it and rendered as
/// `$.actor.member[1].mbox` only when an error needs it.
struct JSONPath: Sendable {
    enum Component: Sendable {
        case key(String)
        case index(Int)
    }

    private(set) var components: [Component] = []

    init(_ components: [Component] = []) { self.components = components }

    mutating func push(_ key: String) { components.append(.key(key)) }
    mutating func push(_ index: Int) { components.append(.index(index)) }
    mutating func pop() { components.removeLast() }

    /// `$`, `$.actor.mbox`, `$.member[0]`; keys that are not plain names are bracketed:
    /// `$.context.extensions["http://example.com/x"]`.
    var rendered: String { Self.render(components) }

    static func render(_ components: some Sequence<Component>) -> String {
        var text = "$"
        for component in components {
            switch component {
            case .index(let index): text += "[\(index)]"
            case .key(let key):
                if isPlainName(key) {
                    text += "." + key
                } else {
                    text += "[\"" + key.replacingOccurrences(of: "\"", with: "\\\"") + "\"]"
                }
            }
        }
        return text
    }

    private static func isPlainName(_ key: String) -> Bool {
        guard let first = key.utf8.first, !(48...57).contains(first) else { return false }
        return key.utf8.allSatisfy { byte in
            (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte) || byte == 95
        }
    }
}
