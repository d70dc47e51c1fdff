/// Language maps (xAPI Data §4.2): an object of RFC 5646 language tag → string, with at least
/// one entry (the conformance suite rejects `{}`).
extension Validation {
    mutating func languageMap(_ value: JSON) throws(XAPIError) {
        guard case .object(let map) = value else { throw wrongType(value, expected: "a language map (an object of language tag → string)") }
        guard !map.members.isEmpty else {
            throw error("language-map.empty", "\(path.rendered) must have at least one language entry.")
        }
        for member in map.members {
            try at(member.key) { v throws(XAPIError) in
                guard LanguageTag.isValid(member.key) else {
                    throw v.error("language-map.invalid-tag", "\"\(member.key)\" is not a valid RFC 5646 language tag.")
                }
                _ = try v.string(member.value)
            }
        }
    }

    /// `context.language`: a best-effort check (hyphen-separated letters and digits). Only
    /// language map keys get the full RFC 5646 check (Data §2.2.s4.b2); the conformance suite
    /// (XAPI-00013) expects a 50-letter single subtag here to be accepted.
    mutating func languageCode(_ value: JSON) throws(XAPIError) {
        let text = try string(value)
        let subtags = text.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard !text.isEmpty, subtags.allSatisfy({ !$0.isEmpty && $0.allSatisfy(LanguageTag.isAlphanumeric) }) else {
            throw error("context.language-invalid", "context.language must be a language tag such as ja-JP; got \"\(text)\".")
        }
    }
}
