/// A column of a OneRoster CSV file: its header name, whether a value is required, and the
/// value type that decides which format rules apply (CSV binding 1.2.1 §3).
public struct Column: Sendable, Hashable {
    public enum Requirement: Sendable, Hashable {
        /// A value is required in every row.
        case required
        /// `status` and `dateLastModified`: required in delta files, blank in bulk files.
        case deltaOnly
        case optional
    }

    public indirect enum Kind: Sendable, Hashable {
        case string
        /// A sourcedId: < 256 characters of `[A-Za-z0-9.\-_/@]`.
        case guid
        /// A sourcedId of a record in the given file.
        case reference(RosterFile)
        /// A comma-separated list of references.
        case referenceList(RosterFile)
        case date
        case dateTime
        case year
        case boolean
        case integer
        case float
        /// A closed vocabulary; `extensible` allows `ext:` values.
        case enumeration([String], extensible: Bool)
        /// A comma-separated list of enumeration values.
        case enumerationList([String], extensible: Bool)
        case list
        /// `{type:id}` items, as in users.userIds.
        case typedList
        /// Grade codes (Japan Profile: P1–P6, J1–J3, H1–H3, E1–E3), a list.
        case grades
        /// 学校コード, 13 characters (orgs.identifier for schools).
        case schoolCode
        /// Kana readings: full-width katakana only.
        case kana
    }

    public let name: String
    public let requirement: Requirement
    public let kind: Kind
    /// Whether the Japan Profile forbids half-width katakana (半角カナ) in this text column.
    public let fullWidthOnly: Bool

    public init(_ name: String, _ requirement: Requirement = .optional, _ kind: Kind = .string, fullWidthOnly: Bool = false) {
        self.name = name
        self.requirement = requirement
        self.kind = kind
        self.fullWidthOnly = fullWidthOnly
    }

    public var isRequired: Bool { requirement == .required }
}
