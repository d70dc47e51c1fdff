import Fluent
import Foundation
import Testing
import VaporTesting
import XAPI

@testable import KakehashiApp

/// SQLite's statement writer remembers the Activity definitions it recorded
/// (``ActivityCatalogCache``), and requests drop what it covers before they queue. The catalog
/// must read as if there were no cache: what another connection wrote is never hidden by it, and
/// what a rolled-back transaction staged never enters it.
@Suite struct ActivityCatalogCacheTests {
    static func object(_ text: String) throws -> JSONObject {
        guard case .object(let object) = try JSONParser.parse(Array(text.utf8)) else { throw XAPIError(code: "test", message: "not an object") }
        return object
    }

    static func entries(_ id: String, _ definition: String) throws -> ActivityCatalog.Entries {
        var entries = ActivityCatalog.Entries()
        entries.definitions = [(id, try object(definition))]
        return entries
    }

    @Test func onlyCommittedDefinitionsOfTheSameGenerationCoverARequest() throws {
        let cache = ActivityCatalogCache(capacity: 3)
        let tenant = UUID(), other = UUID()
        let drill = "https://kakehashi.test/activities/drill"
        let japanese = try Self.entries(drill, #"{"name":{"ja-JP":"漢字ドリル"},"type":"http://adlnet.gov/expapi/activities/assessment"}"#)
        cache.invalidate(dataVersion: "1")

        // Staged, then rolled back: nothing is known.
        cache.stage([drill: try Self.object(#"{"name":{"ja-JP":"漢字ドリル"},"type":"http://adlnet.gov/expapi/activities/assessment"}"#)], tenantID: tenant)
        cache.discardStaged()
        #expect(cache.uncovered(japanese, tenantID: tenant).entries.definitions.count == 1)

        // Committed: the same definition is covered for its tenant only; a new language or another
        // type is not.
        cache.stage([drill: try Self.object(#"{"name":{"ja-JP":"漢字ドリル","en-US":"Kanji drill"},"type":"http://adlnet.gov/expapi/activities/assessment"}"#)], tenantID: tenant)
        #expect(cache.uncovered(japanese, tenantID: tenant).entries.definitions.count == 1)
        cache.commitStaged()
        let (generation, covered) = cache.uncovered(japanese, tenantID: tenant)
        #expect(covered.definitions.isEmpty)
        #expect(cache.uncovered(japanese, tenantID: other).entries.definitions.count == 1)
        #expect(cache.uncovered(try Self.entries(drill, #"{"name":{"ko-KR":"한자"}}"#), tenantID: tenant).entries.definitions.count == 1)
        #expect(cache.uncovered(try Self.entries(drill, #"{"type":"http://adlnet.gov/expapi/activities/lesson"}"#), tenantID: tenant).entries.definitions.count == 1)
        // A decomposed kana is another string to JSON, though Unicode finds it equivalent.
        #expect(cache.uncovered(try Self.entries(drill, #"{"name":{"ja-JP":"漢字ト\u3099リル"}}"#), tenantID: tenant).entries.definitions.count == 1)

        // The same data version keeps the generation; another connection's commit starts a new one.
        cache.invalidate(dataVersion: "1")
        #expect(cache.generation == generation)
        cache.invalidate(dataVersion: "2")
        #expect(cache.generation == generation + 1)
        #expect(cache.uncovered(japanese, tenantID: tenant).entries.definitions.count == 1)

        // Past its capacity the cache starts again (a new generation).
        for index in 0..<4 { cache.stage(["\(drill)/\(index)": try Self.object("{}")], tenantID: tenant) }
        cache.commitStaged()
        #expect(cache.generation > generation + 1)
    }

    /// Through the LRS on SQLite: a definition another connection wrote in between (here plain
    /// SQL, as an AGS score's statement writes on Fluent's connection) is merged with, not
    /// overwritten from the cache, and a covered repeat changes nothing.
    @Test func anotherConnectionsWriteIsNeverHiddenByTheCache() async throws {
        try await withApp(.sqlite) { app, _ in
            let (code, issued) = try await LRSTests.tenant(app, "catalog")
            let tenantID = try #require(try await Tenant.query(on: app.db).filter(\.$code == code).first()?.id)
            let activity = "https://kakehashi.test/activities/\(UUID().uuidString.lowercased())"
            func post(_ definition: String) async throws {
                let body = #"{"actor":{"mbox":"mailto:hanako@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/answered"},"object":{"id":"\#(activity)","definition":\#(definition)}}"#
                #expect(try await LRSTests.xapi(app, .POST, "statements", authorization: LRSTests.basic(issued), body: body).status == .ok)
            }
            func stored() async throws -> (definition: JSON?, updated: String?) {
                let row = try await BulkSQL(app.db).run(
                    "SELECT \"definition\", CAST(\"updated_us\" AS TEXT) AS \"updated\" FROM \"lrs_activities\" WHERE \"tenant_id\" = ? AND \"activity_id\" = ?",
                    [.uuid(tenantID), .text(activity)], columns: ["definition", "updated"]
                ).first
                return (row?[0].flatMap { try? JSONParser.parse(Array($0.utf8)) }, row?[1] ?? nil)
            }

            try await post(#"{"name":{"ja-JP":"漢字ドリル"}}"#)
            try await post(#"{"name":{"en-US":"Kanji drill"}}"#)
            let both = try await stored()
            #expect(both.definition?["name"]?["ja-JP"]?.string == "漢字ドリル" && both.definition?["name"]?["en-US"]?.string == "Kanji drill")
            // Covered by what was recorded: not written again.
            try await post(#"{"name":{"ja-JP":"漢字ドリル"}}"#)
            #expect(try await stored().updated == both.updated)

            // Another connection replaces the definition; the same covered repeat now merges with it.
            try await BulkSQL(app.db).run(
                "UPDATE \"lrs_activities\" SET \"definition\" = ? WHERE \"tenant_id\" = ? AND \"activity_id\" = ?",
                [.text(#"{"name":{"ko-KR":"한자 드릴"}}"#), .uuid(tenantID), .text(activity)])
            try await post(#"{"name":{"ja-JP":"漢字ドリル"}}"#)
            let merged = try #require(try await stored().definition)
            #expect(merged["name"]?["ko-KR"]?.string == "한자 드릴" && merged["name"]?["ja-JP"]?.string == "漢字ドリル")
            #expect(merged["name"]?["en-US"] == nil)
        }
    }
}
