/// What a tool receives about a person, chosen by the board administrator. The default is the
/// least: a pseudonymous identifier, roles and the class, nothing else.
struct ToolPrivacy: Codable, Sendable, Equatable {
    enum Subject: String, Codable, Sendable {
        /// A stable identifier per tool and person that reveals nothing (default).
        case pseudonymous
        /// The roster's sourcedId (for tools that must match the roster, e.g. by agreement).
        case roster
    }

    var sub: Subject = .pseudonymous
    /// Family and given names (kanji).
    var name = false
    /// Readings of the names (kana), in custom parameters.
    var kanaName = false
    var email = false
    /// The roster sourcedId in `lis.person_sourcedid` and `$Person.sourcedId`.
    var sourcedId = false
    /// The Japan Profile grade (`$Kakehashi.grade`).
    var grade = false
    /// The 学校コード (`$Kakehashi.schoolCode`).
    var schoolCode = false

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sub = try container.decodeIfPresent(Subject.self, forKey: .sub) ?? .pseudonymous
        name = try container.decodeIfPresent(Bool.self, forKey: .name) ?? false
        kanaName = try container.decodeIfPresent(Bool.self, forKey: .kanaName) ?? false
        email = try container.decodeIfPresent(Bool.self, forKey: .email) ?? false
        sourcedId = try container.decodeIfPresent(Bool.self, forKey: .sourcedId) ?? false
        grade = try container.decodeIfPresent(Bool.self, forKey: .grade) ?? false
        schoolCode = try container.decodeIfPresent(Bool.self, forKey: .schoolCode) ?? false
    }
}
