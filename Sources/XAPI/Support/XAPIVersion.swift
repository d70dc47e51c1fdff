/// The xAPI versions an LRS speaks: 1.0.3 (IEEE-adopted 1.0.x line) and 2.0.0 (IEEE 9274.1.1).
public enum XAPIVersion: String, Sendable, CaseIterable {
    case v1_0_3 = "1.0.3"
    case v2_0_0 = "2.0.0"

    /// The `version` the LRS writes into a stored statement that arrived without one
    /// (1.0.3 Data §2.4.10.s3.b3: `1.0.0`; 2.0: `2.0.0`).
    public var defaultStatementVersion: String {
        switch self {
        case .v1_0_3: "1.0.0"
        case .v2_0_0: "2.0.0"
        }
    }

    /// Reads the `X-Experience-API-Version` request header (1.0.3 Communication §3.3.s3).
    ///
    /// - `1.0` and `1.0.x` (any patch: the header "MUST accept … starting with 1.0.") → ``v1_0_3``.
    /// - `2.0` and `2.0.x` → ``v2_0_0``.
    /// - Missing, earlier than 1.0.0, 1.1.0 or later, or not a version → `version.header-*` (400).
    public static func parseHeader(_ value: String?) throws(XAPIError) -> XAPIVersion {
        guard let raw = value?.trimmingWhitespace(), !raw.isEmpty else {
            throw XAPIError(
                code: "version.header-missing",
                message: "The X-Experience-API-Version header is required (1.0.3 or 2.0.0).")
        }
        if raw == "1.0" || Self.isPatch(of: "1.0.", raw) { return .v1_0_3 }
        if raw == "2.0" || Self.isPatch(of: "2.0.", raw) { return .v2_0_0 }
        throw XAPIError(
            code: "version.header-unsupported",
            message: "The X-Experience-API-Version \"\(raw)\" is not supported; use 1.0.3 or 2.0.0.")
    }

    /// Whether a statement's `version` property is one this LRS accepts (Data §2.4.10.s3):
    /// 1.0.3 takes `1.0` and `1.0.x`; 2.0 also takes `2.0` and `2.0.x`.
    public func acceptsStatementVersion(_ version: String) -> Bool {
        if version == "1.0" || Self.isPatch(of: "1.0.", version) { return true }
        if self == .v2_0_0, version == "2.0" || Self.isPatch(of: "2.0.", version) { return true }
        return false
    }

    static func isPatch(of prefix: String, _ value: String) -> Bool {
        guard value.hasPrefix(prefix) else { return false }
        let patch = value.utf8.dropFirst(prefix.utf8.count)
        return !patch.isEmpty && patch.allSatisfy { (48...57).contains($0) }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
