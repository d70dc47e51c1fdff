import Fluent
import Foundation
import SQLKit
import XAPI

/// Writes and reads statements of one tenant with positional multi-row SQL (no Fluent model
/// per statement). ``store(_:payloads:client:people:)`` runs inside the caller's transaction,
/// so a batch (or an AGS score with its statement) is all or nothing.
struct StatementStore: Sendable {
    let database: any Database
    let tenantID: UUID
    /// Where writes go when set: the ingestion queue's own SQLite connection
    /// (``SQLiteWriterConnection``), in its transaction. Otherwise `database`.
    let writer: BulkSQL?
    /// The Activity definitions `writer` knows to be recorded (``ActivityCatalogCache``).
    let catalogCache: ActivityCatalogCache?

    init(database: any Database, tenantID: UUID, writer: BulkSQL? = nil, catalogCache: ActivityCatalogCache? = nil) {
        self.database = database
        self.tenantID = tenantID
        self.writer = writer
        self.catalogCache = writer == nil ? nil : catalogCache
    }

    private var sql: BulkSQL { writer ?? BulkSQL(database) }

    static func microseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

    // MARK: - Writing

    /// Stores the statements not stored already; returns their ids in order. A statement whose
    /// id is stored with other content is a 409 (the whole batch); the same content is accepted
    /// without change (Communication §2.1.2). A statement voiding a voiding statement is refused
    /// (400). `people[i]` is the roster person of statement `i`'s actor, when known.
    /// `received(i)` gives statement `i` as it was sent, before the LRS set `timestamp` and the
    /// rest: the comparison with a stored statement must not see what the LRS added.
    @discardableResult
    func store(
        _ statements: [ValidatedStatement], payloads: [String: AttachmentPayload], client: LRSClient, people: [String?],
        received: @escaping @Sendable (Int) -> JSON? = { _ in nil }
    ) async throws -> [UUID] {
        let job = Job(statements: statements, payloads: payloads, client: client, people: people, received: received)
        return try await storeGroup([job])[0].get()
    }

    /// One request's statements (a PUT, or a POST of one or many), as the ingestion queue hands
    /// them over, with their rows made beforehand: the request's task builds them (on any core)
    /// so that the one writer only concatenates and binds.
    struct Job: Sendable {
        var statements: [ValidatedStatement]
        var payloads: [String: AttachmentPayload]
        var client: LRSClient
        var people: [String?]
        var received: @Sendable (Int) -> JSON?
        /// `rows[i]`: statement `i`'s rows in the statements and filter tables, and what it adds to the catalog.
        let rows: [Rows]
        /// The statements' ids, in order (the answer).
        let ids: [UUID]
        /// What all of the job's statements add to the catalog, combined here (used when every
        /// statement of the job is new).
        let catalog: ActivityCatalog.Entries
        /// `catalog` without what the writer's ``ActivityCatalogCache`` showed to be recorded, and
        /// the cache's generation then: the writer takes these while the generation holds.
        let uncoveredCatalog: (generation: Int, entries: ActivityCatalog.Entries)?
        /// All of the job's rows (its statements and their filter and key rows), made here on the
        /// request's task: laid out for binding for SQLite's statement writer, value arrays
        /// elsewhere. The writer takes them as they are when every statement of the job is new;
        /// of a job that repeats a stored statement it emits the new ones itself.
        let prepared: Prepared

        enum Prepared: Sendable {
            case staged(StagedRows)
            case values(ValueRows)
        }

        /// A job of at least this many statements is inserted by statements of its own; smaller
        /// ones are concatenated with the group's others (each insert is a call into SQLite).
        static let readyInsertsFrom = 50

        init(
            statements: [ValidatedStatement], payloads: [String: AttachmentPayload], client: LRSClient, people: [String?],
            received: @escaping @Sendable (Int) -> JSON?, forSQLiteWriter: Bool = false, catalogCache: ActivityCatalogCache? = nil
        ) {
            self.statements = statements
            self.payloads = payloads
            self.client = client
            self.people = people
            self.received = received
            self.ids = statements.map(\.id)
            let rows = statements.map { Rows($0) }
            self.rows = rows
            catalog = client.scopes.defines ? ActivityCatalog.Entries(statements.lazy.map(\.statement)) : ActivityCatalog.Entries()
            uncoveredCatalog = catalogCache?.uncovered(catalog, tenantID: client.tenantID)
            if forSQLiteWriter {
                var staged = StagedRows(statements: statements.count, tenantID: client.tenantID)
                for index in statements.indices { StatementStore.emit(index, of: statements, rows: rows, client: client, people: people, into: &staged) }
                prepared = .staged(staged)
            } else {
                var values = ValueRows(tenantID: client.tenantID)
                for index in statements.indices { StatementStore.emit(index, of: statements, rows: rows, client: client, people: people, into: &values) }
                prepared = .values(values)
            }
        }

        /// Emits statement `index`'s rows (``StatementStore/emit(_:id:tenantID:credential:person:into:)``).
        func emit(_ index: Int, into sink: inout some RowSink) {
            StatementStore.emit(index, of: statements, rows: rows, client: client, people: people, into: &sink)
        }
    }

    /// What the writer needs to know of one statement before storing it: its id as stored,
    /// whether the LRS made it, and the id it voids. Its rows are made by
    /// ``emit(_:id:tenantID:credential:person:into:)``, where they are bound; what it adds to
    /// the catalog is collected for the whole job (``Job/catalog``).
    struct Rows: Sendable {
        let id: String
        let idWasGenerated: Bool
        let voids: String?

        init(_ statement: ValidatedStatement) {
            id = UUIDText.format(statement.id)
            idWasGenerated = statement.idWasGenerated
            voids = statement.isVoiding ? statement.voidedStatementID.map(UUIDText.format) : nil
        }
    }

    /// Where a statement's rows go: its row of `lrs_statements` (values in the order of
    /// ``statementColumns``, the stored JSON last), and its filter rows, which the sink keys
    /// (``FilterKeys``) and lays out for its table.
    protocol RowSink {
        mutating func statement(_ values: [BulkSQL.Value], json: [UInt8])
        /// A row of the agent (with `verb`), activity, registration or course-of-study filter.
        mutating func filter(_ kind: FilterKeys.Kind, _ key: String, verb: String?, storedUS: Int64, statementID: String, direct: Bool)
    }

    /// Emits the rows of `statement` (stored with the id `id`): its row in `lrs_statements` and
    /// its filter rows. `person` is the roster person of its actor, when known.
    static func emit(_ statement: ValidatedStatement, id: String, tenantID: UUID, credential: String, person: String?, into sink: inout some RowSink) {
        let stored = microseconds(statement.stored)
        let japan = statement.japanProfile
        func list(_ values: [String]) -> BulkSQL.Value { values.isEmpty ? .null : .text(values.joined(separator: "\n")) }
        func optional(_ value: String?) -> BulkSQL.Value { value.map { .text($0) } ?? .null }
        sink.statement(
            [
                .uuid(tenantID), .text(id), .int(stored), .int(microseconds(statement.timestamp)), .text(statement.verbID),
                optional(statement.actorKey?.rawValue), .text(statement.objectKind.rawValue), optional(statement.objectActivityID),
                optional(statement.objectAgentKey?.rawValue), optional(statement.statementRefTarget.map(UUIDText.format)),
                optional(statement.voidedStatementID.map(UUIDText.format)), optional(statement.registration.map(UUIDText.format)), .int(0),
                optional(person), .text(credential),
                list(japan.grades), list(japan.subjects), list(japan.courseOfStudyCodes), list(japan.units), optional(japan.assessmentType),
            ], json: statement.encoded())
        var seenAgents = Set<String>()
        for key in statement.agentKeys + statement.relatedAgentKeys where seenAgents.insert(key.rawValue).inserted {
            sink.filter(.agent, key.rawValue, verb: statement.verbID, storedUS: stored, statementID: id, direct: statement.agentKeys.contains(key))
        }
        var seenActivities = Set<String>()
        for activity in (statement.objectActivityID.map { [$0] } ?? []) + statement.relatedActivityIDs where seenActivities.insert(activity).inserted {
            sink.filter(.activity, activity, verb: nil, storedUS: stored, statementID: id, direct: activity == statement.objectActivityID)
        }
        if let registration = statement.registration {
            sink.filter(.registration, UUIDText.format(registration), verb: nil, storedUS: stored, statementID: id, direct: true)
        }
        for code in Set(japan.courseOfStudyCodes).sorted() {
            sink.filter(.courseOfStudy, code, verb: nil, storedUS: stored, statementID: id, direct: true)
        }
    }

    fileprivate static func emit(
        _ index: Int, of statements: [ValidatedStatement], rows: [Rows], client: LRSClient, people: [String?], into sink: inout some RowSink
    ) {
        emit(
            statements[index], id: rows[index].id, tenantID: client.tenantID, credential: client.credential,
            person: people.indices.contains(index) ? people[index] : nil, into: &sink)
    }

    /// Rows as value arrays, for ``insert(_:columns:rows:suffix:)`` (PostgreSQL): the statements,
    /// and the rows of the three filter tables.
    struct ValueRows: RowSink, Sendable {
        private(set) var statements: [[BulkSQL.Value]] = []
        private(set) var agents: [[BulkSQL.Value]] = []
        private(set) var activities: [[BulkSQL.Value]] = []
        private(set) var keys: [[BulkSQL.Value]] = []
        private var filterKeys: FilterKeys

        init(tenantID: UUID) { filterKeys = FilterKeys(tenantID: tenantID) }

        mutating func statement(_ values: [BulkSQL.Value], json: [UInt8]) {
            statements.append(values + [.text(String(decoding: json, as: UTF8.self))])
        }

        mutating func filter(_ kind: FilterKeys.Kind, _ key: String, verb: String?, storedUS: Int64, statementID: String, direct: Bool) {
            let key = BulkSQL.Value.int(filterKeys.key(kind, key))
            switch kind {
            case .agent:
                agents.append([key, .int(filterKeys.key(.verb, verb ?? "")), .int(storedUS), .text(statementID), .int(direct ? 1 : 0)])
            case .activity: activities.append([key, .int(storedUS), .text(statementID), .int(direct ? 1 : 0)])
            case .registration, .courseOfStudy: keys.append([key, .int(storedUS), .text(statementID)])
            case .verb: preconditionFailure("a verb is part of an agent row, not a row of its own")
            }
        }

        mutating func append(_ other: ValueRows) {
            statements += other.statements
            agents += other.agents
            activities += other.activities
            keys += other.keys
        }
    }

    /// Rows laid out for SQLite's statement writer (``SQLiteRows``): the statements, and their
    /// filter rows for the end of the staging table (``stagingColumns``).
    ///
    /// `OR FAIL`: a multi-row INSERT that may ABORT (SQLite's default) keeps a statement journal,
    /// a copy of every page it changes, to undo its own rows alone; that copying was 3% of the
    /// writer's time. A failing insert fails the writer's whole transaction anyway, which rolls
    /// it all back, and the duplicate checks before it leave no conflict to meet. 400,000
    /// statements: 13,523 and 12,771/s → 13,610 and 14,472/s, 8% less CPU.
    struct StagedRows: RowSink, Sendable {
        private var statements = SQLiteRows("INSERT OR FAIL", into: LRSSchema.statements, columns: statementColumns)
        private var filters = SQLiteRows("INSERT OR FAIL", into: LRSSchema.filterStaging, columns: stagingColumns)
        private var filterKeys: FilterKeys

        init(statements count: Int, tenantID: UUID) {
            filterKeys = FilterKeys(tenantID: tenantID)
            statements.reserve(rows: count, bytes: count * 2_400)
            filters.reserve(rows: count * 8, bytes: count * 8 * 40)
        }

        mutating func statement(_ values: [BulkSQL.Value], json: [UInt8]) {
            for value in values { statements.append(value) }
            statements.appendText(utf8: json)
        }

        mutating func filter(_ kind: FilterKeys.Kind, _ key: String, verb: String?, storedUS: Int64, statementID: String, direct: Bool) {
            filters.append(.int(Int64(kind.rawValue)))
            filters.append(.int(filterKeys.key(kind, key)))
            filters.append(verb.map { .int(filterKeys.key(.verb, $0)) } ?? .null)
            filters.append(.int(storedUS))
            filters.append(.text(statementID))
            filters.append(.int(direct ? 1 : 0))
        }

        var inserts: [SQLiteRows] { [statements, filters].filter { $0.count > 0 } }

        mutating func append(_ other: StagedRows) {
            statements.append(contentsOf: other.statements)
            filters.append(contentsOf: other.filters)
        }
    }

    /// Stores several requests' statements of this tenant with one set of multi-row statements
    /// (group commit: the caller's transaction holds them all). Each job is judged as if it came
    /// after the ones before it: its own conflict (409) or voiding error (400) refuses that job
    /// alone, before anything of it is written; the others are stored. Errors that are not the
    /// client's (the database's) propagate, and the caller's transaction rolls back every job.
    ///
    /// `assumingNew`: skip the read of stored statements with the group's ids, and let the
    /// statements' primary key find one instead: the insert then fails with a constraint error,
    /// which fails the caller's transaction, and the caller stores the group again without this
    /// (``StatementIngestQueue``). Nearly every statement sent is new, and the read was 1,000
    /// lookups of the primary key per 1,000 statements on the one writer.
    func storeGroup(_ jobs: [Job], assumingNew: Bool = false) async throws -> [Result<[UUID], XAPIError>] {
        var results = [Result<[UUID], XAPIError>](repeating: .success([]), count: jobs.count)

        // 1. Ids already stored (one read for the group), and ids of earlier jobs in the group.
        var sent: [String] = []
        if !assumingNew { for job in jobs { for row in job.rows where !row.idWasGenerated { sent.append(row.id) } } }
        var existing: [String: String] = [:]
        for chunk in Self.chunks(sent, size: 1000) {
            let rows = try await sql.run(
                "SELECT \"statement_id\", \"statement\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND \"statement_id\" IN (\(Self.placeholders(chunk.count)))",
                [.uuid(tenantID)] + chunk.map { .text($0) }, columns: ["statement_id", "statement"])
            for row in rows { if let id = row[0], let text = row[1] { existing[id] = text } }
        }
        // This group's statements so far: where each is, so that its JSON as received is read only
        // when a later job repeats its id (reading it parses the job's whole body again).
        var accepted: [String: (job: Int, index: Int, isVoiding: Bool)] = [:]
        var voidingInStore: Set<String> = []
        var unknownTargets: [String] = []
        for job in jobs {
            for row in job.rows { if let target = row.voids, existing[target] == nil { unknownTargets.append(target) } }
        }
        for chunk in Self.chunks(Array(Set(unknownTargets)), size: 1000) {
            let rows = try await sql.run(
                "SELECT \"statement_id\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND \"voids\" IS NOT NULL AND \"statement_id\" IN (\(Self.placeholders(chunk.count)))",
                [.uuid(tenantID)] + chunk.map { .text($0) }, columns: ["statement_id"])
            for row in rows { if let id = row[0] { voidingInStore.insert(id) } }
        }

        // 2. Each job in order: skip what is stored with the same content, refuse the job on a
        //    conflict or a voided voiding statement.
        var fresh: [(job: Int, index: Int)] = []
        for (number, job) in jobs.enumerated() {
            let inBatch = job.rows.count > 1
            func path(_ index: Int, _ rest: String) -> String { inBatch ? "$[\(index)]\(rest)" : "$\(rest)" }
            var skip = Set<Int>()
            // id → is voiding, within the job: only needed when the job voids something.
            var mine: [String: Bool] = [:]
            if job.rows.contains(where: { $0.voids != nil }) { for row in job.rows { mine[row.id] = row.voids != nil } }
            do {
                for index in job.rows.indices where !job.rows[index].idWasGenerated {
                    let id = job.rows[index].id
                    guard existing[id] != nil || accepted[id] != nil else { continue }
                    let earlier: JSON?
                    if let text = existing[id] {
                        earlier = try? JSONParser.parse(Array(text.utf8))
                    } else if let (earlierJob, earlierIndex, _) = accepted[id] {
                        earlier = jobs[earlierJob].received(earlierIndex) ?? jobs[earlierJob].statements[earlierIndex].statement
                    } else {
                        earlier = nil
                    }
                    guard let earlier, StatementComparison.matches(job.received(index) ?? job.statements[index].statement, earlier) else {
                        throw XAPIError(
                            code: "statement.conflict", path: path(index, ".id"), status: 409,
                            message: "A different statement with the id \(id) is stored already; statements cannot be changed.")
                    }
                    skip.insert(index)
                }
                for index in job.rows.indices where !skip.contains(index) {
                    guard let target = job.rows[index].voids else { continue }
                    let targetIsVoiding = mine[target] ?? accepted[target]?.isVoiding ?? voidingInStore.contains(target)
                        || (existing[target].flatMap { try? JSONParser.parse(Array($0.utf8)) }.map(Self.isVoiding) ?? false)
                    if targetIsVoiding { throw Self.voidingVoiding(path(index, ".object.id")) }
                }
            } catch let error as XAPIError {
                results[number] = .failure(error)
                continue
            }
            for index in job.rows.indices where !skip.contains(index) {
                fresh.append((number, index))
                accepted[job.rows[index].id] = (number, index, job.rows[index].voids != nil)
            }
            results[number] = .success(job.ids)
        }
        guard !fresh.isEmpty else { return results }

        // 3. The statements and their filter rows, for every job at once.
        var catalog: [ActivityCatalog.Entries] = []
        var targets: [String] = []
        var plain: [String] = []
        catalog.reserveCapacity(fresh.count)
        // A job whose statements are all new brings its rows ready (``Job/prepared``).
        var freshPerJob = [Int](repeating: 0, count: jobs.count)
        for (number, _) in fresh { freshPerJob[number] += 1 }
        var ready: [Int] = []
        var separate: [(job: Int, index: Int)] = []
        for (number, index) in fresh {
            let job = jobs[number]
            precondition(job.client.tenantID == tenantID, "a job of another tenant in this tenant's group")
            let prepared = job.rows[index]
            if freshPerJob[number] != job.rows.count {
                separate.append((number, index))
                // `define` scope: without it a statement adds nothing to the catalog (Communication §4.2).
                if job.client.scopes.defines { catalog.append(ActivityCatalog.Entries(job.statements[index].statement)) }
            } else if index == job.rows.count - 1 {
                ready.append(number)
                // Combined on the request's task, in the job's place; without what the cache
                // covered when that still holds.
                if let (generation, uncovered) = job.uncoveredCatalog, generation == catalogCache?.generation {
                    catalog.append(uncovered)
                } else {
                    catalog.append(job.catalog)
                }
            }
            if let target = prepared.voids { targets.append(target) } else { plain.append(prepared.id) }
        }
        if let writer {
            // SQLite's statement writer: the filter rows go to the end of the staging table, and
            // from there into the filter tables in large sorted runs (``mergeStagedFilters(_:limit:)``).
            var staged = StagedRows(statements: 0, tenantID: tenantID)
            for number in ready {
                guard case .staged(let rows) = jobs[number].prepared else { preconditionFailure("a job made for another writer") }
                if jobs[number].rows.count >= Job.readyInsertsFrom {
                    for insert in rows.inserts { try await writer.insert(insert) }
                } else {
                    staged.append(rows)
                }
            }
            for (number, index) in separate { jobs[number].emit(index, into: &staged) }
            for insert in staged.inserts { try await writer.insert(insert) }
        } else {
            var rows = ValueRows(tenantID: tenantID)
            for number in ready {
                guard case .values(let values) = jobs[number].prepared else { preconditionFailure("a job made for another writer") }
                rows.append(values)
            }
            for (number, index) in separate { jobs[number].emit(index, into: &rows) }
            try await insert(LRSSchema.statements, columns: Self.statementColumns, rows: rows.statements)
            try await insert(LRSSchema.filterAgents, columns: Self.agentColumns, rows: rows.agents)
            try await insert(LRSSchema.filterActivities, columns: Self.activityColumns, rows: rows.activities)
            try await insert(LRSSchema.filterKeys, columns: Self.keyColumns, rows: rows.keys)
        }

        // 4. Voided flags: targets of this group, and statements of this group that a voiding
        //    statement stored earlier names.
        for chunk in Self.chunks(targets, size: 1000) {
            try await sql.run(
                "UPDATE \"lrs_statements\" SET \"voided\" = 1 WHERE \"tenant_id\" = ? AND \"voids\" IS NULL AND \"statement_id\" IN (\(Self.placeholders(chunk.count)))",
                [.uuid(tenantID)] + chunk.map { .text($0) })
        }
        for chunk in Self.chunks(plain, size: 1000) {
            // Looked up in the small index of voiding statements (`voids` is rarely set), so only
            // the rare hit touches the statements' primary key.
            try await sql.run(
                """
                UPDATE "lrs_statements" SET "voided" = 1 WHERE "tenant_id" = ? AND "statement_id" IN (
                  SELECT v."voids" FROM "lrs_statements" v WHERE v."tenant_id" = ? AND v."voids" IN (\(Self.placeholders(chunk.count))))
                """, [.uuid(tenantID), .uuid(tenantID)] + chunk.map { .text($0) })
        }

        // 5. Attachment data, once per tenant and hash.
        var seenHashes = Set<String>()
        var attachmentRows: [[BulkSQL.Value]] = []
        let now = Self.microseconds(Date())
        for (number, index) in fresh where !jobs[number].payloads.isEmpty {  // attachments without data (fileUrl) store nothing here
            for attachment in jobs[number].statements[index].attachments where seenHashes.insert(attachment.sha2).inserted {
                guard let payload = jobs[number].payloads[attachment.sha2] else { continue }
                attachmentRows.append([
                    .uuid(tenantID), .text(payload.sha2), .text(payload.contentType ?? attachment.contentType), .int(Int64(payload.data.count)),
                    .blob(payload.data), .int(now),
                ])
            }
        }
        try await insert(
            LRSSchema.attachments, columns: ["tenant_id", "sha2", "content_type", "length", "content", "created_us"], rows: attachmentRows,
            suffix: " ON CONFLICT (\"tenant_id\", \"sha2\") DO NOTHING")

        // 6. Canonical activity definitions and agent names for /activities and /agents.
        try await ActivityCatalog(database: database, tenantID: tenantID, writer: writer, cache: catalogCache).record(catalog, at: now)
        return results
    }

    /// The columns of the filter tables (migration 020, ``HashFilterKeys``): `key` is a
    /// ``FilterKeys`` key (the agent's, the activity's, the registration's or the code's), `verb`
    /// the agent row's verb's.
    static let agentColumns = ["key", "verb", "stored_us", "statement_id", "direct"]
    static let activityColumns = ["key", "stored_us", "statement_id", "direct"]
    static let keyColumns = ["key", "stored_us", "statement_id"]
    /// The staging table's: `kind` is the ``FilterKeys/Kind`` of the row (agent, activity,
    /// registration or code); `verb` is set on agent rows only.
    static let stagingColumns = ["kind", "key", "verb", "stored_us", "statement_id", "direct"]

    /// Staged filter rows are merged once there are this many (about 50,000 statements of the
    /// benchmark's, eight rows each) unless `KAKEHASHI_LRS_STAGING_ROWS` says otherwise
    /// (``Settings/lrsStagingRows``). At 100,000 the merges took 27-30% of the statement writer's
    /// time; a full scan of the staged rows, which every filtered query makes, takes about 44 ns a
    /// row (18 ms at 400,000).
    ///
    /// Every filter row lands at a random place in its table (the actor's, the activity's), so a
    /// commit of 1,000 statements rewrote a whole page into the WAL for nearly each of them:
    /// 94 KB written per statement of 1.9 KB. Written by the thousands in key order, the rows of
    /// one page go in together. Queries read the staged rows by scanning, which this bounds.
    static let stagingLimit = 400_000

    /// Moves staged filter rows of one kind into their filter table, sorted by their keys, when
    /// there are at least `limit` staged rows (every tenant's: the table is shared); in the
    /// caller's transaction. Three transactions in a row empty the staging table.
    static func mergeStagedFilters(_ sql: BulkSQL, limit: Int) async throws {
        guard sql.kind == .sqlite else { return }  // PostgreSQL stages nothing
        // Rows are appended at the end and deleted a kind at a time (below; an erasure deletes a
        // few), so the span of their rowids is at least their number, and it stays at the limit
        // until every kind of the oldest rows is merged. Each
        // end is a subquery of its own: SQLite reads a lone max() or min() from the B-tree's edge,
        // but `max(rowid) - min(rowid)` in one query scanned every staged row, in every
        // transaction (23 ms at 400,000 rows; single-statement POSTs fell from 2,500 to 775/s as
        // the staged rows grew).
        let staged = try await sql.run(
            """
            SELECT CAST(COALESCE((SELECT max(rowid) FROM "lrs_filter_staging") - (SELECT min(rowid) FROM "lrs_filter_staging") + 1, 0) AS TEXT) AS "n"
            """, [], columns: ["n"]
        ).first.flatMap { $0[0] }.flatMap { Int($0) } ?? 0
        guard staged >= limit else { return }
        // One kind of rows per transaction, the oldest staged row's: agent rows, activity rows, or
        // key rows. The rows of a kind still go in together in key order (the run that makes a
        // merge cheap), but the writer stops for one kind's merge at a time, a third of the whole
        // (400,000 statements, pairs: batch p99 1,151/1,207 → 911/925 ms, max 1,216/1,285 →
        // 975/969 ms, 15,456/16,208 → 16,077/16,529 statements/s). The
        // span above stays at the limit until the three kinds of the oldest rows are merged, so
        // the next two transactions take the other two.
        let oldest = try await sql.run(
            "SELECT CAST(\"kind\" AS TEXT) AS \"kind\" FROM \"lrs_filter_staging\" WHERE rowid = (SELECT min(rowid) FROM \"lrs_filter_staging\")", [],
            columns: ["kind"]
        ).first.flatMap { $0[0] }.flatMap { Int($0) } ?? 0
        // OR IGNORE: a statement that cannot fail halfway needs no statement journal. With the
        // default ABORT, SQLite kept the original of every page a merge changed, in memory
        // (temp_store=MEMORY), and the server's peak memory grew with the store. A staged row is
        // never in its table already (a statement is stored once), so nothing is ignored.
        let (table, columns, kinds): (String, [String], String) =
            switch oldest {
            case 0: (LRSSchema.filterAgents, Self.agentColumns, "\"kind\" = 0")
            case 1: (LRSSchema.filterActivities, Self.activityColumns, "\"kind\" = 1")
            default: (LRSSchema.filterKeys, Self.keyColumns, "\"kind\" >= 2")
            }
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        try await sql.run(
            "INSERT OR IGNORE INTO \"\(table)\" (\(list)) SELECT \(list) FROM \"lrs_filter_staging\" WHERE \(kinds) ORDER BY \(list)", [])
        try await sql.run("DELETE FROM \"lrs_filter_staging\" WHERE \(kinds)", [])
    }

    /// The agent filter table as queries read it: on SQLite together with the staged rows not
    /// yet merged into it (``mergeStagedFilters(_:limit:)``), so a statement is found the moment it
    /// is stored; PostgreSQL writes the table directly. The query's conditions reach both halves
    /// (SQLite pushes them into each arm of the UNION ALL): the table by its primary key, the
    /// staged rows by a scan of at most ``Settings/lrsStagingRows``.
    static func agentFilters(_ kind: SQLDialectKind) -> String { filters(LRSSchema.filterAgents, kinds: "\"kind\" = 0", columns: agentColumns, dialect: kind) }

    /// The activity filter table as queries read it (see ``agentFilters(_:)``).
    static func activityFilters(_ kind: SQLDialectKind) -> String {
        filters(LRSSchema.filterActivities, kinds: "\"kind\" = 1", columns: activityColumns, dialect: kind)
    }

    /// The registration and course-of-study rows as queries read them (see ``agentFilters(_:)``):
    /// columns `key`, `stored_us`, `statement_id`. A key names its kind (``FilterKeys``), so a
    /// query by key finds rows of that kind only.
    static func keyFilters(_ dialect: SQLDialectKind) -> String {
        filters(LRSSchema.filterKeys, kinds: "\"kind\" >= 2", columns: keyColumns, dialect: dialect)
    }

    /// ` f JOIN "lrs_statements" s ON …`, the tenant's statements of the filter rows `f`; the
    /// first bind is the tenant's id. On SQLite a CROSS JOIN, which SQLite keeps in the order
    /// written: it cannot estimate the UNION ALL of ``agentFilters(_:)``, and without the hint it
    /// walked the tenant's every statement and probed the filter rows for each (a
    /// 1,000,000-statement store answered in seconds, not milliseconds).
    static func joinStatements(_ kind: SQLDialectKind) -> String {
        (kind == .sqlite ? " f CROSS JOIN" : " f JOIN") + " \"lrs_statements\" s ON s.\"tenant_id\" = ? AND s.\"statement_id\" = f.\"statement_id\""
    }

    private static func filters(_ table: String, kinds: String, columns: [String], dialect: SQLDialectKind) -> String {
        guard dialect == .sqlite else { return "\"\(table)\"" }
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        return "(SELECT \(list) FROM \"\(table)\" UNION ALL SELECT \(list) FROM \"\(LRSSchema.filterStaging)\" WHERE \(kinds))"
    }

    /// Whether a stored statement is a voiding statement (verb voided with a StatementRef).
    static func isVoiding(_ statement: JSON) -> Bool {
        statement["verb"]?["id"]?.string == "http://adlnet.gov/expapi/verbs/voided" && statement["object"]?["objectType"]?.string == "StatementRef"
    }

    static func voidingVoiding(_ path: String) -> XAPIError {
        XAPIError(
            code: "voiding.target-is-voiding", path: path,
            message: "The statement this one voids is itself a voiding statement; a voiding statement cannot be voided.")
    }

    static let statementColumns = [
        "tenant_id", "statement_id", "stored_us", "timestamp_us", "verb_id", "actor_key", "object_kind", "object_activity_id", "object_agent_key",
        "statement_ref", "voids", "registration", "voided", "person_sourced_id", "credential", "jp_grade", "jp_subject", "jp_course_of_study", "jp_unit",
        "jp_assessment_type", "statement",
    ]

    /// One multi-row INSERT per `BulkSQL.maxBinds` binds.
    func insert(_ table: String, columns: [String], rows: [[BulkSQL.Value]], suffix: String = "") async throws {
        for insert in Self.inserts(table, columns: columns, rows: rows, suffix: suffix) { try await sql.run(insert.sql, insert.binds) }
    }

    /// The multi-row INSERTs of `rows`, at most `BulkSQL.maxBinds` binds each.
    static func inserts(_ table: String, columns: [String], rows: [[BulkSQL.Value]], suffix: String = "") -> [(sql: String, binds: [BulkSQL.Value])] {
        guard !rows.isEmpty else { return [] }
        let perStatement = max(1, BulkSQL.maxBinds / columns.count)
        let head = "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var out: [(sql: String, binds: [BulkSQL.Value])] = []
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + perStatement)
            out.append((head + Array(repeating: tuple, count: end - start).joined(separator: ", ") + suffix, Array(rows[start..<end].joined())))
            start = end
        }
        return out
    }

    static func placeholders(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ", ") }

    static func chunks<T>(_ values: [T], size: Int) -> [ArraySlice<T>] {
        stride(from: 0, to: values.count, by: size).map { values[$0..<min(values.count, $0 + size)] }
    }

    // MARK: - Reading

    /// The stored JSON of one statement: not voided (`statementId`) or voided (`voidedStatementId`);
    /// with `credential`, only if that credential wrote it (`statements/read/mine`).
    func statement(id: UUID, voided: Bool, credential: String? = nil) async throws -> String? {
        try await sql.run(
            "SELECT \"statement\" FROM \"lrs_statements\" WHERE \"tenant_id\" = ? AND \"statement_id\" = ? AND \"voided\" = ?"
                + (credential == nil ? "" : " AND \"credential\" = ?"),
            [.uuid(tenantID), .text(UUIDText.format(id)), .int(voided ? 1 : 0)] + (credential.map { [.text($0)] } ?? []), columns: ["statement"]
        ).first?[0] ?? nil
    }

    /// One page of a query: the stored JSON with the keyset position of each statement.
    struct Row: Sendable {
        var json: String
        var storedUS: Int64
        var statementID: String
    }

    /// The first `limit` statements of a query from its cursor on: those matching the filters,
    /// and those whose object is a StatementRef to a matching statement, directly or through
    /// further StatementRefs (Communication §2.1.3.s3; the target may be voided, so a voiding
    /// statement is returned with a query its target matched, §2.1.4.s1.b2). `since`, `until`
    /// and the page apply to the returned statements themselves. With `credential`, only that
    /// credential's statements take part (`statements/read/mine`).
    func query(_ query: StatementQuery, limit: Int, credential: String? = nil) async throws -> [Row] {
        let direct = try await matching(query, limit: limit, credential: credential)
        // Without a filter every statement matches by itself.
        guard query.agentKey != nil || query.verb != nil || query.activity != nil || query.registration != nil else { return direct }
        // A statement after the last of a full page cannot be on this page.
        let targeting = try await targeting(query, limit: limit, credential: credential, bound: direct.count == limit ? direct.last : nil)
        guard !targeting.isEmpty else { return direct }
        var seen = Set<String>()
        let merged = (direct + targeting).filter { seen.insert($0.statementID).inserted }.sorted { a, b in
            query.ascending ? (a.storedUS, a.statementID) < (b.storedUS, b.statementID) : (a.storedUS, a.statementID) > (b.storedUS, b.statementID)
        }
        return Array(merged.prefix(limit))
    }

    /// The statements that match the filters themselves.
    ///
    /// With an agent, activity or registration filter, the page is found in two steps: the filter
    /// rows in the page's order (narrow, from their primary key and the staged rows), at most a
    /// page of them, and then their statements by primary key. Joined in one query, SQLite
    /// fetched every statement of the filter in the window before sorting them for the page (the
    /// UNION ALL with the staged rows loses the key's order): over 10,000,000 statements a
    /// query read hundreds of statements from disk to return 100. A statement the second step
    /// drops (voided, another credential's, another verb) is made up from the next filter rows.
    private func matching(_ query: StatementQuery, limit: Int, credential: String?) async throws -> [Row] {
        let order = query.ascending ? "ASC" : "DESC"
        var filter: [String] = []
        var filterBinds: [BulkSQL.Value] = []
        let from: String
        // What only the statement row can tell: checked in the second step.
        var statementConditions = ["s.\"voided\" = 0"]
        var statementBinds: [BulkSQL.Value] = []
        if let credential {
            statementConditions.append("s.\"credential\" = ?")
            statementBinds.append(.text(credential))
        }
        // The filter rows are found by their keys (``FilterKeys``); what the statement's own
        // columns tell (verb, object activity, registration) is checked on the statement too, so
        // there a key two texts share cannot add a statement.
        var keys = FilterKeys(tenantID: tenantID)
        if let agent = query.agentKey {
            from = Self.agentFilters(sql.kind)
            filter.append("f.\"key\" = ?")
            filterBinds.append(.int(keys.key(.agent, agent)))
            if !query.relatedAgents { filter.append("f.\"direct\" = 1") }
            if let verb = query.verb {
                filter.append("f.\"verb\" = ?")
                filterBinds.append(.int(keys.key(.verb, verb)))
            }
        } else if let activity = query.activity {
            from = Self.activityFilters(sql.kind)
            filter.append("f.\"key\" = ?")
            filterBinds.append(.int(keys.key(.activity, activity)))
            if !query.relatedActivities { filter.append("f.\"direct\" = 1") }
        } else if let registration = query.registration {
            from = Self.keyFilters(sql.kind)
            filter.append("f.\"key\" = ?")
            filterBinds.append(.int(keys.key(.registration, registration)))
        } else {
            return try await unfiltered(query, limit: limit, conditions: statementConditions, binds: statementBinds)
        }
        if let verb = query.verb {
            statementConditions.append("s.\"verb_id\" = ?")
            statementBinds.append(.text(verb))
        }
        if let activity = query.activity, !query.relatedActivities {
            statementConditions.append("s.\"object_activity_id\" = ?")
            statementBinds.append(.text(activity))
        }
        if let registration = query.registration {
            statementConditions.append("s.\"registration\" = ?")
            statementBinds.append(.text(registration))
        }
        if let activity = query.activity, query.agentKey != nil {
            // Uncorrelated: evaluated once (SQLite would scan the staged rows per candidate otherwise).
            filter.append(
                "f.\"statement_id\" IN (SELECT a.\"statement_id\" FROM \(Self.activityFilters(sql.kind)) a WHERE a.\"key\" = ?"
                    + (query.relatedActivities ? ")" : " AND a.\"direct\" = 1)"))
            filterBinds.append(.int(keys.key(.activity, activity)))
        }
        if let registration = query.registration, query.agentKey != nil || query.activity != nil {
            filter.append(
                "f.\"statement_id\" IN (SELECT r.\"statement_id\" FROM \(Self.keyFilters(sql.kind)) r WHERE r.\"key\" = ?)")
            filterBinds.append(.int(keys.key(.registration, registration)))
        }

        var page: [Row] = []
        var position = query
        while page.count < limit {
            var conditions = filter
            var binds = filterBinds
            Self.window(position, alias: "f", bound: nil, conditions: &conditions, binds: &binds)
            let candidates = try await sql.run(
                """
                SELECT f."statement_id" AS "id", CAST(f."stored_us" AS TEXT) AS "stored" FROM \(from) f WHERE \(conditions.joined(separator: " AND "))
                ORDER BY f."stored_us" \(order), f."statement_id" \(order) LIMIT \(limit)
                """, binds, columns: ["id", "stored"]
            ).compactMap { row -> (id: String, stored: Int64)? in
                guard let id = row[0], let stored = row[1].flatMap({ Int64($0) }) else { return nil }
                return (id, stored)
            }
            guard let last = candidates.last else { break }
            var found: [String: String] = [:]
            for chunk in Self.chunks(candidates.map(\.id), size: 1000) {
                let rows = try await sql.run(
                    Self.statementsByID(chunk.count, conditions: statementConditions, dialect: sql.kind),
                    [.uuid(tenantID)] + chunk.map { .text($0) } + statementBinds, columns: ["statement_id", "statement"])
                for row in rows { if let id = row[0], let json = row[1] { found[id] = json } }
            }
            for candidate in candidates where page.count < limit {
                if let json = found[candidate.id] { page.append(Row(json: json, storedUS: candidate.stored, statementID: candidate.id)) }
            }
            if candidates.count < limit { break }
            position.cursor = StatementQuery.Cursor(storedUS: last.stored, statementID: last.id)
        }
        return page
    }

    /// A page of the tenant's statements with no agent, activity or registration filter: read
    /// in order from the statements' own indexes (stored time, or verb and stored time).
    private func unfiltered(_ query: StatementQuery, limit: Int, conditions statementConditions: [String], binds statementBinds: [BulkSQL.Value])
        async throws -> [Row]
    {
        let order = query.ascending ? "ASC" : "DESC"
        var conditions = ["s.\"tenant_id\" = ?"] + statementConditions
        var binds: [BulkSQL.Value] = [.uuid(tenantID)] + statementBinds
        if let verb = query.verb {
            conditions.append("s.\"verb_id\" = ?")
            binds.append(.text(verb))
        }
        Self.window(query, alias: "s", bound: nil, conditions: &conditions, binds: &binds)
        let text = """
            SELECT s."statement", CAST(s."stored_us" AS TEXT) AS "stored", s."statement_id" AS "id" FROM "lrs_statements" s
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY s."stored_us" \(order), s."statement_id" \(order) LIMIT \(limit)
            """
        return try await rows(text, binds)
    }

    /// The statements whose StatementRef chain reaches a statement matching the filters, within
    /// the query's window and not after `bound`. Walks only statements with a StatementRef
    /// (index `lrs_statements_targeting`, migration 016); a chain is followed for at most
    /// ``maximumReferenceDepth`` references, which also ends a loop of references. Each chain
    /// member is tested by its primary key, and the page is read from the hits (SQLite keeps
    /// a CROSS JOIN in the order written): the cost follows the StatementRefs in the window, not
    /// the tenant's statements.
    private func targeting(_ query: StatementQuery, limit: Int, credential: String?, bound: Row?) async throws -> [Row] {
        var binds: [BulkSQL.Value] = [.uuid(tenantID)]
        var start = ["t.\"tenant_id\" = ?", "t.\"statement_ref\" IS NOT NULL", "t.\"voided\" = 0"]
        if let credential {
            start.append("t.\"credential\" = ?")
            binds.append(.text(credential))
        }
        Self.window(query, alias: "t", bound: bound, conditions: &start, binds: &binds)
        binds.append(.uuid(tenantID))
        var step = "n.\"statement_ref\" IS NOT NULL AND c.\"depth\" < \(Self.maximumReferenceDepth)"
        if let credential {
            step += " AND n.\"credential\" = ?"
            binds.append(.text(credential))
        }
        binds.append(.uuid(tenantID))
        var match = ["m.\"tenant_id\" = ?", "m.\"statement_id\" = c.\"target\""]
        if let credential {
            match.append(Self.checkedOnTheRow("m.\"credential\" = ?", sql.kind))
            binds.append(.text(credential))
        }
        var keys = FilterKeys(tenantID: tenantID)
        if let agent = query.agentKey {
            match.append(
                "m.\"statement_id\" IN (SELECT fa.\"statement_id\" FROM \(Self.agentFilters(sql.kind)) fa WHERE fa.\"key\" = ?"
                    + (query.relatedAgents ? ")" : " AND fa.\"direct\" = 1)"))
            binds.append(.int(keys.key(.agent, agent)))
        }
        if let activity = query.activity {
            match.append(
                "m.\"statement_id\" IN (SELECT fb.\"statement_id\" FROM \(Self.activityFilters(sql.kind)) fb WHERE fb.\"key\" = ?"
                    + (query.relatedActivities ? ")" : " AND fb.\"direct\" = 1)"))
            binds.append(.int(keys.key(.activity, activity)))
        }
        if let verb = query.verb {
            match.append(Self.checkedOnTheRow("m.\"verb_id\" = ?", sql.kind))
            binds.append(.text(verb))
        }
        if let registration = query.registration {
            match.append(Self.checkedOnTheRow("m.\"registration\" = ?", sql.kind))
            binds.append(.text(registration))
        }
        binds.append(.uuid(tenantID))
        let order = query.ascending ? "ASC" : "DESC"
        let text = """
            WITH RECURSIVE "chain"("origin", "target", "depth") AS (
              SELECT t."statement_id", t."statement_ref", 1 FROM "lrs_statements" t WHERE \(start.joined(separator: " AND "))
              UNION ALL
              SELECT c."origin", n."statement_ref", c."depth" + 1 FROM "chain" c
                JOIN "lrs_statements" n ON n."tenant_id" = ? AND n."statement_id" = c."target" WHERE \(step)
            ), "hits"("origin") AS (
              SELECT DISTINCT c."origin" FROM "chain" c WHERE EXISTS (SELECT 1 FROM "lrs_statements" m WHERE \(match.joined(separator: " AND ")))
            )
            SELECT s."statement", CAST(s."stored_us" AS TEXT) AS "stored", s."statement_id" AS "id" FROM "hits" h CROSS JOIN "lrs_statements" s
            WHERE s."tenant_id" = ? AND s."statement_id" = h."origin"
            ORDER BY s."stored_us" \(order), s."statement_id" \(order) LIMIT \(limit)
            """
        return try await rows(text, binds)
    }

    /// The tenant's statements with `count` ids (binds: the tenant, the ids, then those of
    /// `conditions`), by primary key, each checked for `conditions` (``checkedOnTheRow(_:_:)``).
    static func statementsByID(_ count: Int, conditions: [String], dialect: SQLDialectKind) -> String {
        "SELECT s.\"statement_id\", s.\"statement\" FROM \"lrs_statements\" s WHERE s.\"tenant_id\" = ? AND s.\"statement_id\" IN (\(placeholders(count)))"
            + conditions.map { " AND " + checkedOnTheRow($0, dialect) }.joined()
    }

    /// A condition on a statement found by its primary key, written so that SQLite does not
    /// read the statement through another index the condition names instead: with `verb_id = ?`
    /// next to the key it chose `lrs_statements_verb`, every statement of the tenant with that
    /// verb (17 s over 10,000,000 statements, against 16 ms by the key). SQLite uses no index for
    /// a column under unary `+`; PostgreSQL plans by its statistics and has no `+` for text.
    static func checkedOnTheRow(_ condition: String, _ dialect: SQLDialectKind) -> String {
        dialect == .sqlite ? "+" + condition : condition
    }

    /// How many StatementRefs a chain is followed through.
    static let maximumReferenceDepth = 32

    /// `since`, `until`, the page's cursor and `bound` (the last row the page can reach) on the
    /// position (`stored_us`, `statement_id`) of `alias`.
    private static func window(_ query: StatementQuery, alias: String, bound: Row?, conditions: inout [String], binds: inout [BulkSQL.Value]) {
        if let since = query.sinceUS {
            conditions.append("\(alias).\"stored_us\" > ?")
            binds.append(.int(since))
        }
        if let until = query.untilUS {
            conditions.append("\(alias).\"stored_us\" <= ?")
            binds.append(.int(until))
        }
        let after = query.ascending ? ">" : "<"
        if let cursor = query.cursor {
            conditions.append("(\(alias).\"stored_us\" \(after) ? OR (\(alias).\"stored_us\" = ? AND \(alias).\"statement_id\" \(after) ?))")
            binds += [.int(cursor.storedUS), .int(cursor.storedUS), .text(cursor.statementID)]
        }
        if let bound {
            let before = query.ascending ? "<" : ">"
            conditions.append("(\(alias).\"stored_us\" \(before) ? OR (\(alias).\"stored_us\" = ? AND \(alias).\"statement_id\" \(before)= ?))")
            binds += [.int(bound.storedUS), .int(bound.storedUS), .text(bound.statementID)]
        }
    }

    private func rows(_ text: String, _ binds: [BulkSQL.Value]) async throws -> [Row] {
        try await sql.run(text, binds, columns: ["statement", "stored", "id"]).compactMap { row in
            guard let json = row[0], let stored = row[1].flatMap({ Int64($0) }), let id = row[2] else { return nil }
            return Row(json: json, storedUS: stored, statementID: id)
        }
    }

    /// Attachment data by hash.
    func attachments(_ hashes: [String]) async throws -> [AttachmentPayload] {
        guard !hashes.isEmpty else { return [] }
        var out: [AttachmentPayload] = []
        for chunk in Self.chunks(hashes, size: 500) {
            var query = SQLQueryString("SELECT \"sha2\", \"content_type\", \"content\" FROM \"lrs_attachments\" WHERE \"tenant_id\" = \(bind: tenantID) AND \"sha2\" IN (")
            query.appendBinds(chunk)
            query.appendLiteral(")")
            for row in try await database.sql.raw(query).all() {
                out.append(
                    AttachmentPayload(
                        sha2: try row.decode(column: "sha2", as: String.self), contentType: try row.decode(column: "content_type", as: String.self),
                        data: Array(try row.decode(column: "content", as: Data.self))))
            }
        }
        return out
    }
}
