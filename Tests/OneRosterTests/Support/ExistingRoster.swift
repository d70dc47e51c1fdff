import Foundation
import Testing

@testable import OneRoster

/// The sourcedIds (and org types) of a package, as a target roster for delta validation.
enum ExistingRoster {
    static func ids(of fixture: String) async throws -> [RosterFile: Set<String>] {
        try await load(try RosterPackage(url: try Fixtures.url(fixture))).ids
    }

    /// Validates `package` and collects what its valid rows hold.
    static func load(_ package: RosterPackage) async throws -> (ids: [RosterFile: Set<String>], orgTypes: [String: String]) {
        var ids: [RosterFile: Set<String>] = [:]
        var orgTypes: [String: String] = [:]
        let report = try await RosterValidator.validate(package) { event in
            guard case .record(let record) = event else { return }
            ids[record.file, default: []].insert(record.sourcedId)
            if record.file == .orgs { orgTypes[record.sourcedId] = record["type"] }
        }
        try #require(report.isValid, "the base package is not valid: \(report.located)")
        return (ids, orgTypes)
    }
}
