import Foundation
import ZIPFoundation

/// Builds a OneRoster CSV package (manifest plus one file per entity) in a given Japan Profile,
/// UTF-8 without BOM, standard columns in the specification's order (CSV binding 1.2.1 §2–§4).
public struct PackageBuilder: Sendable {
    public let profile: Profile
    public var sourceSystemName: String?
    public var sourceSystemCode: String?
    private var files: [RosterFile: (mode: FileMode, writer: FileWriter)] = [:]

    public init(profile: Profile, sourceSystemName: String? = nil, sourceSystemCode: String? = nil) {
        self.profile = profile
        self.sourceSystemName = sourceSystemName
        self.sourceSystemCode = sourceSystemCode
    }

    /// Writes the rows of one file. Records are written in the profile's header; unknown
    /// `metadata.*` extensions are appended as extra columns at the end.
    public struct FileWriter: Sendable {
        public let file: RosterFile
        public let header: [String]
        private let sourcePositions: [Int?]
        private let extensionNames: [String]
        private var csv = CSVWriter()
        public private(set) var rowCount = 0

        init(file: RosterFile, profile: Profile, extensionNames: [String]) {
            self.file = file
            let standard = RosterSchema.header(for: file, profile: profile)
            self.header = standard + extensionNames
            let positions = RosterSchema.storagePositions(file)
            self.sourcePositions = standard.map { name in positions[RosterSchema.columnAliases[name] ?? name] }
            self.extensionNames = extensionNames
            csv.append(row: header)
        }

        /// Appends a record (status and dateLastModified are written as the record has them).
        public mutating func append(_ record: RosterRecord) {
            var row: [String] = []
            row.reserveCapacity(header.count)
            for position in sourcePositions {
                row.append(position.map { record.values[$0] } ?? "")
            }
            for name in extensionNames { row.append(record.extensions[name] ?? "") }
            csv.append(row: row)
            rowCount += 1
        }

        var bytes: [UInt8] { csv.bytes }
    }

    /// Starts a file; `extensionNames` are extra `metadata.*` columns to write after the profile's.
    public func makeWriter(for file: RosterFile, extensionNames: [String] = []) -> FileWriter {
        FileWriter(file: file, profile: profile, extensionNames: extensionNames)
    }

    /// Adds a finished file to the package. A file with no rows is left out (the binding does not
    /// allow a header-only file) and listed as `absent`.
    public mutating func add(_ writer: FileWriter, mode: FileMode = .bulk) {
        guard writer.rowCount > 0 else { return }
        files[writer.file] = (mode, writer)
    }

    /// The manifest rows (`propertyName,value`).
    public var manifestRows: [[String]] {
        var rows: [[String]] = [["propertyName", "value"], ["manifest.version", "1.0"], ["oneroster.version", profile.manifestVersion]]
        for name in RosterFile.allSpecificationFiles {
            let mode = RosterFile(rawValue: name).flatMap { files[$0]?.mode } ?? .absent
            rows.append(["file.\(name)", mode.rawValue])
        }
        if let sourceSystemName { rows.append(["source.systemName", sourceSystemName]) }
        if let sourceSystemCode { rows.append(["source.systemCode", sourceSystemCode]) }
        return rows
    }

    /// Every file of the package: name → bytes, manifest first.
    public func entries() -> [(name: String, bytes: [UInt8])] {
        var manifest = CSVWriter()
        for row in manifestRows { manifest.append(row: row) }
        var result: [(String, [UInt8])] = [("manifest.csv", manifest.bytes)]
        for file in RosterFile.allCases {
            if let entry = files[file] { result.append((file.fileName, entry.writer.bytes)) }
        }
        return result
    }

    /// Writes the package as a zip (deflate, files at the root). The zip is written beside the
    /// target and moved into place, so a reader never sees half a file.
    public func writeZip(to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).partial")
        let archive = try Archive(url: temporary, accessMode: .create)
        for (name, bytes) in entries() {
            let data = Data(bytes)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        let manager = FileManager.default
        if manager.fileExists(atPath: url.path) { try manager.removeItem(at: url) }
        try manager.moveItem(at: temporary, to: url)
    }

    /// Writes the package as a folder of CSV files.
    public func writeFolder(to url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, bytes) in entries() {
            try Data(bytes).write(to: url.appendingPathComponent(name), options: .atomic)
        }
    }
}
