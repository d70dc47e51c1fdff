/// An authorization scope of xAPI 1.0.3 Communication §4.2 ("OAuth Authorization Scope"). The
/// names are the specification's; what each grants on which resource is ``XAPIScopes/allows(_:)``.
public enum XAPIScope: String, Sendable, CaseIterable {
    /// Write any statement.
    case statementsWrite = "statements/write"
    /// Read the statements whose authority is this credential.
    case statementsReadMine = "statements/read/mine"
    /// Read any statement.
    case statementsRead = "statements/read"
    /// Read and write State documents.
    case state
    /// (Re)define Activities and Actors through the statements written.
    case define
    /// Read and write Activity and Agent Profile documents.
    case profile
    /// Unrestricted read access.
    case allRead = "all/read"
    /// Unrestricted access.
    case all
}

/// What one LRS request does, in the terms the scopes grant.
public enum XAPIAccess: Sendable, CaseIterable {
    /// Reading (GET, HEAD) and writing (PUT, POST; DELETE of documents) statements, State
    /// documents, and Activity and Agent Profile documents.
    case readStatements, writeStatements, readState, writeState, readProfiles, writeProfiles
    /// The Activities and Agents resources: definitions and names combined from every
    /// statement, so reading them is reading the statements.
    case readActivitiesAndAgents

    /// The scopes that grant it, as the 403 message names them.
    public var grantedBy: [XAPIScope] {
        switch self {
        case .readStatements: [.statementsRead, .statementsReadMine, .allRead, .all]
        case .writeStatements: [.statementsWrite, .all]
        case .readState: [.state, .allRead, .all]
        case .writeState: [.state, .all]
        case .readProfiles: [.profile, .allRead, .all]
        case .writeProfiles: [.profile, .all]
        case .readActivitiesAndAgents: [.statementsRead, .allRead, .all]
        }
    }

    var phrase: String {
        switch self {
        case .readStatements: "read statements"
        case .writeStatements: "write statements"
        case .readState: "read State documents"
        case .writeState: "write State documents"
        case .readProfiles: "read profile documents"
        case .writeProfiles: "write profile documents"
        case .readActivitiesAndAgents: "read the Activities and Agents resources"
        }
    }
}

/// The scopes of one credential. Statements written without `define` (or `all`) are stored whole,
/// but leave the LRS's own Activity definitions and Agent names as they were (Communication §4.2).
public struct XAPIScopes: Sendable, Hashable {
    /// The scopes granted.
    public private(set) var scopes: Set<XAPIScope>

    /// Unrestricted access: what a credential has unless it is limited.
    public static let all = XAPIScopes([.all])

    /// These scopes; an empty set grants nothing.
    public init(_ scopes: Set<XAPIScope>) { self.scopes = scopes }

    /// Reads scope names separated by spaces (the OAuth 2.0 form, RFC 6749 §3.3, as stored) or
    /// commas. An unknown name or an empty list is refused, naming the names there are.
    public init(parsing text: String) throws(XAPIError) {
        var parsed = Set<XAPIScope>()
        for name in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
            guard let scope = XAPIScope(rawValue: String(name)) else {
                throw XAPIError(
                    code: "scope.unknown", path: "scope",
                    message: "Unknown xAPI scope \"\(name)\"; the scopes are \(XAPIScope.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            parsed.insert(scope)
        }
        guard !parsed.isEmpty else { throw XAPIError(code: "scope.missing", path: "scope", message: "At least one xAPI scope is needed.") }
        scopes = parsed
    }

    /// The names in the specification's order, separated by spaces.
    public var text: String { XAPIScope.allCases.filter(scopes.contains).map(\.rawValue).joined(separator: " ") }

    /// Whether one of the scopes grants `access`.
    public func allows(_ access: XAPIAccess) -> Bool { access.grantedBy.contains(where: scopes.contains) }

    /// Whether the statements this credential writes may (re)define Activities and Agents: add
    /// to the LRS's merged Activity definitions and Agent names.
    public var defines: Bool { scopes.contains(.define) || scopes.contains(.all) }

    /// True when statements may be read only because of `statements/read/mine`: reads are then
    /// limited to the statements this credential wrote (its authority).
    public var readsOnlyOwnStatements: Bool {
        scopes.contains(.statementsReadMine) && ![XAPIScope.statementsRead, .allRead, .all].contains(where: scopes.contains)
    }

    /// True when `access` to State or profile documents is granted only by the `state` or
    /// `profile` scope: the credential then reaches only the documents it wrote. Communication
    /// §4.2 limits these scopes to the Activities and Agents associated with the credential "to
    /// the extent it is possible to determine"; a stand-alone credential names no Activity and no
    /// person, and what it wrote is the association the LRS can tell. `all/read` reads every
    /// document, `all` reads and writes every one.
    public func reachesOnlyOwnDocuments(_ access: XAPIAccess) -> Bool {
        let narrowed: XAPIScope
        switch access {
        case .readState, .writeState: narrowed = .state
        case .readProfiles, .writeProfiles: narrowed = .profile
        case .readStatements, .writeStatements, .readActivitiesAndAgents: return false
        }
        return scopes.contains(narrowed) && !access.grantedBy.contains(where: { $0 != narrowed && scopes.contains($0) })
    }

    /// Nothing when `access` is granted; otherwise the 403 that names what is missing.
    public func check(_ access: XAPIAccess) throws(XAPIError) {
        guard !allows(access) else { return }
        throw XAPIError(
            code: "credentials.insufficient-scope", status: 403,
            message: "This credential (scopes: \(text)) may not \(access.phrase); that needs one of the scopes "
                + access.grantedBy.map(\.rawValue).joined(separator: ", ") + ".")
    }
}
