/// Where a row is, and what the checks of that row found that must wait for the end of the file.
struct RowContext {
    let file: RosterFile
    let line: Int
    let mode: FileMode
    var deferred: [(line: Int, column: String, id: String)] = []

    var fileName: String { file.fileName }
}

// MARK: - Field formats (CSV binding §2)

extension FileChecker {
    /// Checks every value against its column's requirement and type.
    func checkFields(values: [String], columns: [Column], context: inout RowContext, state: inout ValidationState) {
        for (position, column) in columns.enumerated() {
            let value = values[position]
            if value.isEmpty {
                if column.requirement == .required {
                    state.report(Diagnostic(
                        file: fileName, line: context.line, column: column.name, rule: .fieldRequired,
                        ja: "\(column.name) は必須です。", en: "\(column.name) is required."))
                }
                continue
            }
            FieldRules.check(value, column: column, context: &context, state: &state)
        }
    }

    /// Status rules (bulk vs delta) and ranges between fields of one record.
    func checkRecord(values: [String], context: RowContext, state: inout ValidationState) {
        let status = values[1], modified = values[2]
        switch context.mode {
        case .bulk:
            if !status.isEmpty || !modified.isEmpty {
                let column = status.isEmpty ? "dateLastModified" : "status"
                state.report(Diagnostic(
                    file: fileName, line: context.line, column: column, rule: .statusBulkNotBlank,
                    ja: "bulk のファイルでは status と dateLastModified は空欄にします。",
                    en: "status and dateLastModified must be blank in a bulk file."))
            }
        case .delta:
            for (name, value) in [("status", status), ("dateLastModified", modified)] where value.isEmpty {
                state.report(Diagnostic(
                    file: fileName, line: context.line, column: name, rule: .statusDeltaRequired,
                    ja: "delta のファイルでは \(name) が必須です。", en: "\(name) is required in a delta file."))
            }
        case .absent:
            break
        }
        let positions = RosterSchema.storagePositions(file)
        for (start, end) in [("startDate", "endDate"), ("beginDate", "endDate")] {
            guard let s = positions[start], let e = positions[end] else { continue }
            let from = values[s], to = values[e]
            if !from.isEmpty, !to.isEmpty, FieldRules.isDate(from), FieldRules.isDate(to), to < from {
                state.report(Diagnostic(
                    file: fileName, line: context.line, column: end, rule: .fieldDateRange,
                    ja: "\(end) (\(to)) が \(start) (\(from)) より前です。", en: "\(end) (\(to)) is before \(start) (\(from))."))
            }
        }
    }
}

enum FieldRules {
    static func check(_ value: String, column: Column, context: inout RowContext, state: inout ValidationState) {
        let file = context.fileName, line = context.line, name = column.name
        func fail(_ rule: Rule, _ ja: String, _ en: String) {
            state.report(Diagnostic(file: file, line: line, column: name, rule: rule, ja: ja, en: en))
        }
        if column.fullWidthOnly, containsHalfWidthKatakana(value) {
            fail(.jpHalfWidthKana, "\(name) に半角カナがあります(\"\(value)\")。全角で入力してください。",
                 "\(name) contains half-width katakana (\"\(value)\"); use full-width characters.")
        }
        switch column.kind {
        case .string:
            break
        case .guid:
            if !isGUID(value) {
                fail(.fieldGUID, "\(name) \"\(value)\" は sourcedId として使えない文字を含むか、長すぎます(英数字と . - _ / @ のみ、256文字未満)。",
                     "\(name) \"\(value)\" is not a valid sourcedId (only A–Z a–z 0–9 . - _ / @, fewer than 256 characters).")
            }
        case .reference(let target):
            if !isGUID(value) {
                fail(.fieldGUID, "\(name) \"\(value)\" は sourcedId として正しくありません。", "\(name) \"\(value)\" is not a valid sourcedId.")
            } else {
                checkReference(value, to: target, column: name, context: &context, state: &state)
            }
        case .referenceList(let target):
            for item in listItems(value) {
                if item.isEmpty || !isGUID(item) {
                    fail(.fieldList, "\(name) の要素 \"\(item)\" は sourcedId として正しくありません。", "\(name) has an item \"\(item)\" that is not a valid sourcedId.")
                } else {
                    checkReference(item, to: target, column: name, context: &context, state: &state)
                }
            }
        case .date:
            if !isDate(value) {
                fail(.fieldDate, "\(name) \"\(value)\" は日付 YYYY-MM-DD ではありません。", "\(name) \"\(value)\" is not a date YYYY-MM-DD.")
            }
        case .dateTime:
            if !isDateTime(value) {
                fail(.fieldDateTime, "\(name) \"\(value)\" は日時 YYYY-MM-DDTHH:MM:SS.sssZ (UTC) ではありません。",
                     "\(name) \"\(value)\" is not a date-time YYYY-MM-DDTHH:MM:SS.sssZ (UTC).")
            }
        case .year:
            if value.utf8.count != 4 || !value.utf8.allSatisfy(isDigit) {
                fail(.fieldYear, "\(name) \"\(value)\" は西暦4桁 (YYYY) ではありません。", "\(name) \"\(value)\" is not a four-digit year.")
            }
        case .boolean:
            if value != "true" && value != "false" {
                fail(.fieldBoolean, "\(name) \"\(value)\" は true か false でなければなりません。", "\(name) \"\(value)\" must be true or false.")
            }
        case .integer:
            if Int(value) == nil {
                fail(.fieldInteger, "\(name) \"\(value)\" は整数ではありません。", "\(name) \"\(value)\" is not an integer.")
            }
        case .float:
            if Double(value) == nil {
                fail(.fieldFloat, "\(name) \"\(value)\" は数値ではありません。", "\(name) \"\(value)\" is not a number.")
            }
        case .enumeration(let allowed, let extensible):
            if !isAllowed(value, allowed, extensible) {
                fail(.fieldEnumeration, "\(name) \"\(value)\" は使えない値です(\(allowed.joined(separator: ", "))\(extensible ? " または ext:…" : ""))。",
                     "\(name) \"\(value)\" is not allowed (\(allowed.joined(separator: ", "))\(extensible ? " or ext:…" : "")).")
            }
        case .enumerationList(let allowed, let extensible):
            for item in listItems(value) where !isAllowed(item, allowed, extensible) {
                fail(.fieldEnumeration, "\(name) の要素 \"\(item)\" は使えない値です。", "\(name) has an item \"\(item)\" that is not allowed.")
            }
        case .list:
            if listItems(value).contains(where: \.isEmpty) {
                fail(.fieldList, "\(name) \"\(value)\" に空の要素があります。", "\(name) \"\(value)\" has an empty item.")
            }
        case .typedList:
            for item in listItems(value) where !isTypedItem(item) {
                fail(.fieldTypedList, "\(name) の要素 \"\(item)\" は {種別:ID} の形ではありません。", "\(name) has an item \"\(item)\" that is not of the form {type:id}.")
            }
        case .grades:
            for item in listItems(value) where !RosterSchema.gradeCodes.contains(item) {
                fail(.jpGrade, "\(name) の学年コード \"\(item)\" は使えません(P1–P6, J1–J3, H1–H3, E1–E3)。",
                     "\(name) has the grade \"\(item)\", which the Japan Profile does not allow (P1–P6, J1–J3, H1–H3, E1–E3).")
            }
        case .schoolCode:
            break  // checked with the org's type in JapanProfileRules
        case .kana:
            if containsHalfWidthKatakana(value) {
                fail(.jpHalfWidthKana, "\(name) に半角カナがあります(\"\(value)\")。全角カタカナで入力してください。",
                     "\(name) contains half-width katakana (\"\(value)\"); use full-width katakana.")
            } else if !isFullWidthKatakana(value) {
                fail(.jpKana, "\(name) \"\(value)\" は全角カタカナではありません。", "\(name) \"\(value)\" is not in full-width katakana.")
            }
        }
        if value.utf8.count > 4096 {
            fail(.fieldLength, "\(name) が長すぎます(\(value.count) 文字)。", "\(name) is too long (\(value.count) characters).")
        }
    }

    static func checkReference(_ id: String, to target: RosterFile, column: String, context: inout RowContext, state: inout ValidationState) {
        if target == context.file {
            context.deferred.append((context.line, column, id))
            return
        }
        switch state.resolves(id, in: target) {
        case .found:
            break
        case .missing:
            let inPackage = (state.modes[target] ?? .absent) == .bulk || state.options.existingIds == nil
            // Japan Profile: users' metadata.jp.homeClass must name an existing class (its own rule).
            let rule: Rule = context.file == .users && column == "metadata.jp.homeClass" ? .jpHomeClass : .referenceMissing
            state.report(Diagnostic(
                file: context.fileName, line: context.line, column: column, rule: rule,
                ja: "\(column) の \"\(id)\" が \(target.fileName)" + (inPackage ? " にありません。" : " にも現在の名簿にもありません。"),
                en: "\(column) \"\(id)\" is not in \(target.fileName)" + (inPackage ? "." : " nor in the current roster.")))
        case .unknown:
            state.report(Diagnostic(
                file: context.fileName, line: context.line, column: column, rule: .referenceUnresolvedDelta,
                ja: "\(column) の \"\(id)\" はこのパッケージの \(target.fileName) にありません。取り込み先の名簿にあれば問題ありません。",
                en: "\(column) \"\(id)\" is not in this package's \(target.fileName); it must exist in the roster it is imported into."))
        }
    }

    // MARK: - Formats

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// GUID: fewer than 256 characters of `[A-Za-z0-9.\-_/@]`.
    static func isGUID(_ value: String) -> Bool {
        let utf8 = value.utf8
        guard !utf8.isEmpty, utf8.count < 256 else { return false }
        return utf8.allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || isDigit(b)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
                || b == UInt8(ascii: "/") || b == UInt8(ascii: "@")
        }
    }

    static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        var result = 0
        for b in bytes {
            guard isDigit(b) else { return nil }
            result = result * 10 + Int(b - 0x30)
        }
        return bytes.isEmpty ? nil : result
    }

    /// `YYYY-MM-DD`, a real calendar day.
    static func isDate(_ value: String) -> Bool {
        let b = Array(value.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let year = number(b[0..<4]), let month = number(b[5..<7]), let day = number(b[8..<10])
        else { return false }
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// `YYYY-MM-DDTHH:MM:SS.sssZ` in UTC; the fraction (1–3 digits) may be left out.
    static func isDateTime(_ value: String) -> Bool {
        let b = Array(value.utf8)
        guard b.count >= 20, b.last == UInt8(ascii: "Z"), b[10] == UInt8(ascii: "T"),
            isDate(String(decoding: b[0..<10], as: UTF8.self)),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            let hour = number(b[11..<13]), let minute = number(b[14..<16]), let second = number(b[17..<19]),
            hour < 24, minute < 60, second < 61
        else { return false }
        if b.count == 20 { return true }
        guard b[19] == UInt8(ascii: "."), (22...24).contains(b.count), number(b[20..<(b.count - 1)]) != nil else { return false }
        return true
    }

    static func isAllowed(_ value: String, _ allowed: [String], _ extensible: Bool) -> Bool {
        if allowed.contains(value) { return true }
        guard extensible, value.hasPrefix("ext:"), value.utf8.count > 4 else { return false }
        return value.utf8.dropFirst(4).allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || isDigit(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
        }
    }

    /// Items of a comma-separated list (`"t1,t2"`), with surrounding spaces removed.
    static func listItems(_ value: String) -> [String] {
        value.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " ") }
    }

    /// `{type:id}`: braces around a non-empty type and a non-empty id.
    static func isTypedItem(_ item: String) -> Bool {
        guard item.hasPrefix("{"), item.hasSuffix("}"), item.count >= 5 else { return false }
        let inner = item.dropFirst().dropLast()
        guard let colon = inner.firstIndex(of: ":") else { return false }
        return colon != inner.startIndex && inner.index(after: colon) != inner.endIndex
    }

    /// Half-width katakana block U+FF61–U+FF9F (半角カナ).
    static func containsHalfWidthKatakana(_ value: String) -> Bool {
        value.unicodeScalars.contains { $0.value >= 0xFF61 && $0.value <= 0xFF9F }
    }

    /// Full-width katakana (U+30A1–U+30FA), ー, ・, ヽ ヾ and spaces (ASCII or U+3000).
    static func isFullWidthKatakana(_ value: String) -> Bool {
        value.unicodeScalars.allSatisfy { s in
            (s.value >= 0x30A1 && s.value <= 0x30FE) || s.value == 0x3000 || s.value == 0x20
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var slice = Substring(self)
        while slice.first == set { slice = slice.dropFirst() }
        while slice.last == set { slice = slice.dropLast() }
        return String(slice)
    }
}
