import Foundation
import JWTKit

/// Caches each tool's JSON Web Key Set by URL, so launches and service calls do not fetch it
/// every time, while still following a tool's key rotation.
///
/// LTI Security Framework 1.0 §6.3 lets a tool rotate keys at any time; tools publish the new key
/// before signing with it. So when a JWT names a `kid` that the cached set lacks, the cache
/// **fetches the set again once** — but never sooner than `minimumRefetchInterval` after the last
/// fetch of that URL, so a flood of tokens with made-up kids cannot turn the platform into a
/// load generator against the tool.
///
/// The library has no HTTP client: the app injects `fetch`, e.g. a Vapor `Client` GET that
/// returns the body and throws on a non-2xx status.
///
/// ```swift
/// let cache = JWKSCache(ttl: 3600, minimumRefetchInterval: 60) { url in
///     try await http.get(url).body
/// }
/// let key = try await cache.key(kid: "2024-04", jwksURL: tool.jwksURL)
/// ```
public actor JWKSCache {
    public typealias Fetcher = @Sendable (URL) async throws -> Data

    private struct Entry {
        var keys: [String: JWK]
        var fetchedAt: Date
    }

    private let fetch: Fetcher
    private let now: @Sendable () -> Date
    /// How long a fetched set is used before it is fetched again.
    public let ttl: TimeInterval
    /// The shortest time between two fetches of the same URL caused by unknown kids.
    public let minimumRefetchInterval: TimeInterval

    private var entries: [URL: Entry] = [:]
    private var inFlight: [URL: Task<Entry, any Error>] = [:]

    public init(
        ttl: TimeInterval = 3600,
        minimumRefetchInterval: TimeInterval = 60,
        now: @escaping @Sendable () -> Date = { Date() },
        fetch: @escaping Fetcher
    ) {
        self.ttl = ttl
        self.minimumRefetchInterval = minimumRefetchInterval
        self.now = now
        self.fetch = fetch
    }

    // MARK: - Lookup

    /// The public key `kid` of the set at `jwksURL`.
    ///
    /// Uses the cached set while it is younger than `ttl`; on an unknown `kid`, fetches once more
    /// if the last fetch is at least `minimumRefetchInterval` old.
    /// - Throws: ``LTIError`` `jwt.unknown-kid` or `jwks.unavailable`.
    public func key(kid: String, jwksURL: URL) async throws -> JWK {
        var entry = try await currentEntry(for: jwksURL)
        if let key = entry.keys[kid] { return key }
        guard now().timeIntervalSince(entry.fetchedAt) >= minimumRefetchInterval else {
            throw LTIError.jwtUnknownKid(kid)
        }
        entry = try await refresh(jwksURL)
        guard let key = entry.keys[kid] else { throw LTIError.jwtUnknownKid(kid) }
        return key
    }

    /// Every usable key of the set at `jwksURL`, by kid (cached while younger than `ttl`).
    public func keys(jwksURL: URL) async throws -> [String: JWK] {
        try await currentEntry(for: jwksURL).keys
    }

    /// Forgets the set at `url`, e.g. when an admin changes a tool's JWKS URL.
    public func invalidate(_ url: URL) {
        entries[url] = nil
    }

    // MARK: - Fetching

    private func currentEntry(for url: URL) async throws -> Entry {
        if let entry = entries[url], now().timeIntervalSince(entry.fetchedAt) < ttl {
            return entry
        }
        do {
            return try await refresh(url)
        } catch let error as LTIError {
            // A tool briefly down should not stop launches: keep using a stale set we still have.
            if let stale = entries[url] { return stale }
            throw error
        }
    }

    /// Fetches `url`, sharing one request among concurrent callers.
    private func refresh(_ url: URL) async throws -> Entry {
        if let task = inFlight[url] { return try await task.value }
        let fetch = self.fetch
        let fetchedAt = now()
        let task = Task<Entry, any Error> {
            let data: Data
            do {
                data = try await fetch(url)
            } catch {
                throw LTIError.jwksUnavailable(url, reason: String(describing: error))
            }
            return Entry(keys: try Self.parse(data, url: url), fetchedAt: fetchedAt)
        }
        inFlight[url] = task
        defer { inFlight[url] = nil }
        do {
            let entry = try await task.value
            entries[url] = entry
            return entry
        } catch {
            // A failed fetch also counts for the minimum interval, so a dead tool is not hammered.
            if var stale = entries[url] {
                stale.fetchedAt = fetchedAt
                entries[url] = stale
            }
            throw error
        }
    }

    /// Reads a JWKS leniently: keys that JWTKit cannot use (another `kty`, `use: "enc"`, no
    /// `kid`) are skipped rather than failing the whole set; private members are dropped.
    static func parse(_ data: Data, url: URL) throws -> [String: JWK] {
        guard let root = try? JSONDecoder().decode(LTIJSON.self, from: data),
            let keys = root["keys"]?.array
        else {
            throw LTIError.jwksUnavailable(url, reason: "the body is not a JWKS ({\"keys\": [...]})")
        }
        var result: [String: JWK] = [:]
        for value in keys {
            guard value["use"]?.string ?? "sig" == "sig",
                var jwk = try? value.decode(as: JWK.self),
                let kid = jwk.keyIdentifier?.string
            else { continue }
            jwk.privateExponent = nil
            jwk.prime1 = nil
            jwk.prime2 = nil
            result[kid] = jwk
        }
        return result
    }
}
