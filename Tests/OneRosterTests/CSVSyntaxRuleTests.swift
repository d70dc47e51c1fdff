import Foundation
import Testing

@testable import OneRoster

/// CSV binding §2 as the validator reports it: RFC 4180 syntax, UTF-8, the byte order mark, and
/// rows as wide as their header. (CSVReaderTests covers the reader on its own.)
///
/// valid-minimal's users.csv: line 2 user-t1, 3 user-s1, 4 user-g1, 5 user-s2, 6 user-t2, 7 user-s3.
@Suite struct CSVSyntaxRuleTests {
    static let rules: [Rule] = [
        .csvEncoding, .csvUnterminatedQuote, .csvStrayQuote, .csvCarriageReturnInField, .csvFieldCount, .csvByteOrderMark,
    ]

    @Test(arguments: rules)
    func validPackageDoesNotBreak(_ rule: Rule) async throws {
        let report = try await Fixtures.validate("valid-minimal")
        #expect(report.located(rule) == [])
    }

    // MARK: - csv.encoding

    @Test func shiftJISNameIsNotUTF8() async throws {
        // users-invalid-utf8: user-t2's familyName 高橋 saved as Shift_JIS (8D 82 8B B4).
        let report = try await Fixtures.validate("users-invalid-utf8")
        #expect(report.located(.csvEncoding) == [Located(.csvEncoding, "users.csv", 6, "familyName", .error)])
        let message = try #require(report.diagnostics(.csvEncoding).first).messageJa
        #expect(message.contains("Shift_JIS"))
    }

    @Test func truncatedUTF8SequenceWrittenByTheTest() async throws {
        // 中学校 cut after the first two bytes of 中 (E4 B8 AD): line 4, name.
        let report = try await Fixtures.validate { package in
            var bytes = try package.bytes("orgs.csv")
            let name = Array("中学校".utf8)
            let range = try #require(bytes.firstRange(of: name))
            bytes.replaceSubrange(range, with: [0xE4, 0xB8])
            try package.write("orgs.csv", bytes: bytes)
        }
        #expect(report.located(.csvEncoding) == [Located(.csvEncoding, "orgs.csv", 4, "name", .error)])
    }

    @Test func invalidUTF8InTheManifest() async throws {
        let report = try await Fixtures.validate { package in
            try package.write("manifest.csv", bytes: try package.bytes("manifest.csv") + Array("source.systemCode,".utf8) + [0xFF, 0x0A])
        }
        #expect(report.located == [Located(.csvEncoding, "manifest.csv", 26, "value", .error)])
    }

    // MARK: - csv.unterminated-quote

    @Test func quoteNeverClosed() async throws {
        let report = try await Fixtures.validate { try $0.replace("s0003},さくら,", with: "s0003},\"さくら,", in: "users.csv") }
        #expect(report.located(.csvUnterminatedQuote) == [Located(.csvUnterminatedQuote, "users.csv", 7, "givenName", .error)])
    }

    // MARK: - csv.stray-quote

    @Test func quoteInsideUnquotedField() async throws {
        let report = try await Fixtures.validate { try $0.replace(",太郎,佐藤,", with: ",太\"郎,佐藤,", in: "users.csv") }
        // The row is skipped, so user-s1 is not defined and its role and enrollment dangle.
        #expect(report.located == [
            Located(.csvStrayQuote, "users.csv", 3, "givenName", .error),
            Located(.referenceMissing, "roles.csv", 3, "userSourcedId", .error),
            Located(.referenceMissing, "enrollments.csv", 3, "userSourcedId", .error),
        ])
    }

    @Test func textAfterClosingQuote() async throws {
        let report = try await Fixtures.validate { try $0.replace(",1年1組教室,", with: ",\"1年1組\"教室,", in: "classes.csv") }
        #expect(report.located(.csvStrayQuote) == [Located(.csvStrayQuote, "classes.csv", 2, "location", .error)])
    }

    // MARK: - csv.cr-in-field

    @Test func carriageReturnInsideQuotedField() async throws {
        let report = try await Fixtures.validate { try $0.replace(",1年1組教室,", with: ",\"1年1組\r教室\",", in: "classes.csv") }
        #expect(report.located(.csvCarriageReturnInField) == [Located(.csvCarriageReturnInField, "classes.csv", 2, "location", .error)])
    }

    @Test func lineFeedInsideQuotedFieldIsAllowedAndCounted() async throws {
        // A quoted LF is legal; the next row then starts one physical line later (line 4).
        let report = try await Fixtures.validate { package in
            try package.replace(",1年1組教室,", with: ",\"1年1組\n教室\",", in: "classes.csv")
            try package.replace("term-2026-1\",,,,false", with: "term-2026-1\",,,,maybe", in: "classes.csv")
        }
        #expect(report.located == [Located(.fieldBoolean, "classes.csv", 4, "metadata.jp.specialNeeds", .error)])
    }

    // MARK: - csv.field-count

    @Test func rowShorterThanHeader() async throws {
        let report = try await Fixtures.validate { try $0.replace(",2027-03-31,2,true\n", with: ",2027-03-31,2\n", in: "enrollments.csv") }
        #expect(report.located == [Located(.csvFieldCount, "enrollments.csv", 4, "", .error)])
    }

    @Test func rowLongerThanHeader() async throws {
        let report = try await Fixtures.validate { try $0.replace("user-s3,,,2013-07-02,female,,,,,,,,JP,,,", with: "user-s3,,,2013-07-02,female,,,,,,,,JP,,,,", in: "demographics.csv") }
        #expect(report.located == [Located(.csvFieldCount, "demographics.csv", 4, "", .error)])
    }

    @Test func manifestRowWithThreeFields() async throws {
        let report = try await Fixtures.validate { try $0.appendLine("manifest.csv", "source.systemCode,KKH,extra") }
        #expect(report.located == [Located(.csvFieldCount, "manifest.csv", 26, "", .error)])
    }

    // MARK: - csv.bom

    @Test func byteOrderMarkIsSkippedWithAWarning() async throws {
        let report = try await Fixtures.validate { package in
            try package.write("users.csv", bytes: [0xEF, 0xBB, 0xBF] + (try package.bytes("users.csv")))
        }
        // Only the warning: the header's first column is still read as sourcedId.
        #expect(report.located == [Located(.csvByteOrderMark, "users.csv", 1, "", .warning)])
        #expect(report.isValid)
    }

    @Test func byteOrderMarkInTheManifestIsSkipped() async throws {
        let report = try await Fixtures.validate { package in
            try package.write("manifest.csv", bytes: [0xEF, 0xBB, 0xBF] + (try package.bytes("manifest.csv")))
        }
        #expect(report.located(.headerMissingColumn) == [])
        #expect(report.isValid)
        #expect(report.profile == .japanK12 && report.declaredVersion == "1.2_JP")
    }
}
