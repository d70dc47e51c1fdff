import Plot

/// Text with readings over its kanji for young readers (ルビ), written inline as
/// `{漢字|かんじ}`: `つかう{道具|どうぐ}` becomes `つかう<ruby>道具<rt>どうぐ</rt></ruby>`.
enum Furigana {
    static func node(_ marked: String) -> Node<HTML.BodyContext> {
        .raw(html(marked))
    }

    /// The marked text as escaped HTML with `<ruby>` elements.
    static func html(_ marked: String) -> String {
        var output = ""
        var rest = Substring(marked)
        while let open = rest.firstIndex(of: "{"), let bar = rest[open...].firstIndex(of: "|"), let close = rest[bar...].firstIndex(of: "}") {
            output += escape(rest[..<open])
            output += "<ruby>" + escape(rest[rest.index(after: open)..<bar]) + "<rt>" + escape(rest[rest.index(after: bar)..<close]) + "</rt></ruby>"
            rest = rest[rest.index(after: close)...]
        }
        return output + escape(rest)
    }

    /// The marked text without readings (for titles and English fallbacks).
    static func plain(_ marked: String) -> String {
        marked.replacing(/\{([^|}]*)\|[^}]*\}/) { String($0.output.1) }
    }

    private static func escape(_ text: Substring) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
