import Testing

/// One cell of a fixture: file, line (1 is the header) and column.
struct Cell: Sendable, CustomTestStringConvertible {
    var file: String
    var line: Int
    var column: String

    init(_ file: String, _ line: Int, _ column: String) {
        self.file = file
        self.line = line
        self.column = column
    }

    var testDescription: String { "\(file):\(line) [\(column)]" }
}
