import Foundation
import Testing

@testable import LTI

/// LTI Security Framework 1.0 §6.3: following a tool's key rotation without hammering it.
@Suite("JWKS cache")
struct JWKSCacheTests {
    static let url = URL(string: "https://tool.example/jwks")!

    func makeCache(_ endpoint: FakeJWKSEndpoint, clock: ManualClock, ttl: TimeInterval = 3600) -> JWKSCache {
        JWKSCache(ttl: ttl, minimumRefetchInterval: 60, now: { clock.now }) { try await endpoint.fetch($0) }
    }

    @Test func aKnownKidIsServedFromTheCache() async throws {
        let endpoint = FakeJWKSEndpoint(keys: [TestKeys.rsaJWK(kid: "k1")])
        let cache = makeCache(endpoint, clock: ManualClock())
        for _ in 0..<5 { _ = try await cache.key(kid: "k1", jwksURL: Self.url) }
        #expect(await endpoint.fetchCount == 1)
    }

    @Test func anUnknownKidRefetchesOnceAndFindsARotatedKey() async throws {
        let endpoint = FakeJWKSEndpoint(keys: [TestKeys.rsaJWK(kid: "k1")])
        let clock = ManualClock()
        let cache = makeCache(endpoint, clock: clock)
        _ = try await cache.key(kid: "k1", jwksURL: Self.url)

        await endpoint.publish([TestKeys.rsaJWK(kid: "k1"), TestKeys.rsaJWK(TestKeys.otherRSA, kid: "k2")])
        clock.advance(by: 61)
        let key = try await cache.key(kid: "k2", jwksURL: Self.url)
        #expect(key.keyIdentifier?.string == "k2")
        #expect(await endpoint.fetchCount == 2)
    }

    @Test func aFloodOfUnknownKidsCausesAtMostOneFetchPerInterval() async throws {
        let endpoint = FakeJWKSEndpoint(keys: [TestKeys.rsaJWK(kid: "k1")])
        let clock = ManualClock()
        let cache = makeCache(endpoint, clock: clock)
        _ = try await cache.key(kid: "k1", jwksURL: Self.url)

        clock.advance(by: 61)
        for attempt in 0..<20 {
            let error = await ltiError { _ = try await cache.key(kid: "bogus-\(attempt)", jwksURL: Self.url) }
            #expect(error?.code == "jwt.unknown-kid")
        }
        #expect(await endpoint.fetchCount == 2)  // the first load, and one refetch

        clock.advance(by: 30)
        _ = await ltiError { _ = try await cache.key(kid: "bogus-again", jwksURL: Self.url) }
        #expect(await endpoint.fetchCount == 2)

        clock.advance(by: 31)
        _ = await ltiError { _ = try await cache.key(kid: "bogus-later", jwksURL: Self.url) }
        #expect(await endpoint.fetchCount == 3)
    }

    @Test func anUnknownKidRightAfterAFetchDoesNotRefetch() async throws {
        let endpoint = FakeJWKSEndpoint(keys: [TestKeys.rsaJWK(kid: "k1")])
        let cache = makeCache(endpoint, clock: ManualClock())
        let error = await ltiError { _ = try await cache.key(kid: "k9", jwksURL: Self.url) }
        #expect(error == .jwtUnknownKid("k9"))
        #expect(await endpoint.fetchCount == 1)
    }

    @Test func theSetIsFetchedAgainAfterTheTTL() async throws {
        let endpoint = FakeJWKSEndpoint(keys: [TestKeys.rsaJWK(kid: "k1")])
        let clock = ManualClock()
        let cache = makeCache(endpoint, clock: clock, ttl: 600)
        _ = try await cache.key(kid: "k1", jwksURL: Self.url)
        clock.advance(by: 601)
        _ = try await cache.key(kid: "k1", jwksURL: Self.url)
        #expect(await endpoint.fetchCount == 2)
    }

    @Test func aStaleSetIsUsedWhileTheToolIsDown() async throws {
        let endpoint = FakeJWKSEndpoint(keys: [TestKeys.rsaJWK(kid: "k1")])
        let clock = ManualClock()
        let cache = makeCache(endpoint, clock: clock, ttl: 600)
        _ = try await cache.key(kid: "k1", jwksURL: Self.url)
        await endpoint.setFailing(true)
        clock.advance(by: 601)
        #expect(try await cache.key(kid: "k1", jwksURL: Self.url).keyIdentifier?.string == "k1")
    }

    @Test func aToolThatCannotBeReachedIsReported() async {
        let endpoint = FakeJWKSEndpoint(keys: [])
        await endpoint.setFailing(true)
        let cache = makeCache(endpoint, clock: ManualClock())
        #expect(await ltiError { _ = try await cache.key(kid: "k1", jwksURL: Self.url) }?.code == "jwks.unavailable")
    }

    @Test func unusableKeysAreSkippedNotFatal() throws {
        let json = #"""
            {"keys": [
              {"kty": "oct", "kid": "sym", "k": "c2VjcmV0"},
              {"kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB"},
              {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
              {"kty": "RSA", "kid": "sig", "alg": "RS256", "n": "AQAB", "e": "AQAB"}
            ]}
            """#
        let keys = try JWKSCache.parse(Data(json.utf8), url: Self.url)
        #expect(Array(keys.keys) == ["sig"])
    }

    @Test func concurrentMissesShareOneFetch() async throws {
        let endpoint = FakeJWKSEndpoint(keys: [TestKeys.rsaJWK(kid: "k1")])
        let cache = makeCache(endpoint, clock: ManualClock())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 { group.addTask { _ = try await cache.key(kid: "k1", jwksURL: Self.url) } }
            try await group.waitForAll()
        }
        #expect(await endpoint.fetchCount == 1)
    }
}
