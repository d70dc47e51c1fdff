import Foundation
import ZIPFoundation

/// Zip packages built from fixture folders, the way a school's system delivers them.
enum ZipFixtures {
    /// A new, unused path for a zip in the tests' temporary folder.
    static func temporaryZipURL() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-oneroster-tests", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("\(UUID().uuidString).zip")
    }

    /// Zips the files of `folder` at the zip root (deflate), then `extraEntries` (path → bytes),
    /// which may name entries inside folders.
    static func zip(folder: URL, extraEntries: [String: [UInt8]] = [:]) throws -> URL {
        let url = try temporaryZipURL()
        let archive = try Archive(url: url, accessMode: .create)
        var entries: [(String, Data)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            entries.append((name, try Data(contentsOf: folder.appendingPathComponent(name))))
        }
        for (name, bytes) in extraEntries.sorted(by: { $0.key < $1.key }) {
            entries.append((name, Data(bytes)))
        }
        for (name, data) in entries {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return url
    }
}
