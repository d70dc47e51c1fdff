import Testing

@testable import XAPI

/// Data §2.4.11: attachment objects.
@Suite("Attachment objects")
struct AttachmentRulesTests {
    static let valid: JSON = [
        "usageType": "http://example.com/attachment-usage/test", "display": ["en-US": "A test attachment"],
        "description": ["en-US": "A test attachment (description)"], "contentType": "text/plain; charset=ascii", "length": 27,
        "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a", "fileUrl": "http://over.there.com/file.txt",
    ]

    func with(_ key: String, _ value: JSON?) -> JSON {
        Fixture.minimal(setting: ["attachments"], to: [Self.valid.setting([key], to: value)])
    }

    @Test func aValidAttachmentIsAccepted() {
        expectAccepted(Fixture.minimal(setting: ["attachments"], to: [Self.valid]))
    }

    @Test func attachmentsMustBeAnArrayOfObjects() {
        expectRejected(Fixture.minimal(setting: ["attachments"], to: Self.valid), code: "value.wrong-type", path: "$.attachments")
        expectRejected(Fixture.minimal(setting: ["attachments"], to: [12345]), code: "value.wrong-type", path: "$.attachments[0]")
    }

    @Test(arguments: ["usageType", "display", "contentType", "length", "sha2"])
    func requiredPropertiesAreRequired(key: String) {
        expectRejected(with(key, nil), code: "property.missing", path: "$.attachments[0].\(key)")
    }

    @Test func formatsAreChecked() {
        expectRejected(with("usageType", "should fail"), code: "iri.invalid", path: "$.attachments[0].usageType")
        expectRejected(with("contentType", "should fail"), code: "attachment.content-type-invalid", path: "$.attachments[0].contentType")
        expectRejected(with("fileUrl", "should fail"), code: "irl.invalid", path: "$.attachments[0].fileUrl")
        expectRejected(with("length", "should fail"), code: "value.wrong-type", path: "$.attachments[0].length")
        expectRejected(with("length", 2.5), code: "attachment.length-invalid", path: "$.attachments[0].length")
        expectRejected(with("sha2", 12345), code: "value.wrong-type", path: "$.attachments[0].sha2")
        expectRejected(with("sha2", "not hex"), code: "attachment.sha2-invalid", path: "$.attachments[0].sha2")
        expectRejected(with("display", [:]), code: "language-map.empty", path: "$.attachments[0].display")
        expectRejected(with("description", "should error"), code: "value.wrong-type", path: "$.attachments[0].description")
    }
}
