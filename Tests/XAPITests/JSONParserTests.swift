import Testing

@testable import XAPI

/// The JSON parser: strict RFC 8259, duplicate keys rejected, integers kept.
@Suite("JSON parser")
struct JSONParserTests {
    func parseError(_ text: String) -> XAPIError? {
        do {
            _ = try JSONParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func integersRoundTripAsIntegers() throws {
        let json = try JSONParser.parse(#"{"raw":1,"scaled":0.5,"big":12345678901234,"neg":-7,"f":1.0}"#)
        #expect(json["raw"] == .number(.integer(1)))
        #expect(json.jsonString == #"{"raw":1,"scaled":0.5,"big":12345678901234,"neg":-7,"f":1.0}"#)
    }

    @Test func memberOrderIsKept() throws {
        let text = #"{"z":1,"a":[true,false,null],"m":{"b":"x","a":"y"}}"#
        #expect(try JSONParser.parse(text).jsonString == text)
    }

    @Test func duplicateKeysAreRejectedWithTheirOffsetAndPath() {
        let error = parseError(#"{"actor":{"mbox":"mailto:a@b.c","mbox":"mailto:d@e.f"}}"#)
        #expect(error?.code == "json.duplicate-key")
        #expect(error?.offset == 32)
        #expect(error?.path == "$.actor")
    }

    @Test func duplicateKeysAreFoundInLargeObjects() {
        let members = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(parseError("{\(members),\"k39\":1}")?.code == "json.duplicate-key")
        #expect(parseError("{\(members)}") == nil)
    }

    @Test func escapesAndUnicodeAreDecoded() throws {
        let json = try JSONParser.parse(#"["a\"b\\c\/d\n\u00e9\ud83d\ude00", "学習ログ"]"#)
        #expect(json.array?[0] == .string("a\"b\\c/d\né😀"))
        #expect(json.array?[1] == .string("学習ログ"))
    }

    @Test(arguments: [
        ("{\"a\":1,}", "json.expected-key"),
        ("[1,2", "json.unexpected-end"),
        ("{\"a\" 1}", "json.expected-colon"),
        ("01", "json.invalid-number"),
        ("1.", "json.invalid-number"),
        ("\"abc", "json.unterminated-string"),
        ("\"a\tb\"", "json.control-character"),
        ("\"\\x\"", "json.invalid-escape"),
        ("\"\\ud800\"", "json.lone-surrogate"),
        ("tru", "json.invalid-literal"),
        ("{} {}", "json.trailing-data"),
        ("", "json.unexpected-end"),
    ])
    func malformedJSONIsRejected(text: String, code: String) {
        #expect(parseError(text)?.code == code)
    }

    @Test func invalidUTF8IsRejected() {
        var bytes = Array(#"{"name":"x"}"#.utf8)
        bytes[10] = 0xC0
        #expect(throws: XAPIError.self) { try JSONParser.parse(bytes) }
    }

    @Test func nestingIsLimited() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(parseError(deep)?.code == "json.too-deep")
    }

    @Test func errorPathsNameArrayElements() {
        let error = parseError(#"[{"verb":{"id":"x"}},{"verb":{"id":"x","id":"y"}}]"#)
        #expect(error?.path == "$[1].verb")
    }
}

@Suite("JSON writer")
struct JSONWriterTests {
    @Test func stringsAreEscapedMinimally() {
        let json: JSON = ["t": "quote\" back\\ nl\n tab\t ctl\u{01} 日本"]
        #expect(json.jsonString == #"{"t":"quote\" back\\ nl\n tab\t ctl\u0001 日本"}"#)
    }

    @Test func numbersAreWrittenByKind() {
        let json: JSON = [.number(.integer(0)), .number(.integer(-42)), .number(.integer(Int64.min)), 0.95, 1e21]
        #expect(json.jsonString == "[0,-42,-9223372036854775808,0.95,1e+21]")
    }

    @Test func equalityIgnoresMemberOrderAndNumberForm() throws {
        #expect(try JSONParser.parse(#"{"a":1,"b":2}"#) == JSONParser.parse(#"{"b":2.0,"a":1}"#))
    }
}
