/// RFC 5646 language tags, the keys of every language map (xAPI Data §2.2.s4.b2: the LRS MUST
/// at least validate the sequence of token lengths of language map keys).
///
/// Well-formedness per the RFC 5646 §2.1 ABNF (language, extlang, script, region, variants,
/// extensions, private use; the grandfathered tags), plus the §2.2.6 rule that an extension
/// singleton appears once, so `ar-a-aaa-b-bbb-a-ccc` and `de-419-DE` are rejected.
public enum LanguageTag {
    static let irregular: Set<String> = [
        "en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux", "i-mingo",
        "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-be-fr", "sgn-be-nl", "sgn-ch-de",
    ]
    static let regular: Set<String> = [
        "art-lojban", "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka", "zh-min", "zh-min-nan", "zh-xiang",
    ]

    /// Whether `tag` is a well-formed RFC 5646 language tag.
    public static func isValid(_ tag: String) -> Bool {
        guard !tag.isEmpty, tag.utf8.count <= 256 else { return false }
        if let simple = isSimple(tag) { return simple }
        let lower = tag.lowercased()
        if irregular.contains(lower) || regular.contains(lower) { return true }
        let subtags = lower.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard subtags.allSatisfy({ !$0.isEmpty && $0.count <= 8 && $0.allSatisfy(isAlphanumeric) }) else { return false }
        var index = 0
        func isAlpha(_ s: Substring.UTF8View.SubSequence) -> Bool { s.allSatisfy(isLetter) }
        // Private use alone: x-whatever
        if subtags[0].count == 1 { return subtags[0].first == UInt8(ascii: "x") && isPrivateUse(subtags, from: 0) }
        // language
        let language = subtags[0]
        guard isAlpha(language), language.count >= 2 else { return false }
        index = 1
        if language.count <= 3 {
            // up to three extlang subtags
            var extlangs = 0
            while index < subtags.count, extlangs < 3, subtags[index].count == 3, isAlpha(subtags[index]) {
                index += 1
                extlangs += 1
            }
        }
        // script
        if index < subtags.count, subtags[index].count == 4, isAlpha(subtags[index]) { index += 1 }
        // region
        if index < subtags.count {
            let subtag = subtags[index]
            if (subtag.count == 2 && isAlpha(subtag)) || (subtag.count == 3 && subtag.allSatisfy(isDigit)) { index += 1 }
        }
        // variants
        var variants: Set<String> = []
        while index < subtags.count {
            let subtag = subtags[index]
            let isVariant = (subtag.count >= 5) || (subtag.count == 4 && isDigit(subtag.first!))
            guard isVariant else { break }
            guard variants.insert(String(decoding: subtag, as: UTF8.self)).inserted else { return false }
            index += 1
        }
        // extensions
        var singletons: Set<UInt8> = []
        while index < subtags.count, subtags[index].count == 1, subtags[index].first != UInt8(ascii: "x") {
            let singleton = subtags[index].first!
            guard singletons.insert(singleton).inserted else { return false }
            index += 1
            var parts = 0
            while index < subtags.count, subtags[index].count >= 2 {
                index += 1
                parts += 1
            }
            guard parts > 0 else { return false }
        }
        if index < subtags.count {
            guard subtags[index].count == 1, subtags[index].first == UInt8(ascii: "x") else { return false }
            return isPrivateUse(subtags, from: index)
        }
        return true
    }

    /// The common shapes `ja`, `ja-JP`, `es-419`, `zh-Hant`, checked without allocating; nil
    /// when the tag has another shape and needs the full grammar.
    @inline(__always) static func isSimple(_ tag: String) -> Bool? {
        var first = 0
        var second = 0
        var secondDigits = 0
        var inSecond = false
        for byte in tag.utf8 {
            if byte == UInt8(ascii: "-") {
                if inSecond { return nil }
                inSecond = true
                continue
            }
            if inSecond {
                second += 1
                if isDigit(byte) { secondDigits += 1 } else if !isLetter(byte) { return nil }
            } else {
                guard isLetter(byte) else { return nil }
                first += 1
            }
        }
        guard first == 2 || first == 3 else { return nil }
        if !inSecond { return true }
        if second == 2, secondDigits == 0 { return true }  // region
        if second == 3, secondDigits == 3 { return true }  // UN M.49 region
        if second == 4, secondDigits == 0 { return true }  // script
        return nil
    }

    private static func isPrivateUse(_ subtags: [Substring.UTF8View.SubSequence], from start: Int) -> Bool {
        subtags.count > start + 1 && subtags[(start + 1)...].allSatisfy { $0.count >= 1 && $0.count <= 8 }
    }

    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (97...122).contains(byte) || (65...90).contains(byte) }
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }
    @inline(__always) static func isAlphanumeric(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }
}
