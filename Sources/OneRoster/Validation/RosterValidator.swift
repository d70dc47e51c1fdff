import Foundation

/// Checks a OneRoster 1.2 Japan Profile CSV package against the CSV binding and the Japan
/// Profile rules, reporting every problem in one pass, and streams the valid rows to a consumer.
///
/// ```swift
/// let package = try RosterPackage(url: url)
/// let report = try await RosterValidator.validate(package)
/// for diagnostic in report.diagnostics { print(diagnostic.location, diagnostic.messageEn) }
/// ```
///
/// Files are processed in ``RosterFile`` order, which puts every referenced file before the files
/// that refer to it; references within one file (org parents, session parents, user agents) are
/// checked when that file ends.
public enum RosterValidator {
    /// Validates `package`, calling `onEvent` for each file and for each row without errors.
    public static func validate(
        _ package: RosterPackage,
        options: ValidationOptions = ValidationOptions(),
        onEvent: (RosterEvent) async throws -> Void = { _ in }
    ) async throws -> ValidationReport {
        var state = ValidationState(package: package, options: options)
        state.readManifest()
        state.checkPackageFiles()
        for file in RosterFile.allCases {
            guard let mode = state.modes[file], mode != .absent, package.fileNames.contains(file.fileName) else { continue }
            let bytes: [UInt8]
            do {
                bytes = try package.bytes(of: file.fileName)
            } catch {
                state.report(Diagnostic(file: file.fileName, rule: .packageUnreadable, ja: "ファイルを読めません: \(error)", en: "cannot read the file: \(error)"))
                continue
            }
            var checker = FileChecker(file: file, declaredMode: mode, bytes: bytes)
            try await checker.run(state: &state, onEvent: onEvent)
        }
        return state.finish()
    }
}

// MARK: - Package-level state

/// What the validator knows while it streams: the manifest, every sourcedId seen so far, and the
/// problems found.
struct ValidationState {
    let package: RosterPackage
    let options: ValidationOptions
    var result: ValidationReport
    var modes: [RosterFile: FileMode] = [:]
    /// Ids of each file seen in this package, with the line each first appeared on.
    var ids: [RosterFile: [String: Int]] = [:]
    /// Org sourcedId → type, from this package and the target roster.
    var orgTypes: [String: String]
    var userMasterIdentifiers: [String: Int] = [:]

    init(package: RosterPackage, options: ValidationOptions) {
        self.package = package
        self.options = options
        self.orgTypes = options.existingOrgTypes
        self.result = ValidationReport(package: package.path, profile: .japanK12, profileName: Profile.japanK12.displayName)
    }

    mutating func report(_ diagnostic: Diagnostic) {
        switch diagnostic.severity {
        case .error: result.errorCount += 1
        case .warning: result.warningCount += 1
        case .info: result.infoCount += 1
        }
        result.countsByRule[diagnostic.rule, default: 0] += 1
        if result.diagnostics.count < options.maxDiagnostics {
            result.diagnostics.append(diagnostic)
        } else {
            result.omittedCount += 1
        }
    }

    var profile: Profile { result.profile }

    // MARK: Manifest (CSV binding §1)

    mutating func readManifest() {
        let manifestName = "manifest.csv"
        guard package.fileNames.contains(manifestName) else {
            report(Diagnostic(
                file: manifestName, rule: .manifestMissing,
                ja: "manifest.csv がありません。OneRoster 1.2 のパッケージには必須です(無い場合は OneRoster 1.0 とみなされ、Kakehashi は対応していません)。",
                en: "manifest.csv is missing. It is required in a OneRoster 1.2 package (without it the package would be OneRoster 1.0, which Kakehashi does not read)."))
            return
        }
        let bytes: [UInt8]
        do {
            bytes = try package.bytes(of: manifestName)
        } catch {
            report(Diagnostic(file: manifestName, rule: .packageUnreadable, ja: "manifest.csv を読めません: \(error)", en: "cannot read manifest.csv: \(error)"))
            return
        }
        var reader = CSVReader(bytes: bytes)
        var properties: [String: (value: String, line: Int)] = [:]
        var sawHeader = false
        while let next = reader.next() {
            switch next {
            case .failure(let error):
                report(syntaxDiagnostic(error, file: manifestName, header: ["propertyName", "value"]))
            case .success(let row):
                if CSVReader.isBlank(row) { continue }
                if !sawHeader {
                    sawHeader = true
                    if row.fields != ["propertyName", "value"] {
                        report(Diagnostic(
                            file: manifestName, line: row.line, rule: .headerMissingColumn,
                            ja: "manifest.csv の見出しは propertyName,value でなければなりません(実際: \(row.fields.joined(separator: ",")))。",
                            en: "manifest.csv must have the header propertyName,value (found: \(row.fields.joined(separator: ",")))."))
                    }
                    continue
                }
                guard row.fields.count == 2 else {
                    report(Diagnostic(
                        file: manifestName, line: row.line, rule: .csvFieldCount,
                        ja: "列の数が \(row.fields.count) です。2 列(propertyName,value)でなければなりません。",
                        en: "the row has \(row.fields.count) fields; it must have 2 (propertyName,value)."))
                    continue
                }
                properties[row.fields[0]] = (row.fields[1], row.line)
            }
        }

        if let version = properties["manifest.version"] {
            if version.value != "1.0" {
                report(Diagnostic(
                    file: manifestName, line: version.line, column: "manifest.version", rule: .manifestVersion,
                    ja: "manifest.version は 1.0 でなければなりません(実際: \(version.value))。",
                    en: "manifest.version must be 1.0 (found: \(version.value))."))
            }
        } else {
            report(Diagnostic(file: manifestName, column: "manifest.version", rule: .manifestVersion,
                              ja: "manifest.version がありません。", en: "manifest.version is missing."))
        }

        let accepted = Profile.allCases.map(\.manifestVersion).joined(separator: ", ")
        if let version = properties["oneroster.version"] {
            result.declaredVersion = version.value
            if let profile = Profile(rawValue: version.value) {
                result.profile = profile
                result.profileName = profile.displayName
            } else {
                report(Diagnostic(
                    file: manifestName, line: version.line, column: "oneroster.version", rule: .manifestOneRosterVersion,
                    ja: "oneroster.version \"\(version.value)\" には対応していません(対応: \(accepted))。1.2_JP の規則で検査しました。",
                    en: "oneroster.version \"\(version.value)\" is not supported (supported: \(accepted)); checked against the 1.2_JP rules."))
            }
        } else {
            report(Diagnostic(
                file: manifestName, column: "oneroster.version", rule: .manifestOneRosterVersion,
                ja: "oneroster.version がありません(対応: \(accepted))。1.2_JP の規則で検査しました。",
                en: "oneroster.version is missing (supported: \(accepted)); checked against the 1.2_JP rules."))
        }

        let specificationFiles = Set(RosterFile.allSpecificationFiles)
        for (name, property) in properties.sorted(by: { $0.value.line < $1.value.line }) {
            if name.hasPrefix("file.") {
                let fileName = String(name.dropFirst(5))
                guard specificationFiles.contains(fileName) else {
                    report(Diagnostic(file: manifestName, line: property.line, column: name, rule: .manifestUnknownProperty,
                                      ja: "\(name) は OneRoster のファイルではありません。", en: "\(name) is not a OneRoster file."))
                    continue
                }
                guard let mode = FileMode(rawValue: property.value) else {
                    report(Diagnostic(
                        file: manifestName, line: property.line, column: name, rule: .manifestFileMode,
                        ja: "\(name) の値 \"\(property.value)\" は absent, bulk, delta のいずれかでなければなりません。",
                        en: "\(name) is \"\(property.value)\"; it must be absent, bulk or delta."))
                    continue
                }
                if let file = RosterFile(rawValue: fileName) { modes[file] = mode }
                let present = package.fileNames.contains(fileName + ".csv")
                if mode == .absent && present {
                    report(Diagnostic(
                        file: manifestName, line: property.line, column: name, rule: .manifestFileMismatch,
                        ja: "\(fileName).csv がパッケージにあるのに、manifest では absent です。",
                        en: "\(fileName).csv is in the package but the manifest says absent."))
                } else if mode != .absent && !present {
                    report(Diagnostic(
                        file: manifestName, line: property.line, column: name, rule: .manifestFileMismatch,
                        ja: "manifest では \(fileName) が \(mode.rawValue) ですが、\(fileName).csv がパッケージにありません。",
                        en: "the manifest says \(fileName) is \(mode.rawValue) but \(fileName).csv is not in the package."))
                }
            } else if !["manifest.version", "oneroster.version", "source.systemName", "source.systemCode"].contains(name) {
                report(Diagnostic(file: manifestName, line: property.line, column: name, rule: .manifestUnknownProperty,
                                  ja: "manifest の項目 \(name) は仕様にありません。", en: "the manifest property \(name) is not in the specification."))
            }
        }
        // A rostering file present but not listed is read as bulk, after the mismatch error.
        for file in RosterFile.allCases where modes[file] == nil && package.fileNames.contains(file.fileName) {
            report(Diagnostic(
                file: manifestName, column: "file.\(file.rawValue)", rule: .manifestFileMismatch,
                ja: "\(file.fileName) がパッケージにあるのに、manifest に file.\(file.rawValue) がありません。",
                en: "\(file.fileName) is in the package but the manifest has no file.\(file.rawValue)."))
            modes[file] = .bulk
        }
        for file in RosterFile.allCases where modes[file] == .absent && package.fileNames.contains(file.fileName) {
            modes[file] = .bulk
        }
    }

    /// Files the binding does not allow or Kakehashi does not read.
    mutating func checkPackageFiles() {
        for name in package.nestedNames {
            report(Diagnostic(
                file: name, rule: .packageNestedFile,
                ja: "zip の中のフォルダにファイルがあります。CSV ファイルは zip の直下に置いてください。",
                en: "the zip holds a file inside a folder; CSV files must be at the root of the zip."))
        }
        let supported = Set(RosterFile.allCases.map(\.fileName) + ["manifest.csv"])
        let unsupported = Set(RosterFile.unsupportedSpecificationFiles.map { $0 + ".csv" })
        for name in package.fileNames where !supported.contains(name) {
            if unsupported.contains(name) {
                report(Diagnostic(
                    file: name, rule: .fileUnsupported,
                    ja: "\(name) は OneRoster のファイルですが、Kakehashi の名簿取り込みは対応していません(取り込まれません)。",
                    en: "\(name) is a OneRoster file that Kakehashi's roster import does not support; it is not imported."))
            } else {
                report(Diagnostic(
                    file: name, rule: .fileUnknown,
                    ja: "\(name) は OneRoster のファイルではありません(無視されます)。",
                    en: "\(name) is not a OneRoster file; it is ignored."))
            }
        }
    }

    /// Whether a referenced id exists: in this package, or (for files the package does not
    /// replace wholesale) in the target roster.
    func resolves(_ id: String, in file: RosterFile) -> Resolution {
        if ids[file]?[id] != nil { return .found }
        let mode = modes[file] ?? .absent
        if mode == .bulk { return .missing }
        guard let existing = options.existingIds else { return .unknown }
        return existing[file]?.contains(id) == true ? .found : .missing
    }

    enum Resolution {
        case found
        case missing
        /// Outside the package, with no roster to look in (standalone validation of a delta).
        case unknown
    }

    mutating func finish() -> ValidationReport {
        if result.omittedCount > 0 {
            let omitted = result.omittedCount
            result.diagnostics.append(Diagnostic(
                file: "", rule: .limitReached,
                ja: "ほかに \(omitted) 件の問題があります(最初の \(options.maxDiagnostics) 件を表示)。",
                en: "\(omitted) more problems not listed (showing the first \(options.maxDiagnostics))."))
        }
        return result
    }
}

func syntaxDiagnostic(_ error: CSVReader.SyntaxError, file: String, header: [String] = []) -> Diagnostic {
    let column = error.column - 1 < header.count ? header[error.column - 1] : "#\(error.column)"
    switch error.kind {
    case .invalidUTF8:
        return Diagnostic(file: file, line: error.line, column: column, rule: .csvEncoding,
                          ja: "UTF-8 として正しくないバイト列があります(Shift_JIS で保存されていませんか)。",
                          en: "the field is not valid UTF-8 (was the file saved as Shift_JIS?).")
    case .unterminatedQuote:
        return Diagnostic(file: file, line: error.line, column: column, rule: .csvUnterminatedQuote,
                          ja: "引用符 \" が閉じられていません。", en: "a quoted field is never closed.")
    case .strayQuote:
        return Diagnostic(file: file, line: error.line, column: column, rule: .csvStrayQuote,
                          ja: "引用符 \" の使い方が RFC 4180 に合いません(値の中の \" は \"\" と書き、値全体を \" で囲みます)。",
                          en: "a double quote is misplaced (RFC 4180: quote the whole field and double any \" inside it).")
    case .carriageReturnInField:
        return Diagnostic(file: file, line: error.line, column: column, rule: .csvCarriageReturnInField,
                          ja: "値の中に改行 (CR) があります。OneRoster CSV では使えません。",
                          en: "a field contains a carriage return, which OneRoster CSV does not allow.")
    }
}
