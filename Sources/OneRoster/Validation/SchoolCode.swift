/// 学校コード (school code, MEXT 2020): 13 characters — school type (2: a letter and a digit,
/// e.g. B1 小学校, C1 中学校), prefecture (2 digits, 01–47), ownership 設置区分 (1 digit),
/// school number (7 digits) and a check digit (1). See docs/STANDARDS.md.
public enum SchoolCode {
    /// School type prefixes of the code table (A1 幼稚園 … H2).
    public static let schoolTypes: Set<String> = [
        "A1", "A2", "B1", "C1", "C2", "D1", "D2", "E1", "F1", "F2", "G1", "H1", "H2",
    ]

    public enum Problem: Equatable, Sendable {
        case length(Int)
        case schoolType(String)
        case prefecture(String)
        case digits
    }

    /// The structural problem of `code`, or nil when it is well-formed. The check digit's
    /// algorithm is not published in the material we have, so it is required to be a digit but
    /// its value is not verified (docs/STANDARDS.md, "not checked").
    public static func problem(in code: String) -> Problem? {
        let characters = Array(code)
        guard characters.count == 13 else { return .length(characters.count) }
        let type = String(characters[0..<2])
        guard schoolTypes.contains(type) else { return .schoolType(type) }
        guard characters[2...].allSatisfy({ $0.isASCII && $0.isNumber }) else { return .digits }
        let prefecture = Int(String(characters[2..<4]))!
        guard (1...47).contains(prefecture) else { return .prefecture(String(characters[2..<4])) }
        return nil
    }
}
