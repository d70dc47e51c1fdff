import Foundation
import Testing

@testable import LTI

/// DL 2.0 §3: the five content item types, and nothing else.
@Suite("Content items")
struct ContentItemTests {
    func decode(_ json: String) throws -> ContentItem {
        try JSONDecoder().decode(ContentItem.self, from: Data(json.utf8))
    }

    @Test func anLTIResourceLinkWithEverything() throws {
        let item = try decode(
            #"""
            {"type": "ltiResourceLink", "url": "https://tool.example/q/7", "title": "小テスト", "text": "10問",
             "icon": {"url": "https://tool.example/i.png", "width": 32, "height": 32},
             "thumbnail": {"url": "https://tool.example/t.png"},
             "window": {"targetName": "quiz", "width": 800, "height": 600, "windowFeatures": "menubar=no"},
             "iframe": {"width": 800, "height": 600},
             "custom": {"quiz_id": "7", "mode": "practice"},
             "lineItem": {"scoreMaximum": 10, "label": "小テスト 7", "resourceId": "q7", "tag": "grade"},
             "available": {"startDateTime": "2024-06-01T00:00:00+09:00", "endDateTime": "2024-06-30T23:59:59+09:00"},
             "submission": {"endDateTime": "2024-06-30T23:59:59+09:00"}}
            """#)
        guard case .ltiResourceLink(let link) = item else {
            Issue.record("expected an ltiResourceLink, got \(item)")
            return
        }
        #expect(link.url == "https://tool.example/q/7")
        #expect(link.icon?.width == 32)
        #expect(link.window?.targetName == "quiz")
        #expect(link.iframe?.height == 600)
        #expect(link.custom == ["quiz_id": "7", "mode": "practice"])
        #expect(link.lineItem == ContentItem.LineItem(scoreMaximum: 10, label: "小テスト 7", resourceId: "q7", tag: "grade"))
        #expect(link.available?.startDateTime == "2024-06-01T00:00:00+09:00")
        #expect(link.submission?.endDateTime == "2024-06-30T23:59:59+09:00")
    }

    @Test func anLTIResourceLinkMayOmitTheURL() throws {
        #expect(try decode(#"{"type": "ltiResourceLink", "title": "default"}"#) == .ltiResourceLink(.init(title: "default")))
    }

    @Test func aLink() throws {
        let item = try decode(#"{"type": "link", "url": "https://www.mext.go.jp/", "embed": {"html": "<b>x</b>"}}"#)
        #expect(item == .link(.init(url: "https://www.mext.go.jp/", embed: .init(html: "<b>x</b>"))))
    }

    @Test func aFile() throws {
        let item = try decode(#"{"type": "file", "url": "https://t.example/a.pdf", "expiresAt": "2024-06-02T00:00:00Z"}"#)
        #expect(item == .file(.init(url: "https://t.example/a.pdf", expiresAt: "2024-06-02T00:00:00Z")))
    }

    @Test func anHTMLFragment() throws {
        #expect(try decode(#"{"type": "html", "html": "<p>こんにちは</p>"}"#) == .html(.init(html: "<p>こんにちは</p>")))
    }

    @Test func anImage() throws {
        let item = try decode(#"{"type": "image", "url": "https://t.example/a.png", "width": 640, "height": 480}"#)
        #expect(item == .image(.init(url: "https://t.example/a.png", width: 640, height: 480)))
    }

    @Test func anUnknownTypeIsAnError() {
        let error = ltiError { _ = try decode(#"{"type": "ltiAssignment", "url": "https://t.example"}"#) }
        #expect(error?.code == "dl.unknown-type")
        #expect(error?.path == "$.type")
    }

    @Test(arguments: ContentItem.Kind.allCases)
    func everyTypeRoundTrips(kind: ContentItem.Kind) throws {
        let item: ContentItem =
            switch kind {
            case .ltiResourceLink: .ltiResourceLink(.init(url: "https://t.example", custom: ["a": "b"]))
            case .link: .link(.init(url: "https://t.example"))
            case .file: .file(.init(url: "https://t.example/f"))
            case .html: .html(.init(html: "<i>x</i>"))
            case .image: .image(.init(url: "https://t.example/i.png"))
            }
        let data = try JSONEncoder().encode(item)
        let json = try JSONDecoder().decode([String: LTIJSON].self, from: data)
        #expect(json["type"] == .string(kind.rawValue))
        #expect(try JSONDecoder().decode(ContentItem.self, from: data) == item)
    }
}
