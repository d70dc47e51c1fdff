import Foundation
import Synchronization
// The SQLite that sqlite-nio builds and links (its C target): the same library, in this
// process once. sqlite-nio does not hand out its connections' handles.
import VaporCSQLite

/// A SQLite connection driven through SQLite's C interface, for the statement writer
/// (``SQLiteWriterConnection``). Each call runs on the caller's thread, its statement is prepared
/// once and kept, and bound texts are read where they lie (``SQLiteRows``).
///
/// Through sqlite-nio every call prepared its statement again, converted each bound text to a C
/// string that SQLite then copied once more, and went to a thread pool and back; preparing and
/// binding were 18% of the writer's time, and the reference counting of the bound values 6%.
final class SQLiteHandle: Sendable {
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var connection: OpaquePointer?
        /// Prepared statements by their SQL: the writer runs the same few texts again and again.
        var statements: [String: Prepared] = [:]

        deinit { SQLiteHandle.release(statements, connection) }
    }

    private struct Prepared {
        let pointer: OpaquePointer
        /// Result column names → indexes.
        let columns: [String: Int32]
    }

    /// At most this many statements are kept prepared; statements beyond (texts with a one-off
    /// number of placeholders) are finalized after their run.
    static let keptStatements = 256

    /// Opens (or creates) the database at `path`.
    init(path: String) throws {
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_EXRESCODE
        let code = sqlite_nio_sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let failure = SQLiteFailure(code: code, message: connection.map(Self.message) ?? "cannot open the database")
            if let connection { sqlite_nio_sqlite3_close_v2(connection) }
            throw failure
        }
        state = Mutex(State(connection: connection))
    }

    /// Closes the connection; later calls fail.
    func close() {
        state.withLock { state in
            Self.release(state.statements, state.connection)
            state.statements = [:]
            state.connection = nil
        }
    }

    /// Finalizes the kept statements and closes the connection.
    private static func release(_ statements: [String: Prepared], _ connection: OpaquePointer?) {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement.pointer) }
        if let connection { sqlite_nio_sqlite3_close_v2(connection) }
    }

    /// Runs `sql` with `binds` and returns the named result columns of each row as text (nil for
    /// NULL; SQLite converts numbers).
    @discardableResult
    func query(_ sql: String, _ binds: [BulkSQL.Value] = [], columns: [String] = []) throws -> [[String?]] {
        var laidOut = SQLiteBinds()
        for value in binds { laidOut.append(value) }
        return try state.withLock { state throws(SQLiteFailure) -> [[String?]] in
            let (prepared, kept) = try Self.prepare(sql, in: &state) { sql }
            defer { Self.finish(prepared, kept: kept) }
            return try laidOut.withSlots { slots, base throws(SQLiteFailure) in
                for (offset, slot) in slots.enumerated() { try Self.bind(slot, base: base, at: Int32(offset + 1), prepared.pointer) }
                let indexes = columns.map { prepared.columns[$0] }
                var rows: [[String?]] = []
                while try Self.step(prepared.pointer, state.connection) {
                    rows.append(indexes.map { index in index.flatMap { Self.text(prepared.pointer, $0) } })
                }
                return rows
            }
        }
    }

    /// Inserts `rows`, several at a time: statements of 128 rows, then of the remainder's binary
    /// digits (64, 32, … 1), so that a handful of texts per table are prepared once and kept.
    func insert(_ rows: SQLiteRows) throws {
        precondition(rows.binds.count % rows.width == 0, "a partial row: \(rows.binds.count) values for rows of \(rows.width)")
        guard rows.count > 0 else { return }
        try state.withLock { state throws(SQLiteFailure) in
            try rows.binds.withSlots { slots, base throws(SQLiteFailure) in
                var done = 0
                while done < rows.count {
                    let remaining = rows.count - done
                    let count = remaining >= SQLiteRows.chunk ? SQLiteRows.chunk : 1 << (Int.bitWidth - 1 - remaining.leadingZeroBitCount)
                    let (prepared, kept) = try Self.prepare(rows.key(rows: count), in: &state) { rows.statement(rows: count) }
                    defer { Self.finish(prepared, kept: kept) }
                    let first = done * rows.width
                    for index in 0..<(count * rows.width) {
                        try Self.bind(slots[first + index], base: base, at: Int32(index + 1), prepared.pointer)
                    }
                    while try Self.step(prepared.pointer, state.connection) {}
                    done += count
                }
            }
        }
    }

    // MARK: - Statements

    /// The statement kept under `key` (its SQL, or ``SQLiteRows/key(rows:)``), prepared from `sql()` the first time.
    private static func prepare(_ key: String, in state: inout State, sql: () -> String) throws(SQLiteFailure) -> (Prepared, kept: Bool) {
        if let kept = state.statements[key] { return (kept, true) }
        guard let connection = state.connection else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "the connection is closed") }
        let keep = state.statements.count < keptStatements
        var pointer: OpaquePointer?
        let code = sql().withCString { text in
            sqlite_nio_sqlite3_prepare_v3(connection, text, -1, keep ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0, &pointer, nil)
        }
        guard code == SQLITE_OK, let pointer else {
            throw SQLiteFailure(code: code, message: message(connection))
        }
        var columns: [String: Int32] = [:]
        for index in 0..<sqlite_nio_sqlite3_column_count(pointer) {
            if let name = sqlite_nio_sqlite3_column_name(pointer, index) { columns[String(cString: name)] = index }
        }
        let prepared = Prepared(pointer: pointer, columns: columns)
        if keep { state.statements[key] = prepared }
        return (prepared, keep)
    }

    /// Resets a statement after its run (releasing its binds), or finalizes one not kept.
    private static func finish(_ prepared: Prepared, kept: Bool) {
        if kept {
            sqlite_nio_sqlite3_reset(prepared.pointer)
            sqlite_nio_sqlite3_clear_bindings(prepared.pointer)
        } else {
            sqlite_nio_sqlite3_finalize(prepared.pointer)
        }
    }

    /// One step: true while there is a row.
    private static func step(_ statement: OpaquePointer, _ connection: OpaquePointer?) throws(SQLiteFailure) -> Bool {
        switch sqlite_nio_sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw SQLiteFailure(code: code, message: connection.map(message) ?? "")
        }
    }

    private static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        guard sqlite_nio_sqlite3_column_type(statement, column) != SQLITE_NULL, let text = sqlite_nio_sqlite3_column_text(statement, column) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite_nio_sqlite3_column_bytes(statement, column))), as: UTF8.self)
    }

    // MARK: - Binds

    /// A slot of ``SQLiteBinds``: texts and blobs are bound where they lie in the buffer
    /// (`SQLITE_STATIC`), which outlives the statement's run. A zero-length text still needs an
    /// address: without one SQLite binds NULL.
    private static func bind(_ slot: SQLiteBinds.Slot, base: UnsafePointer<UInt8>?, at index: Int32, _ statement: OpaquePointer) throws(SQLiteFailure) {
        let code: Int32
        switch slot {
        case .null:
            code = sqlite_nio_sqlite3_bind_null(statement, index)
        case .int(let number):
            code = sqlite_nio_sqlite3_bind_int64(statement, index, number)
        case .text(let offset, let count):
            let start = count == 0 || base == nil ? emptyText : UnsafeRawPointer(base! + Int(offset)).assumingMemoryBound(to: CChar.self)
            code = sqlite_nio_sqlite3_bind_text64(statement, index, start, UInt64(count), nil, UInt8(SQLITE_UTF8))
        case .blob(let offset, let count):
            if count == 0 || base == nil {
                code = sqlite_nio_sqlite3_bind_zeroblob(statement, index, 0)
            } else {
                code = sqlite_nio_sqlite3_bind_blob64(statement, index, base! + Int(offset), UInt64(count), nil)
            }
        }
        guard code == SQLITE_OK else { throw SQLiteFailure(code: code, message: "bind \(index): \(String(cString: sqlite_nio_sqlite3_errstr(code)))") }
    }

    private static func message(_ connection: OpaquePointer) -> String {
        sqlite_nio_sqlite3_errmsg(connection).map { String(cString: $0) } ?? "unknown error"
    }
}

/// A zero-length C string that lives as long as the process (bound `SQLITE_STATIC`).
nonisolated(unsafe) private let emptyText: UnsafePointer<CChar> = {
    let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
    pointer.initialize(to: 0)
    return UnsafePointer(pointer)
}()

/// A SQLite error: its (extended) result code and message. Shown to operators in the log; a
/// client sees a plain 500.
struct SQLiteFailure: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    var description: String { "SQLite error \(code): \(message)" }
    /// A constraint failed (`SQLITE_CONSTRAINT` and its extended codes): a duplicate key.
    var isConstraint: Bool { code & 0xFF == SQLITE_CONSTRAINT }
}

/// Values to bind, their texts and blobs back to back in one buffer: built on any task, without
/// a reference-counted object per value, and bound by ``SQLiteHandle`` without a copy.
struct SQLiteBinds: Sendable {
    enum Slot: Sendable {
        case null
        case int(Int64)
        case text(offset: Int32, count: Int32)
        case blob(offset: Int32, count: Int32)
    }

    private(set) var slots: [Slot] = []
    private var bytes: [UInt8] = []

    var count: Int { slots.count }

    mutating func reserve(slots: Int, bytes: Int) {
        self.slots.reserveCapacity(slots)
        self.bytes.reserveCapacity(bytes)
    }

    mutating func append(_ value: BulkSQL.Value) {
        switch value {
        case .null: slots.append(.null)
        case .int(let number): slots.append(.int(number))
        case .uuid(let uuid): appendText(uuid.fastUUIDString)
        case .text(let text): appendText(text)
        case .blob(let data):
            slots.append(.blob(offset: Int32(bytes.count), count: Int32(data.count)))
            bytes += data
        }
    }

    mutating func appendText(_ text: String) {
        let offset = Int32(bytes.count)
        bytes.append(contentsOf: text.utf8)
        slots.append(.text(offset: offset, count: Int32(bytes.count) - offset))
    }

    mutating func appendText(utf8: [UInt8]) {
        slots.append(.text(offset: Int32(bytes.count), count: Int32(utf8.count)))
        bytes += utf8
    }

    /// Appends `other`'s values after these.
    mutating func append(contentsOf other: SQLiteBinds) {
        let shift = Int32(bytes.count)
        bytes += other.bytes
        slots.reserveCapacity(slots.count + other.slots.count)
        for slot in other.slots {
            switch slot {
            case .text(let offset, let count): slots.append(.text(offset: offset + shift, count: count))
            case .blob(let offset, let count): slots.append(.blob(offset: offset + shift, count: count))
            case .null, .int: slots.append(slot)
            }
        }
    }

    /// The slots and the buffer's address, valid inside `body`.
    func withSlots<R>(_ body: ([Slot], UnsafePointer<UInt8>?) throws(SQLiteFailure) -> R) throws(SQLiteFailure) -> R {
        try bytes.withUnsafeBufferPointer { buffer throws(SQLiteFailure) in try body(slots, buffer.baseAddress) }
    }
}

/// Rows for one table, inserted by ``SQLiteHandle/insert(_:)``.
struct SQLiteRows: Sendable {
    /// `INSERT OR FAIL INTO "table" ("a", "b") VALUES `.
    private let head: String
    /// `(?, ?)`.
    private let tuple: String
    let width: Int
    private(set) var binds = SQLiteBinds()

    /// Rows per statement, beyond which a table's rows go in several.
    static let chunk = 128

    init(_ verb: String, into table: String, columns: [String]) {
        head = verb + " INTO \"" + table + "\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
        tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        width = columns.count
    }

    var count: Int { binds.count / width }

    mutating func reserve(rows: Int, bytes: Int) { binds.reserve(slots: rows * width, bytes: bytes) }

    /// Appends one value; a row is `width` values in column order.
    mutating func append(_ value: BulkSQL.Value) { binds.append(value) }

    mutating func append(contentsOf values: [BulkSQL.Value]) { for value in values { binds.append(value) } }

    /// Appends the rows of `other`, which are for the same table and columns.
    mutating func append(contentsOf other: SQLiteRows) {
        precondition(other.head == head, "rows of another table or other columns")
        binds.append(contentsOf: other.binds)
    }

    /// Appends a text given as UTF-8.
    mutating func appendText(utf8: [UInt8]) { binds.appendText(utf8: utf8) }

    /// What the statement for `rows` rows is kept under (no SQL text starts with a digit).
    func key(rows: Int) -> String { String(rows) + " " + head }

    /// The statement text for `rows` rows.
    func statement(rows: Int) -> String { head + Array(repeating: tuple, count: rows).joined(separator: ", ") }
}
