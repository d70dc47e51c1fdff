/// Internet media types (RFC 2046, RFC 6838) as used by an attachment's `contentType`
/// (xAPI Data §2.4.11): `type/subtype` tokens with optional `; name=value` parameters.
public enum MediaType {
    /// Whether `text` is a syntactically valid media type.
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        let essence = parts[0].trimmingCharacters(in: " \t")
        let halves = essence.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, isToken(halves[0]), isToken(halves[1]) else { return false }
        for parameter in parts.dropFirst() {
            let trimmed = parameter.trimmingCharacters(in: " \t")
            guard let equals = trimmed.firstIndex(of: "=") else { return false }
            let name = trimmed[..<equals]
            let value = trimmed[trimmed.index(after: equals)...]
            guard isToken(name) else { return false }
            if value.hasPrefix("\"") {
                guard value.count >= 2, value.hasSuffix("\"") else { return false }
            } else if !isToken(value) {
                return false
            }
        }
        return true
    }

    /// `type/subtype` lowercased, parameters dropped: `Application/JSON; charset=utf-8` → `application/json`.
    public static func essence(_ text: String) -> String {
        let essence = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return essence.trimmingCharacters(in: " \t").lowercased()
    }

    /// The value of parameter `name` (case-insensitive), unquoted.
    public static func parameter(_ name: String, in text: String) -> String? {
        for parameter in text.split(separator: ";").dropFirst() {
            let trimmed = parameter.trimmingCharacters(in: " \t")
            guard let equals = trimmed.firstIndex(of: "="),
                trimmed[..<equals].trimmingCharacters(in: " \t").lowercased() == name.lowercased()
            else { continue }
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: " \t")
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            return value
        }
        return nil
    }

    static func isToken(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
                UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
                UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
                true
            default: false
            }
        }
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var view = Substring(self)
        while let first = view.first, set.contains(first) { view.removeFirst() }
        while let last = view.last, set.contains(last) { view.removeLast() }
        return String(view)
    }
}
