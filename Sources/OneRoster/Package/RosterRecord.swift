/// One row of a rostering file, in the canonical column order of
/// ``RosterSchema/storageColumns(_:)`` whatever profile or column order the package used.
public struct RosterRecord: Sendable, Equatable {
    public var file: RosterFile
    /// The 1-based line of the row in its file (0 for records that did not come from a file).
    public var line: Int
    /// Values aligned with `RosterSchema.storageColumns(file)`; an absent column is "".
    public var values: [String]
    /// `metadata.*` columns the schema does not know, kept as they were (name → value).
    public var extensions: [String: String]

    public init(file: RosterFile, line: Int = 0, values: [String], extensions: [String: String] = [:]) {
        self.file = file
        self.line = line
        self.values = values
        self.extensions = extensions
    }

    /// Builds a record from canonical column names; unknown names become extensions.
    public init(file: RosterFile, fields: [String: String]) {
        let columns = RosterSchema.storageColumns(file)
        var values = [String](repeating: "", count: columns.count)
        var extensions: [String: String] = [:]
        let positions = RosterSchema.storagePositions(file)
        for (name, value) in fields {
            if let position = positions[name] { values[position] = value } else { extensions[name] = value }
        }
        self.init(file: file, values: values, extensions: extensions)
    }

    public var sourcedId: String { values[0] }
    public var status: String { values[1] }
    public var dateLastModified: String { values[2] }

    /// The value of a canonical column, "" when blank.
    public subscript(column: String) -> String {
        get {
            guard let position = RosterSchema.storagePositions(file)[column] else { return extensions[column] ?? "" }
            return values[position]
        }
        set {
            guard let position = RosterSchema.storagePositions(file)[column] else {
                extensions[column] = newValue
                return
            }
            values[position] = newValue
        }
    }

    /// The record's content without `status` and `dateLastModified`, for change detection
    /// (a bulk row carries neither, so only the data itself decides "unchanged").
    public var contentFingerprint: String {
        var parts = values
        parts[1] = ""
        parts[2] = ""
        var text = parts.joined(separator: "\u{1F}")
        if !extensions.isEmpty {
            for key in extensions.keys.sorted() {
                text += "\u{1E}" + key + "\u{1F}" + extensions[key]!
            }
        }
        return text
    }
}

extension RosterSchema {
    private static let positionTable: [RosterFile: [String: Int]] = {
        var table: [RosterFile: [String: Int]] = [:]
        for file in RosterFile.allCases {
            var positions: [String: Int] = [:]
            for (index, column) in storageColumns(file).enumerated() { positions[column.name] = index }
            table[file] = positions
        }
        return table
    }()

    /// Canonical column name → position in ``storageColumns(_:)``.
    public static func storagePositions(_ file: RosterFile) -> [String: Int] {
        positionTable[file]!
    }
}
