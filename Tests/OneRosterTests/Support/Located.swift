@testable import OneRoster

/// What a test asserts about one diagnostic: rule, place and severity (the messages are checked
/// separately where they matter).
struct Located: Equatable, CustomStringConvertible {
    var rule: Rule
    var file: String
    var line: Int
    var column: String
    var severity: Diagnostic.Severity

    init(_ rule: Rule, _ file: String, _ line: Int, _ column: String = "", _ severity: Diagnostic.Severity? = nil) {
        self.rule = rule
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity ?? rule.severity
    }

    var description: String { "\(rule.rawValue) \(file):\(line) [\(column)] \(severity.rawValue)" }
}

extension ValidationReport {
    /// Every diagnostic, located.
    var located: [Located] {
        diagnostics.map { diagnostic in
            let rule = Rule(rawValue: diagnostic.rule) ?? .limitReached
            return Located(rule, diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.severity)
        }
    }

    /// The diagnostics of one rule, located, in report order.
    func located(_ rule: Rule) -> [Located] {
        located.filter { $0.rule == rule }
    }

    /// The diagnostics of one rule.
    func diagnostics(_ rule: Rule) -> [Diagnostic] {
        diagnostics.filter { $0.rule == rule.rawValue }
    }
}
