import Foundation
import Testing

@testable import OneRoster

/// The CSV codec on its own: RFC 4180 as the OneRoster CSV binding §2 uses it (UTF-8, a BOM
/// skipped, CRLF or LF, no CR inside a field), and the writer that exports use.
@Suite struct CSVReaderTests {
    /// Every result of reading `bytes`, in order.
    private func read(_ bytes: [UInt8]) -> [Result<CSVReader.Row, CSVReader.SyntaxError>] {
        var reader = CSVReader(bytes: bytes)
        var results: [Result<CSVReader.Row, CSVReader.SyntaxError>] = []
        while let next = reader.next() { results.append(next) }
        return results
    }

    private func read(_ text: String) -> [Result<CSVReader.Row, CSVReader.SyntaxError>] { read(Array(text.utf8)) }

    /// The rows of input that has no syntax error.
    private func rows(_ text: String) throws -> [CSVReader.Row] { try read(text).map { try $0.get() } }

    private func row(_ fields: [String], line: Int) -> CSVReader.Row { CSVReader.Row(fields: fields, line: line) }

    // MARK: - Fields and rows

    @Test func plainRows() throws {
        #expect(try rows("sourcedId,name\norg-1,かけはし市\n") == [row(["sourcedId", "name"], line: 1), row(["org-1", "かけはし市"], line: 2)])
    }

    @Test func emptyInputHasNoRows() {
        #expect(read("").isEmpty)
        #expect(read([0xEF, 0xBB, 0xBF]).isEmpty)
    }

    @Test(arguments: [
        ("a,b\r\nc,d\r\n", "CRLF"), ("a,b\nc,d\n", "LF"), ("a,b\r\nc,d\n", "mixed"), ("a,b\nc,d", "no final line end"),
        ("a,b\r\nc,d", "CRLF, no final line end"),
    ])
    func lineEnds(_ text: String, _ label: String) throws {
        #expect(try rows(text) == [row(["a", "b"], line: 1), row(["c", "d"], line: 2)], "\(label)")
    }

    @Test func loneCarriageReturnEndsARow() throws {
        #expect(try rows("a,b\rc,d\r") == [row(["a", "b"], line: 1), row(["c", "d"], line: 2)])
    }

    @Test(arguments: [
        (",,\n", ["", "", ""]), ("a,\n", ["a", ""]), ("a,", ["a", ""]), (",a", ["", "a"]), ("\"\",x\n", ["", "x"]),
        ("\"\",\"\"", ["", ""]), (" a , b \n", [" a ", " b "]),
    ])
    func emptyAndSpacedFields(_ text: String, _ fields: [String]) throws {
        #expect(try rows(text) == [row(fields, line: 1)])
    }

    @Test func blankLineIsASingleEmptyField() throws {
        let result = try rows("a\n\nb\n")
        #expect(result == [row(["a"], line: 1), row([""], line: 2), row(["b"], line: 3)])
        #expect(result.map(CSVReader.isBlank) == [false, true, false])
    }

    // MARK: - Quoting

    @Test func quotedComma() throws {
        #expect(try rows("\"a,b\",c\n") == [row(["a,b", "c"], line: 1)])
    }

    @Test func doubledQuoteIsAQuote() throws {
        #expect(try rows("\"say \"\"こんにちは\"\"\",\"\"\"\"\n") == [row(["say \"こんにちは\"", "\""], line: 1)])
    }

    @Test func quotedLineFeedStaysInTheFieldAndCountsAsALine() throws {
        let result = try rows("title,location\n1年1組,\"北校舎\n2階\"\n2年1組,南校舎\n")
        #expect(result == [
            row(["title", "location"], line: 1),
            row(["1年1組", "北校舎\n2階"], line: 2),
            row(["2年1組", "南校舎"], line: 4),
        ])
    }

    @Test func multiValueListFields() throws {
        let result = try rows("class-1,\"P1,P2\",session-2026,\"{LDAP:yamada},{LTI:7f3a}\"\n")
        #expect(result == [row(["class-1", "P1,P2", "session-2026", "{LDAP:yamada},{LTI:7f3a}"], line: 1)])
        #expect(FieldRules.listItems(result[0].fields[1]) == ["P1", "P2"])
    }

    // MARK: - Encoding

    @Test func byteOrderMarkIsSkipped() throws {
        var reader = CSVReader(bytes: [0xEF, 0xBB, 0xBF] + Array("sourcedId,name\n".utf8))
        #expect(reader.hadByteOrderMark)
        #expect(try reader.next()?.get() == row(["sourcedId", "name"], line: 1))
        #expect(reader.next() == nil)

        let plain = CSVReader(string: "sourcedId,name\n")
        #expect(!plain.hadByteOrderMark)
    }

    @Test func byteOrderMarkAfterTheStartIsData() throws {
        let result = try read([0x61, 0x0A, 0xEF, 0xBB, 0xBF, 0x62]).map { try $0.get() }
        #expect(result == [row(["a"], line: 1), row(["\u{FEFF}b"], line: 2)])
    }

    @Test func japaneseText() throws {
        let text = "familyName,givenName,kana,note\n佐藤,太郎,サトウ タロウ,ｻﾄｳ 🍣 髙橋 𠮷野\n"
        #expect(try rows(text)[1].fields == ["佐藤", "太郎", "サトウ タロウ", "ｻﾄｳ 🍣 髙橋 𠮷野"])
    }

    @Test func invalidUTF8IsReportedWithLineAndColumnAndReadingGoesOn() throws {
        // 佐藤 in Shift_JIS is 8D B2 93 A1.
        let bytes = Array("a,b\nc,".utf8) + [0x8D, 0xB2, 0x93, 0xA1] + Array("\ne,f\n".utf8)
        let results = read(bytes)
        #expect(results.count == 3)
        #expect(try results[0].get() == row(["a", "b"], line: 1))
        #expect(results[1] == .failure(CSVReader.SyntaxError(kind: .invalidUTF8, line: 2, column: 2)))
        #expect(try results[2].get() == row(["e", "f"], line: 3))
    }

    @Test(arguments: [
        [UInt8]([0xFF]), [0xC3], [0xE4, 0xB8], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ])
    func malformedSequences(_ sequence: [UInt8]) {
        #expect(read(Array("x,".utf8) + sequence + [0x0A]) == [.failure(CSVReader.SyntaxError(kind: .invalidUTF8, line: 1, column: 2))])
    }

    @Test func invalidUTF8InAQuotedFieldIsReportedOnItsLastLine() {
        let bytes = Array("\"a\nb".utf8) + [0xFF] + Array("\",c\nd\n".utf8)
        let results = read(bytes)
        #expect(results.first == .failure(CSVReader.SyntaxError(kind: .invalidUTF8, line: 2, column: 1)))
        #expect(results.last == .success(row(["d"], line: 3)))
    }

    // MARK: - Syntax errors

    @Test func unterminatedQuoteConsumesTheRest() {
        let results = read("a,b\nc,\"d\ne,f\n")
        #expect(results.count == 2)
        #expect(results[1] == .failure(CSVReader.SyntaxError(kind: .unterminatedQuote, line: 2, column: 2)))
    }

    @Test func strayQuoteInAnUnquotedField() {
        let results = read("a,b\"c,d\ne,f\n")
        #expect(results == [
            .failure(CSVReader.SyntaxError(kind: .strayQuote, line: 1, column: 2)),
            .success(row(["e", "f"], line: 2)),
        ])
    }

    @Test func textAfterAClosingQuote() {
        let results = read("\"ab\"c,d\ne\n")
        #expect(results == [
            .failure(CSVReader.SyntaxError(kind: .strayQuote, line: 1, column: 1)),
            .success(row(["e"], line: 2)),
        ])
    }

    @Test func carriageReturnInsideAQuotedField() {
        let results = read("x,\"a\rb\",c\nd\n")
        #expect(results == [
            .failure(CSVReader.SyntaxError(kind: .carriageReturnInField, line: 1, column: 2)),
            .success(row(["d"], line: 2)),
        ])
    }

    @Test func quotedCRLFIsACarriageReturnInAField() {
        let results = read("\"a\r\nb\"\nc\n")
        #expect(results == [
            .failure(CSVReader.SyntaxError(kind: .carriageReturnInField, line: 1, column: 1)),
            .success(row(["c"], line: 3)),
        ])
    }

    @Test func onlyTheFirstErrorOfARowIsReported() {
        let results = read("a\"b,\"c\rd\"\n")
        #expect(results == [.failure(CSVReader.SyntaxError(kind: .strayQuote, line: 1, column: 1))])
    }

    @Test(arguments: [
        CSVReader.SyntaxError.Kind.invalidUTF8, .unterminatedQuote, .strayQuote, .carriageReturnInField,
    ])
    func syntaxErrorKindsAreRuleIds(_ kind: CSVReader.SyntaxError.Kind) throws {
        let rule = try #require(Rule(rawValue: kind.rawValue))
        #expect(rule.severity == .error)
    }

    // MARK: - Writer

    @Test func writerQuotesOnlyWhenNeededAndEndsRowsInCRLF() {
        var writer = CSVWriter()
        writer.append(row: ["a", "b c", "d,e", "f\"g", "", "h\ni", "佐藤"])
        writer.append(row: ["x"])
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "a,b c,\"d,e\",\"f\"\"g\",,\"h\ni\",佐藤\r\nx\r\n")
        #expect(Array(writer.bytes.prefix(3)) != [0xEF, 0xBB, 0xBF])
        #expect(writer.data == Data(writer.bytes))
    }

    static let roundTripTables: [[[String]]] = [
        [["sourcedId", "status", "dateLastModified", "name"], ["org-1", "", "", "かけはし市教育委員会"]],
        [["a,b", "\"quoted\"", "\"", ",", ""], ["", "", "", "", ""]],
        [["北校舎\n2階", "P1,P2", "{LDAP:x},{LTI:y}"], ["ｻﾄｳ", "🍣", " spaced "]],
        [[""], ["x"]],
    ]

    @Test(arguments: roundTripTables)
    func writeThenReadGivesTheSameFields(_ table: [[String]]) throws {
        var writer = CSVWriter()
        for fields in table { writer.append(row: fields) }
        var reader = CSVReader(bytes: writer.bytes)
        var read: [[String]] = []
        while let next = reader.next() { read.append(try next.get().fields) }
        #expect(read == table)
    }
}
