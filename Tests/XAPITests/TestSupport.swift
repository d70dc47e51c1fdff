import Foundation
import Testing

@testable import XAPI

/// Small helpers shared by the XAPI tests: fixtures as Swift dictionaries, run through the
/// real parser and validator.
enum Fixture {
    static let stored = Date(timeIntervalSince1970: 1_717_201_815.25)  // 2024-06-01T00:30:15.250Z
    static let authority: JSON = ["objectType": "Agent", "account": ["homePage": "https://lrs.example.jp", "name": "tool-1"]]
    static let fixedID = UUID(uuidString: "00000000-0000-4000-8000-000000000001")!
    static let assignment = LRSAssignment(stored: stored, authority: authority, makeID: { Fixture.fixedID })

    /// The simplest valid statement (Data §2.4.s2 example).
    static let minimal: JSON = [
        "id": "12345678-1234-5678-1234-567812345678",
        "actor": ["mbox": "mailto:xapi@adlnet.gov"],
        "verb": ["id": "http://adlnet.gov/expapi/verbs/created", "display": ["en-US": "created"]],
        "object": ["id": "http://example.adlnet.gov/xapi/example/activity"],
    ]

    static func validate(_ json: JSON, version: XAPIVersion = .v1_0_3) throws -> ValidatedStatement {
        try StatementValidator(version: version).validate(json, assignment: assignment)
    }

    static func validate(text: String, version: XAPIVersion = .v1_0_3) throws -> ValidatedStatement {
        try StatementValidator(version: version).validateStatement(Array(text.utf8), assignment: assignment)
    }

    /// The error thrown for `json`, or nil when it validates.
    static func error(_ json: JSON, version: XAPIVersion = .v1_0_3) -> XAPIError? {
        do {
            _ = try StatementValidator(version: version).validate(json, assignment: assignment)
            return nil
        } catch {
            return error
        }
    }

    /// `minimal` with the value at `path` (object keys) replaced; nil removes it.
    static func minimal(setting path: [String], to value: JSON?) -> JSON {
        minimal.setting(path, to: value)
    }
}

extension JSON {
    /// A copy with the value at `path` (object keys) set; nil removes it. Missing objects are created.
    func setting(_ path: [String], to value: JSON?) -> JSON {
        guard let key = path.first else { return value ?? .null }
        var object = self.object ?? JSONObject()
        if path.count == 1 {
            object[key] = value
        } else {
            object[key] = (object[key] ?? .object(JSONObject())).setting(Array(path.dropFirst()), to: value)
        }
        return .object(object)
    }
}

/// Asserts `json` is rejected with `code` at `path`.
func expectRejected(
    _ json: JSON, code: String, path: String, version: XAPIVersion = .v1_0_3, sourceLocation: SourceLocation = #_sourceLocation
) {
    let error = Fixture.error(json, version: version)
    #expect(error?.code == code, "got \(String(describing: error))", sourceLocation: sourceLocation)
    #expect(error?.path == path, "got \(String(describing: error))", sourceLocation: sourceLocation)
    #expect(error?.status == 400, sourceLocation: sourceLocation)
}

/// Asserts `json` validates.
func expectAccepted(_ json: JSON, version: XAPIVersion = .v1_0_3, sourceLocation: SourceLocation = #_sourceLocation) {
    let error = Fixture.error(json, version: version)
    #expect(error == nil, "unexpected \(String(describing: error))", sourceLocation: sourceLocation)
}
