import OneRoster

/// Where each rostering file is stored: one table per file (`roster_users`, …) with one text
/// column per canonical OneRoster column, plus the tenant, a content hash for change detection
/// and the unknown `metadata.*` extensions as JSON.
struct RosterTable: Sendable {
    let file: RosterFile
    let name: String
    /// Canonical OneRoster column → database column, in ``RosterSchema/storageColumns(_:)`` order.
    let columns: [(oneRoster: String, database: String)]

    init(_ file: RosterFile) {
        self.file = file
        self.name = "roster_" + RosterTable.snakeCase(file.rawValue)
        self.columns = RosterSchema.storageColumns(file).map { ($0.name, RosterTable.databaseName(for: $0.name)) }
    }

    static let all: [RosterTable] = RosterFile.allCases.map(RosterTable.init)

    static func `for`(_ file: RosterFile) -> RosterTable { all[RosterFile.allCases.firstIndex(of: file)!] }

    /// `givenName` → `given_name`; `metadata.jp.kanaGivenName` → `jp_kana_given_name`.
    static func databaseName(for column: String) -> String {
        var name = column
        if name.hasPrefix("metadata.") { name = String(name.dropFirst("metadata.".count)) }
        return snakeCase(name.replacingOccurrences(of: ".", with: "_"))
    }

    static func snakeCase(_ text: String) -> String {
        var result = ""
        for character in text {
            if character.isUppercase {
                if !result.isEmpty, result.last != "_" { result.append("_") }
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// Database columns holding the OneRoster values, without the common three.
    var dataColumns: ArraySlice<(oneRoster: String, database: String)> { columns.dropFirst(3) }
}
