import Crypto
import Foundation
import ZIPFoundation

/// A OneRoster CSV package on disk: a zip (files at its root) or a folder of CSV files.
///
/// Files are read one at a time, when asked for, so a package with a million rows is never held
/// in memory all at once.
public struct RosterPackage: Sendable {
    public enum Source: Sendable {
        case zip(URL)
        case folder(URL)
    }

    /// Why a package cannot be read at all (validate exits 2).
    public struct UnreadableError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public let source: Source
    /// Entry names at the package root (`users.csv`, …).
    public let fileNames: [String]
    /// Entries inside folders of the zip, which the binding does not allow.
    public let nestedNames: [String]

    /// Opens a zip file or a folder.
    public init(url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw UnreadableError(path: url.path, reason: "no such file or folder / ファイルまたはフォルダがありません")
        }
        if isDirectory.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: url.path)
            source = .folder(url)
            fileNames = names.filter { $0.lowercased().hasSuffix(".csv") }.sorted()
            nestedNames = []
        } else {
            let archive: Archive
            do {
                archive = try Archive(url: url, accessMode: .read)
            } catch {
                throw UnreadableError(path: url.path, reason: "not a readable zip file / zipファイルとして読めません (\(error))")
            }
            var names: [String] = []
            var nested: [String] = []
            for entry in archive where entry.type == .file {
                if entry.path.contains("/") {
                    nested.append(entry.path)
                } else {
                    names.append(entry.path)
                }
            }
            source = .zip(url)
            fileNames = names.sorted()
            nestedNames = nested.sorted()
        }
    }

    public var path: String {
        switch source {
        case .zip(let url), .folder(let url): url.path
        }
    }

    /// The bytes of one file of the package.
    public func bytes(of name: String) throws -> [UInt8] {
        switch source {
        case .folder(let url):
            return [UInt8](try Data(contentsOf: url.appendingPathComponent(name)))
        case .zip(let url):
            let archive = try Archive(url: url, accessMode: .read)
            guard let entry = archive[name] else {
                throw UnreadableError(path: name, reason: "missing from the zip / zipにありません")
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(entry.uncompressedSize))
            _ = try archive.extract(entry, skipCRC32: false) { chunk in bytes.append(contentsOf: chunk) }
            return bytes
        }
    }

    /// SHA-256 of the package, hex: of the zip file itself, or of a folder's CSV files taken in
    /// name order (name, NUL, content), so the same folder always hashes the same.
    public func sha256() throws -> String {
        var hasher = SHA256()
        switch source {
        case .zip(let url):
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        case .folder(let url):
            for name in fileNames {
                hasher.update(data: Data(name.utf8 + [0]))
                hasher.update(data: try Data(contentsOf: url.appendingPathComponent(name)))
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
