/// Checks one rostering file row by row and hands valid rows on as ``RosterRecord``s.
struct FileChecker {
    let file: RosterFile
    let declaredMode: FileMode
    private var reader: CSVReader

    /// The column each header position maps to, by canonical storage position.
    private var header: [String] = []
    private var positions: [Int?] = []
    private var extensionNames: [Int: String] = [:]
    private var mode: FileMode
    private var firstLineOfId: [String: Int] = [:]
    /// Same-file references checked when the file ends: (line, column, id).
    private var deferred: [(line: Int, column: String, id: String)] = []
    private var rows = 0

    init(file: RosterFile, declaredMode: FileMode, bytes: [UInt8]) {
        self.file = file
        self.declaredMode = declaredMode
        self.mode = declaredMode
        self.reader = CSVReader(bytes: bytes)
    }

    var fileName: String { file.fileName }

    mutating func run(state: inout ValidationState, onEvent: (RosterEvent) async throws -> Void) async throws {
        if reader.hadByteOrderMark {
            state.report(Diagnostic(
                file: fileName, line: 1, rule: .csvByteOrderMark,
                ja: "先頭に BOM があります。読み込みでは無視しますが、BOM を扱えないシステムもあります。",
                en: "the file starts with a byte order mark; it is skipped, but some systems cannot read it."))
        }
        guard readHeader(state: &state) else { return }
        // Diagnostics name a column as the file spells it (`ShussekiNo` in the older profiles).
        let storageColumns = RosterSchema.storageColumns(file).enumerated().map { position, column in
            guard let index = positions.firstIndex(of: position), header[index] != column.name else { return column }
            return Column(header[index], column.requirement, column.kind, fullWidthOnly: column.fullWidthOnly)
        }
        var started = false

        while let next = reader.next() {
            let row: CSVReader.Row
            switch next {
            case .failure(let error):
                state.report(syntaxDiagnostic(error, file: fileName, header: header))
                rows += 1
                continue
            case .success(let parsed):
                row = parsed
            }
            if CSVReader.isBlank(row) { continue }
            rows += 1
            // The first row read, even when rows before it had syntax errors.
            if !started {
                decideMode(firstRow: row, state: &state)
                try await onEvent(.fileStarted(file, mode))
                started = true
            }
            guard row.fields.count == header.count else {
                state.report(Diagnostic(
                    file: fileName, line: row.line, rule: .csvFieldCount,
                    ja: "列の数が \(row.fields.count) です。見出しは \(header.count) 列です。",
                    en: "the row has \(row.fields.count) fields; the header has \(header.count)."))
                continue
            }
            var values = [String](repeating: "", count: storageColumns.count)
            var extensions: [String: String] = [:]
            for (index, field) in row.fields.enumerated() {
                if let position = positions[index] {
                    values[position] = field
                } else if let name = extensionNames[index], !field.isEmpty {
                    extensions[name] = field
                }
            }
            let errorsBefore = state.result.errorCount
            var context = RowContext(file: file, line: row.line, mode: mode)
            checkFields(values: values, columns: storageColumns, context: &context, state: &state)
            checkRecord(values: values, context: context, state: &state)
            JapanProfileRules.check(values: values, context: context, state: &state)

            let id = values[0]
            if !id.isEmpty {
                if let first = firstLineOfId[id] {
                    state.report(Diagnostic(
                        file: fileName, line: row.line, column: "sourcedId", rule: .recordDuplicateId,
                        ja: "sourcedId \"\(id)\" が重複しています(最初は \(first) 行目)。",
                        en: "sourcedId \"\(id)\" appears twice (first on line \(first))."))
                } else {
                    firstLineOfId[id] = row.line
                    if file == .orgs { state.orgTypes[id] = values[4] }
                }
            }
            deferred.append(contentsOf: context.deferred)
            if state.result.errorCount == errorsBefore {
                try await onEvent(.record(RosterRecord(file: file, line: row.line, values: values, extensions: extensions)))
            }
        }
        state.ids[file] = firstLineOfId

        if rows == 0 {
            state.report(Diagnostic(
                file: fileName, rule: .fileEmpty,
                ja: "見出しだけでデータ行がありません。データが無いファイルは入れず、manifest で absent にしてください。",
                en: "the file has a header but no rows; leave it out and mark it absent in the manifest."))
        }
        for reference in deferred where firstLineOfId[reference.id] == nil {
            let resolution = state.resolves(reference.id, in: file)
            if case .found = resolution { continue }
            // A delta file validated on its own may name a record of the roster it is imported into.
            if case .unknown = resolution {
                state.report(Diagnostic(
                    file: fileName, line: reference.line, column: reference.column, rule: .referenceUnresolvedDelta,
                    ja: "\(reference.column) の \"\(reference.id)\" はこのパッケージの \(file.fileName) にありません。取り込み先の名簿にあれば問題ありません。",
                    en: "\(reference.column) \"\(reference.id)\" is not in this package's \(file.fileName); it must exist in the roster it is imported into."))
                continue
            }
            state.report(Diagnostic(
                file: fileName, line: reference.line, column: reference.column, rule: .referenceMissing,
                ja: "\(reference.column) の \"\(reference.id)\" が \(file.fileName) にありません。",
                en: "\(reference.column) \"\(reference.id)\" is not in \(file.fileName)."))
        }
        state.result.files.append(ValidationReport.FileSummary(name: fileName, mode: mode, rows: rows))
        if started { try await onEvent(.fileFinished(file, mode)) }
    }

    // MARK: - Header

    /// Maps header names to columns; false when the file cannot be read further.
    private mutating func readHeader(state: inout ValidationState) -> Bool {
        guard let first = reader.next() else {
            state.report(Diagnostic(file: fileName, rule: .fileEmpty, ja: "ファイルが空です(見出し行もありません)。", en: "the file is empty (no header)."))
            return false
        }
        let row: CSVReader.Row
        switch first {
        case .failure(let error):
            state.report(syntaxDiagnostic(error, file: fileName))
            return false
        case .success(let parsed):
            row = parsed
        }
        header = row.fields
        let storagePositions = RosterSchema.storagePositions(file)
        let standard = RosterSchema.standardColumns(file)
        let standardNames = Set(standard.map(\.name))
        let profile = state.profile
        var seen: [String: Int] = [:]
        positions = []
        for (index, name) in header.enumerated() {
            let canonical = RosterSchema.columnAliases[name] ?? name
            if let earlier = seen[canonical] {
                state.report(Diagnostic(
                    file: fileName, line: 1, column: name, rule: .headerDuplicate,
                    ja: "見出し \(name) が2回あります(\(earlier + 1) 列目と \(index + 1) 列目)。",
                    en: "the header names \(name) twice (columns \(earlier + 1) and \(index + 1))."))
                positions.append(nil)
                continue
            }
            seen[canonical] = index
            if let position = storagePositions[canonical] {
                positions.append(position)
                if file == .users, name == "resourceSourcedIds", !profile.hasUserResourceSourcedIds {
                    state.report(Diagnostic(
                        file: fileName, line: 1, column: name, rule: .headerRemovedColumn,
                        ja: "resourceSourcedIds は OneRoster 1.2.1 で users.csv から削除された列です。",
                        en: "resourceSourcedIds was removed from users.csv in OneRoster 1.2.1."))
                }
            } else if name.hasPrefix("metadata.") {
                positions.append(nil)
                extensionNames[index] = name
            } else {
                positions.append(nil)
                let hint = standardNames.first { $0.lowercased() == name.lowercased() }
                state.report(Diagnostic(
                    file: fileName, line: 1, column: name, rule: .headerUnknownColumn,
                    ja: "見出し \(name) は \(fileName) の列ではありません" + (hint.map { "(大文字と小文字を区別します。\($0) のことですか)" } ?? "") + "。拡張列は metadata. で始めてください。",
                    en: "\(name) is not a column of \(fileName)" + (hint.map { " (names are case-sensitive; did you mean \($0)?)" } ?? "") + "; extension columns start with metadata."))
            }
        }
        // Required columns and, in the K-12 profile, every standard column.
        let strict = profile == .japanK12
        for column in standard where seen[column.name] == nil {
            if file == .users, column.name == "resourceSourcedIds" { continue }
            let required = column.requirement != .optional
            if required || strict {
                state.report(Diagnostic(
                    file: fileName, line: 1, column: column.name, rule: .headerMissingColumn,
                    ja: "必須の列 \(column.name) が見出しにありません。",
                    en: "the header lacks the column \(column.name)" + (required ? ", which is required." : ", which the 1.2_JP profile requires.")))
            } else {
                state.report(Diagnostic(
                    file: fileName, line: 1, column: column.name, rule: .headerMissingColumn, severity: .warning,
                    ja: "列 \(column.name) が見出しにありません(仕様では全列を並べます)。",
                    en: "the header lacks the column \(column.name) (the binding lists every column)."))
            }
        }
        // Order: standard columns in the specification's order, extensions after them.
        let order = Dictionary(uniqueKeysWithValues: standard.enumerated().map { ($1.name, $0) })
        var lastStandard = -1
        var sawExtension = false
        for name in header {
            let canonical = RosterSchema.columnAliases[name] ?? name
            if let rank = order[canonical] {
                if rank < lastStandard || sawExtension {
                    state.report(Diagnostic(
                        file: fileName, line: 1, column: name, rule: .headerOrder, severity: strict ? .error : .warning,
                        ja: "列 \(name) の位置が仕様の順序と違います(標準の列を仕様の順に並べ、拡張列は最後に置きます)。",
                        en: "column \(name) is out of the specification's order (standard columns in order, extensions last)."))
                    break
                }
                lastStandard = rank
            } else if canonical.hasPrefix("metadata.") {
                sawExtension = true
            }
        }
        return !header.isEmpty
    }

    /// "If the manifest's bulk/delta hints contradict the data files, the data files win."
    private mutating func decideMode(firstRow: CSVReader.Row, state: inout ValidationState) {
        guard firstRow.fields.count == header.count else { return }
        var status = "", modified = ""
        for (index, position) in positions.enumerated() {
            if position == 1 { status = firstRow.fields[index] }
            if position == 2 { modified = firstRow.fields[index] }
        }
        if declaredMode == .bulk, !status.isEmpty, !modified.isEmpty {
            mode = .delta
        } else if declaredMode == .delta, status.isEmpty, modified.isEmpty {
            mode = .bulk
        } else {
            return
        }
        state.modes[file] = mode
        state.report(Diagnostic(
            file: fileName, line: firstRow.line, rule: .manifestFileMode, severity: .warning,
            ja: "manifest では \(declaredMode.rawValue) ですが、データは \(mode.rawValue) の形です。データに従って \(mode.rawValue) として扱います。",
            en: "the manifest says \(declaredMode.rawValue) but the rows are \(mode.rawValue) rows; read as \(mode.rawValue), as the data files win."))
    }
}
