import Testing

@testable import XAPI

/// Japan xAPI profile extensions (digest §8) extracted for indexing.
@Suite("Japan xAPI profile extensions")
struct JapanProfileTests {
    static let base = "https://w3id.org/japan-xapi/extensions/"

    @Test func extensionsAreReadFromContextAndTheObjectDefinition() throws {
        let json = Fixture.minimal
            .setting(["context", "extensions"], to: .object(JSONObject([
                (Self.base + "grade", ["小学校第6学年"]), (Self.base + "assessment-type", "formative"), (Self.base + "unit", "分数のかけ算"),
            ])))
            .setting(["object", "definition", "extensions"], to: .object(JSONObject([
                (Self.base + "subject", ["算数"]), (Self.base + "course-of-study-code", ["8260253111100000"]),
                (Self.base + "grade", ["小学校第6学年", "中学校第1学年"]), (Self.base + "question-order", 3),
            ])))
        let profile = try Fixture.validate(json).japanProfile
        #expect(profile.grades == ["小学校第6学年", "中学校第1学年"])
        #expect(profile.subjects == ["算数"])
        #expect(profile.courseOfStudyCodes == ["8260253111100000"])
        #expect(profile.units == ["分数のかけ算"])
        #expect(profile.assessmentType == "formative")
        #expect(JapanProfileExtensions(statement: json) == profile)
    }

    @Test func wrongShapesAndUnknownExtensionsAreNotErrors() throws {
        let json = Fixture.minimal.setting(["context", "extensions"], to: .object(JSONObject([
            (Self.base + "grade", 6), (Self.base + "unknown", ["x"]), ("http://example.com/other", "y"),
        ])))
        let profile = try Fixture.validate(json).japanProfile
        #expect(profile.isEmpty)
    }

    @Test func subStatementExtensionsAreNotIndexed() throws {
        let sub = ObjectRulesTests.subStatement.setting(["context", "extensions"], to: .object(JSONObject([(Self.base + "subject", ["国語"])])))
        #expect(try Fixture.validate(Fixture.minimal(setting: ["object"], to: sub)).japanProfile.isEmpty)
    }
}
