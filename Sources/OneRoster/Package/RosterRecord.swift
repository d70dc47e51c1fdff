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

    /// A hash of the record's content without `status` and `dateLastModified` (a bulk row carries
    /// neither, so only the data decides "unchanged"): FNV-1a 64-bit over the values and the
    /// extensions, as 16 hex digits. The importer stores it to tell whether a record changed.
    public var contentHash: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        for (index, value) in values.enumerated() {
            if index > 0 { mix(0x1F) }
            if index == 1 || index == 2 { continue }
            for byte in value.utf8 { mix(byte) }
        }
        if !extensions.isEmpty {
            for key in extensions.keys.sorted() {
                mix(0x1E)
                for byte in key.utf8 { mix(byte) }
                mix(0x1F)
                for byte in extensions[key]!.utf8 { mix(byte) }
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
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
