import Fluent
import Foundation
import OneRoster
import Testing
import Vapor

@testable import KakehashiApp

/// The databases tests run against: an SQLite file of their own, and the PostgreSQL 15 that
/// `.ci/run` starts (`KAKEHASHI_TEST_POSTGRES_URL`).
enum TestDatabase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["KAKEHASHI_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The databases available here. Without a PostgreSQL URL only SQLite runs, unless
    /// `KAKEHASHI_REQUIRE_POSTGRES=1` (set by `.ci/run`), where a missing URL fails a test.
    static var available: [TestDatabase] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    var testDescription: String { rawValue }
}

/// Serialises PostgreSQL tests: they share one database, and Fluent migrations are not safe to
/// run concurrently.
actor PostgresGate {
    static let shared = PostgresGate()
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var migrated = false

    func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// The first PostgreSQL test starts from an empty schema.
    func resetOnce(_ app: Application) async throws {
        guard !migrated else { return }
        try await app.autoRevert()
        try await app.autoMigrate()
        migrated = true
    }
}

/// A configured application on `database`, with a fresh data folder, shut down afterwards;
/// `environment` adds settings (`KAKEHASHI_…`) read when it is configured.
@discardableResult
func withApp<T: Sendable>(
    _ database: TestDatabase, dataDirectory: URL? = nil, environment extra: [String: String] = [:], _ body: (Application, Settings) async throws -> T
) async throws -> T {
    let folder = dataDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-test-\(UUID().uuidString)")
    var environment = extra.merging(["KAKEHASHI_DATA_DIR": folder.path]) { _, fixed in fixed }
    if database == .postgres {
        guard let url = TestDatabase.postgresURL else { throw PostgresNotConfigured() }
        environment["KAKEHASHI_DATABASE_URL"] = url
        // Every test shares the PostgreSQL database, as instances behind a load balancer do: they
        // share the key that seals secrets in it, too.
        environment["KAKEHASHI_SECRET_KEY"] = "a2FrZWhhc2hpLXRlc3Qta2V5LTMyLWJ5dGVzLWxvbmc="
        await PostgresGate.shared.acquire()
    }
    let settings = Settings(environment: environment)
    defer { if dataDirectory == nil { try? FileManager.default.removeItem(at: folder) } }
    do {
        let app = try await Application.makeKakehashi(settings: settings)
        do {
            if database == .postgres { try await PostgresGate.shared.resetOnce(app) }
            let result = try await body(app, settings)
            try await app.asyncShutdown()
            if database == .postgres { await PostgresGate.shared.release() }
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    } catch {
        if database == .postgres { await PostgresGate.shared.release() }
        throw error
    }
}

/// A tenant code no other test uses (tests share the PostgreSQL database).
func uniqueTenant(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}

/// A scratch folder removed when the test ends.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-pkg-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes a demo package to a folder.
func demoPackage(schools: Int = 2, students: Int = 60, seed: UInt64 = 7, profile: Profile = .japanK12) throws -> URL {
    let folder = try temporaryFolder()
    try DemoCity.generate(.init(schools: schools, studentsPerSchool: students, seed: seed, profile: profile)).writeFolder(to: folder)
    return folder
}

func importPackage(_ url: URL, tenant: String, app: Application, configure: (inout RosterImporter.Options) -> Void = { _ in }) async throws -> RosterImportSummary {
    var options = RosterImporter.Options()
    options.actor = "test"
    configure(&options)
    return try await RosterImporter(database: app.db, logger: app.logger).importPackage(try RosterPackage(url: url), tenantCode: tenant, options: options)
}

struct PostgresNotConfigured: Error, CustomStringConvertible {
    var description: String { "KAKEHASHI_TEST_POSTGRES_URL is not set" }
}
