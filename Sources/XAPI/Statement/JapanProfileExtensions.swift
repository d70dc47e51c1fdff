/// The Japan xAPI profile extensions the LRS indexes (ICT CONNECT 21 Japan xAPI Profiles v1.0.0,
/// core profile; extensions under `https://w3id.org/japan-xapi/extensions/`).
///
/// Read from `context.extensions` and from the object Activity's `definition.extensions`
/// (values from both are merged, context first). Values of the wrong shape are ignored, as are
/// unknown extensions: xAPI Data §4.1.s3.b2 forbids rejecting a statement for its extension values.
public struct JapanProfileExtensions: Sendable, Hashable {
    /// The extension IRI prefix.
    public static let base = "https://w3id.org/japan-xapi/extensions/"

    /// 学年 `grade`: string array (a single string is accepted too).
    public var grades: [String] = []
    /// 教科 `subject`.
    public var subjects: [String] = []
    /// 学習指導要領コード `course-of-study-code`.
    public var courseOfStudyCodes: [String] = []
    /// 単元名 `unit`: an array in the profile, a plain string in the draft; both accepted.
    public var units: [String] = []
    /// `assessment-type`: diagnostic, formative or summative (kept as sent).
    public var assessmentType: String?

    public init() {}

    /// Whether no profile extension was found.
    public var isEmpty: Bool {
        grades.isEmpty && subjects.isEmpty && courseOfStudyCodes.isEmpty && units.isEmpty && assessmentType == nil
    }

    /// Adds the profile extensions found in `extensions` (an extensions map).
    public mutating func collect(from extensions: JSONObject) {
        for member in extensions.members where member.key.hasPrefix(Self.base) {
            switch member.key.dropFirst(Self.base.count) {
            case "grade": Self.append(member.value, to: &grades)
            case "subject": Self.append(member.value, to: &subjects)
            case "course-of-study-code": Self.append(member.value, to: &courseOfStudyCodes)
            case "unit": Self.append(member.value, to: &units)
            case "assessment-type":
                if assessmentType == nil, let text = member.value.string { assessmentType = text }
            default: continue
            }
        }
    }

    /// The profile extensions of a stored statement (context, then the object's definition).
    public init(statement: JSON) {
        if let context = statement["context"]?["extensions"]?.object { collect(from: context) }
        if let definition = statement["object"]?["definition"]?["extensions"]?.object,
            statement["object"]?["objectType"].map({ $0 == .string("Activity") }) ?? true
        {
            collect(from: definition)
        }
    }

    private static func append(_ value: JSON, to list: inout [String]) {
        switch value {
        case .string(let text):
            if !list.contains(text) { list.append(text) }
        case .array(let elements):
            for case .string(let text) in elements where !list.contains(text) { list.append(text) }
        default: break
        }
    }
}
