import Foundation
import Testing

@testable import OneRoster

/// The committed fixture packages in `Tests/OneRosterTests/Fixtures`, one folder per rule.
///
/// `valid-minimal` is a complete, valid 1.2_JP bulk package (two schools, six users); every other
/// folder is a copy of it with one problem, named for the rule it breaks.
enum Fixtures {
    static var root: URL {
        get throws {
            try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil), "the Fixtures resource is missing")
        }
    }

    static func url(_ name: String) throws -> URL {
        let url = try root.appendingPathComponent(name, isDirectory: true)
        try #require(FileManager.default.fileExists(atPath: url.path), "no fixture \(name)")
        return url
    }

    /// Validates a committed fixture folder as it is.
    static func validate(_ name: String, options: ValidationOptions = ValidationOptions()) async throws -> ValidationReport {
        try await RosterValidator.validate(try RosterPackage(url: url(name)), options: options)
    }

    /// Copies `fixture` into a temporary folder, lets `patch` change it, and validates the copy.
    static func validate(
        patching fixture: String = "valid-minimal",
        options: ValidationOptions = ValidationOptions(),
        _ patch: (ScratchPackage) throws -> Void
    ) async throws -> ValidationReport {
        let scratch = try ScratchPackage(copying: fixture)
        try patch(scratch)
        return try await scratch.validate(options: options)
    }
}
