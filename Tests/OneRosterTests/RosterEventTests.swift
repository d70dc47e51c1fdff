import Foundation
import Testing

@testable import OneRoster

/// What the validator hands to the importer while it streams: each file framed by
/// `fileStarted` / `fileFinished`, and only the rows without errors, in canonical columns.
@Suite struct RosterEventTests {
    /// A flat, comparable view of the events.
    enum Seen: Equatable {
        case started(RosterFile, FileMode)
        case record(RosterFile, line: Int, id: String)
        case finished(RosterFile, FileMode)
    }

    private func events(_ url: URL) async throws -> (ValidationReport, [Seen]) {
        var seen: [Seen] = []
        let report = try await RosterValidator.validate(try RosterPackage(url: url)) { event in
            switch event {
            case .fileStarted(let file, let mode): seen.append(.started(file, mode))
            case .record(let record): seen.append(.record(record.file, line: record.line, id: record.sourcedId))
            case .fileFinished(let file, let mode): seen.append(.finished(file, mode))
            }
        }
        return (report, seen)
    }

    static let validIds: [(RosterFile, [String])] = [
        (.orgs, ["district-1", "school-1", "school-2"]),
        (.academicSessions, ["session-2026", "term-2026-1"]),
        (.courses, ["course-p1", "course-j1"]),
        (.classes, ["class-p1-1", "class-j1-1"]),
        (.users, ["user-t1", "user-s1", "user-g1", "user-s2", "user-t2", "user-s3"]),
        (.userProfiles, ["profile-t1", "profile-t2"]),
        (.roles, ["role-t1", "role-s1", "role-g1", "role-s2", "role-t2", "role-s3"]),
        (.enrollments, ["enr-t1", "enr-s1", "enr-s2", "enr-t2", "enr-s3"]),
        (.demographics, ["user-s1", "user-s2", "user-s3"]),
    ]

    @Test func everyFileInDependencyOrderEveryRowWithItsLine() async throws {
        let (report, seen) = try await events(try Fixtures.url("valid-minimal"))
        var expected: [Seen] = []
        for (file, ids) in Self.validIds {
            expected.append(.started(file, .bulk))
            for (offset, id) in ids.enumerated() { expected.append(.record(file, line: offset + 2, id: id)) }
            expected.append(.finished(file, .bulk))
        }
        #expect(seen == expected)
        #expect(report.files == Self.validIds.map { file, ids in
            ValidationReport.FileSummary(name: file.fileName, mode: .bulk, rows: ids.count)
        })
    }

    @Test func rowsWithErrorsAreNotHandedOn() async throws {
        let (report, seen) = try await events(try Fixtures.url("enrollment-bad-role"))
        #expect(!report.isValid)
        let enrollments = seen.compactMap { event -> Int? in
            if case .record(.enrollments, let line, _) = event { return line }
            return nil
        }
        #expect(enrollments == [2, 4, 5, 6])
    }

    @Test func fileStartsEvenWhenItsFirstRowIsBroken() async throws {
        // The importer counts rows per file from fileStarted on: it must come before any record.
        let scratch = try ScratchPackage()
        try scratch.replace("user-t1,,,true,t0001,", with: "user-t1,,,true,t0\"001,", in: "users.csv")
        let (report, seen) = try await events(scratch.url)
        // The broken row defines no user-t1, so its profile, role and enrollment dangle.
        #expect(report.located == [
            Located(.csvStrayQuote, "users.csv", 2, "username", .error),
            Located(.referenceMissing, "userProfiles.csv", 2, "userSourcedId", .error),
            Located(.referenceMissing, "roles.csv", 2, "userSourcedId", .error),
            Located(.referenceMissing, "enrollments.csv", 2, "userSourcedId", .error),
        ])
        let users = seen.filter { event in
            switch event {
            case .started(.users, _), .finished(.users, _), .record(.users, _, _): true
            default: false
            }
        }
        #expect(users == [
            .started(.users, .bulk),
            .record(.users, line: 3, id: "user-s1"), .record(.users, line: 4, id: "user-g1"),
            .record(.users, line: 5, id: "user-s2"), .record(.users, line: 6, id: "user-t2"),
            .record(.users, line: 7, id: "user-s3"),
            .finished(.users, .bulk),
        ])
    }

    @Test func recordsFollowTheCanonicalColumns() async throws {
        var user: RosterRecord?
        _ = try await RosterValidator.validate(try RosterPackage(url: try Fixtures.url("valid-minimal"))) { event in
            if case .record(let record) = event, record.sourcedId == "user-s1", record.file == .users { user = record }
        }
        let record = try #require(user)
        #expect(record.values.count == RosterSchema.storageColumns(.users).count)
        #expect(record["familyName"] == "佐藤")
        #expect(record["metadata.jp.kanaFamilyName"] == "サトウ")
        #expect(record["agentSourcedIds"] == "user-g1")
        #expect(record["userIds"] == "{Kakehashi:s0001}")
        #expect(record["resourceSourcedIds"] == "")
        #expect(record.status == "" && record.dateLastModified == "")
    }

    @Test func deltaFilesAreFramedAsDelta() async throws {
        let (_, seen) = try await events(try Fixtures.url("delta-outside-package"))
        #expect(seen == [
            .started(.users, .delta), .record(.users, line: 2, id: "user-s4"), .finished(.users, .delta),
            .started(.enrollments, .delta), .record(.enrollments, line: 2, id: "enr-s4"),
            .record(.enrollments, line: 3, id: "enr-s2"), .finished(.enrollments, .delta),
        ])
    }
}
