import Foundation

/// Runtime configuration, read from the environment (and overridden by command-line flags).
/// docs/OPERATIONS.md lists every variable.
public struct Settings: Sendable {
    /// Folder for the SQLite database and other local state (`KAKEHASHI_DATA_DIR`).
    public var dataDirectory: URL
    /// `postgres://…` to use PostgreSQL instead of the embedded SQLite (`KAKEHASHI_DATABASE_URL`).
    public var databaseURL: String?
    public var hostname: String
    public var port: Int
    /// Share of active users a bulk import may deactivate without `--allow-shrink` (`KAKEHASHI_SHRINK_LIMIT`, percent).
    public var shrinkLimitPercent: Double
    /// Log level (`KAKEHASHI_LOG_LEVEL`: trace, debug, info, notice, warning, error).
    public var logLevel: String
    /// 32 bytes in base64 sealing secrets at rest (`KAKEHASHI_SECRET_KEY`); without it, a key
    /// file in the data folder (see ``SecretBox``).
    public var secretKey: String?
    /// The address people reach this server at, for links sent elsewhere such as the OpenID
    /// Connect redirect URI (`KAKEHASHI_PUBLIC_URL`, e.g. `https://portal.example.jp`); without
    /// it, `http://HOST:PORT`.
    public var publicURL: String?
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed
    /// (`KAKEHASHI_TRUSTED_PROXIES`, comma-separated). Without it the TCP peer is the client.
    public var trustedProxies: Set<String>
    /// The largest request body the LRS (`/xapi/`) reads, in bytes (`KAKEHASHI_LRS_MAX_BODY`:
    /// bytes, or with `KiB`, `MiB`, `GiB`); larger requests are answered 413 without being read.
    public var lrsMaxBody: Int
    /// Web origins whose pages may call the LRS from a browser (`KAKEHASHI_LRS_CORS_ORIGINS`:
    /// `*`, the default, for any; comma-separated origins such as `https://content.example.jp`;
    /// `none` for no cross-origin calls). See ``LRSCORS``.
    public var lrsCORSOrigins: LRSCORS.Origins
    /// On SQLite, how many filter and key rows of newly stored statements wait in the staging
    /// table before they are merged into their tables in key order (`KAKEHASHI_LRS_STAGING_ROWS`,
    /// default ``StatementStore/stagingLimit``; about eight rows per statement). More means fewer
    /// merges, so faster ingestion, and a longer scan of the staged rows in every filtered query.
    public var lrsStagingRows: Int

    /// 32 MiB: a batch of statements with a few scanned worksheets as attachments.
    public static let defaultLRSMaxBody = 32 * 1024 * 1024

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let dataDir = environment["KAKEHASHI_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./kakehashi-data"
        dataDirectory = URL(fileURLWithPath: dataDir, isDirectory: true).standardizedFileURL
        databaseURL = environment["KAKEHASHI_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        hostname = environment["KAKEHASHI_HOST"] ?? "127.0.0.1"
        port = environment["KAKEHASHI_PORT"].flatMap(Int.init) ?? 8080
        shrinkLimitPercent = environment["KAKEHASHI_SHRINK_LIMIT"].flatMap(Double.init) ?? 10
        logLevel = environment["KAKEHASHI_LOG_LEVEL"] ?? "info"
        trustedProxies = Set((environment["KAKEHASHI_TRUSTED_PROXIES"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        secretKey = environment["KAKEHASHI_SECRET_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        lrsMaxBody = environment["KAKEHASHI_LRS_MAX_BODY"].flatMap(Self.byteCount) ?? Self.defaultLRSMaxBody
        lrsCORSOrigins = LRSCORS.Origins(environment["KAKEHASHI_LRS_CORS_ORIGINS"])
        lrsStagingRows = environment["KAKEHASHI_LRS_STAGING_ROWS"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0 > 0 ? $0 : nil }
            ?? StatementStore.stagingLimit
        publicURL = environment["KAKEHASHI_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : String($0.reversed().drop { $0 == "/" }.reversed()) }
    }

    /// `1048576`, `64KiB`, `32 MiB`, `1GiB` (binary units, letter case ignored); nil otherwise.
    static func byteCount(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard let number = Int(digits), number > 0 else { return nil }
        let units: [String: Int] = ["": 1, "b": 1, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30]
        guard let unit = units[trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)] else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: unit)
        return overflow ? nil : bytes
    }

    /// The base of absolute links to this server, without a trailing slash.
    public var baseURL: String { publicURL ?? "http://\(hostname):\(port)" }

    /// The SQLite file used when no database URL is set.
    public var sqliteFile: URL { dataDirectory.appendingPathComponent("kakehashi.sqlite") }

    /// A description of the database that never contains a password.
    public var databaseDescription: String {
        guard let databaseURL, var components = URLComponents(string: databaseURL) else {
            return "sqlite:\(sqliteFile.path)"
        }
        if components.password != nil { components.password = "***" }
        return components.string ?? "postgres"
    }
}
