/// One problem found in a roster package, located at a file, line and column, with a stable rule
/// id and a message in Japanese and English.
public struct Diagnostic: Sendable, Codable, Equatable {
    public enum Severity: String, Sendable, Codable, Comparable {
        case error
        case warning
        case info

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .info: 2
            }
        }
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// The file inside the package (`users.csv`), or "" for the package itself.
    public var file: String
    /// 1-based line, 0 when the problem concerns the whole file.
    public var line: Int
    /// The column's header name, "" when not about one column.
    public var column: String
    public var rule: String
    public var severity: Severity
    public var messageJa: String
    public var messageEn: String

    public init(file: String, line: Int = 0, column: String = "", rule: Rule, severity: Severity? = nil, ja: String, en: String) {
        self.file = file
        self.line = line
        self.column = column
        self.rule = rule.rawValue
        self.severity = severity ?? rule.severity
        self.messageJa = ja
        self.messageEn = en
    }

    /// `users.csv:12 [givenName] error field.required: …`
    public var location: String {
        var text = file.isEmpty ? "(package)" : file
        if line > 0 { text += ":\(line)" }
        if !column.isEmpty { text += " [\(column)]" }
        return text
    }
}
