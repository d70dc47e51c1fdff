import Testing

@testable import XAPI

/// Data §2.2: nulls, unknown or miscased keys, wrong JSON types, UUID and version formats.
@Suite("Formatting requirements")
struct FormattingRulesTests {
    @Test(arguments: ["iD", "Actor", "veRb", "oBject", "RESULT", "conText", "timeStamp", "STOred", "auTHORity", "Version", "attachmentS", "extra"])
    func keysMustMatchTheSpecsCase(key: String) {
        expectRejected(Fixture.minimal(setting: [key], to: "x"), code: "property.unknown", path: "$.\(key)")
    }

    @Test func nullIsRejectedOutsideExtensions() {
        expectRejected(Fixture.minimal(setting: ["actor", "name"], to: .null), code: "value.null", path: "$.actor.name")
        expectRejected(Fixture.minimal(setting: ["result"], to: .null), code: "value.null", path: "$.result")
    }

    @Test(arguments: [JSON(integerLiteral: 12345), ["key": "should fail"], "AA97B177-9383-4934-8543-0F91A7A028368", "MA97B177-9383-4934-8543-0F91A7A02836", ""])
    func theIdMustBeAUUID(id: JSON) {
        let error = Fixture.error(Fixture.minimal(setting: ["id"], to: id))
        #expect(error?.path == "$.id")
        #expect(error?.code == "uuid.invalid" || error?.code == "value.wrong-type")
    }

    @Test func upperCaseUUIDsAreAccepted() {
        expectAccepted(Fixture.minimal(setting: ["id"], to: "AA97B177-9383-4934-8543-0F91A7A02836"))
    }

    @Test func theStatementMustBeAnObject() {
        expectRejected(["a", "b"], code: "value.wrong-type", path: "$")
    }

    @Test(arguments: ["1.0", "1.0.0", "1.0.9"])
    func oneZeroVersionsAreAccepted(version: String) {
        expectAccepted(Fixture.minimal(setting: ["version"], to: .string(version)), version: .v1_0_3)
        expectAccepted(Fixture.minimal(setting: ["version"], to: .string(version)), version: .v2_0_0)
    }

    @Test(arguments: ["0.9.9", "1.1.0", "should fail", "1.0.x"])
    func otherVersionsAreRejected(version: String) {
        expectRejected(Fixture.minimal(setting: ["version"], to: .string(version)), code: "version.unsupported", path: "$.version")
    }

    @Test func twoZeroVersionsOnlyIn2_0() {
        expectAccepted(Fixture.minimal(setting: ["version"], to: "2.0.0"), version: .v2_0_0)
        expectRejected(Fixture.minimal(setting: ["version"], to: "2.0.0"), code: "version.unsupported", path: "$.version", version: .v1_0_3)
    }

    @Test(arguments: [
        ("i-enochian", true), ("ine", true), ("zh-Hant", true), ("sr-Latn", true), ("zh-cmn-Hans-CN", true), ("sr-Latn-RS", true),
        ("sl-rozaj-biske", true), ("de-CH-1901", true), ("hy-Latn-IT-arevela", true), ("de-DE", true), ("az-Arab-x-AZE-derbend", true),
        ("x-whatever", true), ("ja-JP", true), ("en-US", true), ("es-419", true), ("de-419-DE", false), ("a-DE", false),
        ("ar-a-aaa-b-bbb-a-ccc", false), ("a12345", false), ("en_US", false), ("", false), ("en-", false), ("toolongtag", false),
    ])
    func languageTagsFollowRFC5646(tag: String, valid: Bool) {
        #expect(LanguageTag.isValid(tag) == valid)
    }
}
