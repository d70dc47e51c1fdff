/// Best-effort checks of the identifier formats xAPI uses (Data §2.2.s4.b6 lets the LRS use
/// best-effort validation for IRIs and IRLs, but §2.2.s4.b1.b8 requires rejecting any value
/// without a scheme).
public enum IRI {
    /// An absolute IRI (RFC 3987): a scheme (`ALPHA *(ALPHA / DIGIT / + / - / .)`), `:`, and a
    /// non-empty rest with no whitespace, control characters or `<>"{}|\^` and backtick.
    public static func isValid(_ text: String) -> Bool {
        var text = text
        return text.withUTF8(isValid)
    }

    private static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0, colon < bytes.count - 1 else { return false }
        for index in 0..<colon where !schemeByte(bytes[index], first: index == 0) { return false }
        for index in (colon + 1)..<bytes.count where forbiddenAfterScheme[Int(bytes[index])] { return false }
        return true
    }

    private static func schemeByte(_ byte: UInt8, first: Bool) -> Bool {
        let isAlpha = (65...90).contains(byte) || (97...122).contains(byte)
        return first ? isAlpha : isAlpha || (48...57).contains(byte) || byte == 43 || byte == 45 || byte == 46
    }

    /// Bytes an IRI may not hold after its scheme: controls, space, DEL and `<>"{}|\^` and backtick.
    private static let forbiddenAfterScheme: [Bool] = (0...255).map { (byte: Int) -> Bool in
        byte <= 0x20 || byte == 0x7F || "<>\"{}|\\^`".utf8.contains(UInt8(byte))
    }

    /// An IRL: an IRI meant to be resolved. Checked as an absolute IRI.
    public static func isValidIRL(_ text: String) -> Bool { isValid(text) }

    /// A `mailto:` IRI with one address (Data §2.4.2.3: "The required format is
    /// mailto:email address"): a non-empty local part, `@`, a non-empty domain, no whitespace.
    public static func isValidMailto(_ text: String) -> Bool {
        guard text.hasPrefix("mailto:") else { return false }
        let address = text.utf8.dropFirst(7)
        guard let at = address.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else { return false }
        return address.allSatisfy { $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
    }

    /// The `mbox` value with the domain lowercased (Data §2.3.1.b7: the domain of an e-mail
    /// address is case-insensitive), for keys and comparison.
    public static func normalizedMailto(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@") else { return text }
        return String(text[..<at]) + text[at...].lowercased()
    }

    /// Exactly 40 hexadecimal digits (the SHA-1 of a mailto IRI, `mbox_sha1sum`).
    public static func isSHA1Hex(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { UUIDText.hexValue($0) != nil }
    }
}
