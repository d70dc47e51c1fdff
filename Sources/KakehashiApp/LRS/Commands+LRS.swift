import Foundation
import Vapor
import XAPI

extension Commands {
    /// A new stand-alone LRS credential of `tenant` limited to `scopes` (xAPI scope names;
    /// none means `all`): the key, the secret (shown once; only its hash is stored) and the scopes
    /// granted. Rate-limited per tenant and audit-logged.
    public static func createLRSCredential(
        tenant: String, label: String, scopes: [String] = [], actor: String, settings: Settings
    ) async throws -> (key: String, secret: String, scopes: String) {
        let granted = scopes.isEmpty ? XAPIScopes.all : try XAPIScopes(parsing: scopes.joined(separator: " "))
        return try await Application.withKakehashi(settings: settings) { app in
            let issued = try await LRSCredentials.create(tenantCode: tenant, label: label, scopes: granted, actor: actor, database: app.db)
            return (issued.key, issued.secret, granted.text)
        }
    }
}

// MARK: - Learner rights

extension Commands {
    /// What a learner export or erasure did, for the command line: counts by kind.
    public struct LearnerRecordsReport: Sendable {
        public var person: String
        public var username: String
        /// `statements`, `documents`, `attachments`, `agsResults` (and for an erasure
        /// `attachmentsKept`, `agentNames`).
        public var counts: [String: String]
    }

    public struct LearnerConfirmationMismatch: Error, CustomStringConvertible {
        public var description: String {
            "--confirm must be the person's username; nothing was erased / --confirm にはその利用者のユーザー名を指定してください(消去していません)"
        }
    }

    /// Writes every learning record of `user` (a sourcedId) of `tenant` to `out` as JSON;
    /// audit-logged as `learner.export` with `actor`.
    public static func exportLearnerRecords(tenant: String, user: String, out: URL, actor: String, settings: Settings) async throws -> LearnerRecordsReport {
        try await Application.withKakehashi(settings: settings) { app in
            let records = try await LearnerRecords.of(tenantCode: tenant, issuer: settings.baseURL, database: app.db)
            let person = try await records.person(user)
            let (json, counts) = try await records.export(person, actor: actor, source: "cli")
            try Data(json).write(to: out, options: .atomic)
            return LearnerRecordsReport(person: person.sourcedID, username: person.username, counts: counts.details)
        }
    }

    /// Erases every learning record of `user` of `tenant` in one transaction, once `confirm`
    /// is the person's username; audit-logged as `learner.erase` with `actor`.
    public static func eraseLearnerRecords(tenant: String, user: String, confirm: String, actor: String, settings: Settings) async throws -> LearnerRecordsReport {
        try await Application.withKakehashi(settings: settings) { app in
            let records = try await LearnerRecords.of(tenantCode: tenant, issuer: settings.baseURL, database: app.db)
            let person = try await records.person(user)
            guard !person.username.isEmpty, confirm == person.username else { throw LearnerConfirmationMismatch() }
            let erased = try await records.erase(person, actor: actor, source: "cli")
            return LearnerRecordsReport(person: person.sourcedID, username: person.username, counts: erased.details)
        }
    }
}
