import Foundation
import Testing

@testable import OneRoster

/// A copy of a fixture package in a temporary folder, patched by one test to break one rule.
///
/// The fixtures hold one row per physical line (no quoted line breaks), so a row is addressed by
/// its line number, as a diagnostic reports it: line 1 is the header. The folder is removed when
/// the value goes away.
final class ScratchPackage {
    let url: URL

    init(copying fixture: String = "valid-minimal") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("kakehashi-oneroster-tests", isDirectory: true)
            .appendingPathComponent("\(fixture)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: try Fixtures.url(fixture), to: url)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func validate(options: ValidationOptions = ValidationOptions()) async throws -> ValidationReport {
        try await RosterValidator.validate(try RosterPackage(url: url), options: options)
    }

    // MARK: - Files

    func fileURL(_ name: String) -> URL { url.appendingPathComponent(name) }

    func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: fileURL(name))) }

    func text(_ name: String) throws -> String { String(decoding: try bytes(name), as: UTF8.self) }

    func write(_ name: String, _ text: String) throws { try write(name, bytes: Array(text.utf8)) }

    func write(_ name: String, bytes: [UInt8]) throws { try Data(bytes).write(to: fileURL(name)) }

    func remove(_ name: String) throws { try FileManager.default.removeItem(at: fileURL(name)) }

    /// Replaces the only occurrence of `old` in a file (fails the test when it is not there once).
    func replace(_ old: String, with new: String, in name: String) throws {
        let text = try text(name)
        let count = text.components(separatedBy: old).count - 1
        try #require(count == 1, "\"\(old)\" occurs \(count) times in \(name)")
        try write(name, text.replacingOccurrences(of: old, with: new))
    }

    // MARK: - Rows and cells

    /// The file's lines, split on LF (the fixtures have one row per line).
    func lines(_ name: String) throws -> [String] {
        var lines = try text(name).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    func write(_ name: String, lines: [String]) throws {
        try write(name, lines.joined(separator: "\n") + "\n")
    }

    /// Replaces a whole line (1-based).
    func setLine(_ name: String, _ line: Int, to text: String) throws {
        var lines = try lines(name)
        try #require(lines.indices.contains(line - 1), "\(name) has no line \(line)")
        lines[line - 1] = text
        try write(name, lines: lines)
    }

    func appendLine(_ name: String, _ text: String) throws {
        try write(name, lines: try lines(name) + [text])
    }

    func removeLine(_ name: String, _ line: Int) throws {
        var lines = try lines(name)
        try #require(lines.indices.contains(line - 1), "\(name) has no line \(line)")
        lines.remove(at: line - 1)
        try write(name, lines: lines)
    }

    /// The fields of every line.
    func table(_ name: String) throws -> [[String]] {
        try lines(name).map { line in
            var reader = CSVReader(string: line)
            let first = reader.next()
            return try #require(first).get().fields
        }
    }

    func write(_ name: String, table: [[String]]) throws {
        try write(name, lines: table.map(Self.csvLine))
    }

    /// One row as CSV text, without its line end.
    static func csvLine(_ fields: [String]) -> String {
        var writer = CSVWriter()
        writer.append(row: fields)
        return String(decoding: writer.bytes.dropLast(2), as: UTF8.self)
    }

    func columnIndex(_ name: String, column: String) throws -> Int {
        try #require(try table(name).first?.firstIndex(of: column), "\(name) has no column \(column)")
    }

    /// Sets one cell, addressed by the row's line and the column's header name.
    func setCell(_ name: String, line: Int, column: String, to value: String) throws {
        var rows = try table(name)
        let index = try columnIndex(name, column: column)
        try #require(rows.indices.contains(line - 1), "\(name) has no line \(line)")
        rows[line - 1][index] = value
        try write(name, table: rows)
    }

    /// Sets one column in every data row.
    func setColumn(_ name: String, column: String, to value: String) throws {
        var rows = try table(name)
        let index = try columnIndex(name, column: column)
        for row in rows.indices.dropFirst() { rows[row][index] = value }
        try write(name, table: rows)
    }

    /// Removes a column from the header and every row.
    func removeColumn(_ name: String, _ column: String) throws {
        let index = try columnIndex(name, column: column)
        try write(name, table: try table(name).map { row in
            var row = row
            row.remove(at: index)
            return row
        })
    }

    /// Renames a header cell, leaving the values where they are.
    func renameColumn(_ name: String, _ column: String, to newName: String) throws {
        try setCell(name, line: 1, column: column, to: newName)
    }

    /// Inserts a column at `position` (0-based; the end when nil) with the same value in every row.
    func insertColumn(_ name: String, _ column: String, at position: Int? = nil, value: String) throws {
        try write(name, table: try table(name).enumerated().map { line, row in
            var row = row
            row.insert(line == 0 ? column : value, at: position ?? row.count)
            return row
        })
    }

    /// Swaps two columns, header and values.
    func swapColumns(_ name: String, _ first: String, _ second: String) throws {
        let a = try columnIndex(name, column: first)
        let b = try columnIndex(name, column: second)
        try write(name, table: try table(name).map { row in
            var row = row
            row.swapAt(a, b)
            return row
        })
    }

    /// Moves a column (header and values) to `position` (0-based, after the removal).
    func moveColumn(_ name: String, _ column: String, to position: Int) throws {
        let index = try columnIndex(name, column: column)
        try write(name, table: try table(name).map { row in
            var row = row
            let value = row.remove(at: index)
            row.insert(value, at: position)
            return row
        })
    }

    // MARK: - Manifest

    /// Sets `oneroster.version` in the manifest.
    func setProfile(_ version: String) throws {
        try setManifest("oneroster.version", to: version)
    }

    /// Sets the value of a manifest property that is there.
    func setManifest(_ property: String, to value: String) throws {
        var rows = try table("manifest.csv")
        let index = try #require(rows.firstIndex { $0.first == property }, "the manifest has no \(property)")
        rows[index][1] = value
        try write("manifest.csv", table: rows)
    }

    /// Removes a manifest property.
    func removeManifest(_ property: String) throws {
        let rows = try table("manifest.csv")
        let index = try #require(rows.firstIndex { $0.first == property }, "the manifest has no \(property)")
        try removeLine("manifest.csv", index + 1)
    }
}
