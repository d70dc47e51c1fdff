import Testing

@testable import LTI

/// NRPS 2.0 §2.4: paging by the `Link` header, read whatever case a tool library uses.
@Suite("Link header")
struct LinkHeaderTests {
    @Test func buildsNextAndDifferences() {
        let header = LinkHeader(
            next: "https://k.example/ctx/1/members?page=2", differences: "https://k.example/ctx/1/members?since=17")
        #expect(
            header.value
                == #"<https://k.example/ctx/1/members?page=2>; rel="next", <https://k.example/ctx/1/members?since=17>; rel="differences""#
        )
    }

    @Test func parsesWhatItBuilds() {
        let header = LinkHeader(next: "https://k.example/m?page=2&limit=50", differences: "https://k.example/m?since=1")
        let parsed = LinkHeader.parse(header.value)
        #expect(parsed == header)
        #expect(parsed.next == "https://k.example/m?page=2&limit=50")
        #expect(parsed.differences == "https://k.example/m?since=1")
    }

    @Test func readsALowercasedHeaderName() {
        let headers = [(name: "content-type", value: "application/json"), (name: "link", value: #"<https://k.example/m?p=3>; rel="next""#)]
        #expect(LinkHeader.parse(headers: headers).next == "https://k.example/m?p=3")
    }

    @Test func readsUppercaseRelationsUnquotedValuesAndExtraParameters() {
        let parsed = LinkHeader.parse(#"<https://k.example/a>; title="a, b"; REL="Next", <https://k.example/b>;rel=prev"#)
        #expect(parsed.next == "https://k.example/a")
        #expect(parsed.url(for: "prev") == "https://k.example/b")
    }

    @Test func readsSeveralRelationsInOneLink() {
        let parsed = LinkHeader.parse(#"<https://k.example/a>; rel="next last""#)
        #expect(parsed.next == "https://k.example/a")
        #expect(parsed.url(for: "last") == "https://k.example/a")
    }

    @Test func noLinkHeaderMeansNoNextPage() {
        #expect(LinkHeader.parse(headers: [(name: "Accept", value: "*/*")]).next == nil)
        #expect(LinkHeader.parse("garbage").links.isEmpty)
    }
}
