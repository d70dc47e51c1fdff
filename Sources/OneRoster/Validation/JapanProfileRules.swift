/// The Japan Profile's own rules (日本IMS協会 OneRoster国内適用検討部会; oneroster digest §4),
/// checked on top of the CSV binding's.
enum JapanProfileRules {
    static func check(values: [String], context: RowContext, state: inout ValidationState) {
        let positions = RosterSchema.storagePositions(context.file)
        func value(_ name: String) -> String { values[positions[name]!] }
        func fail(_ rule: Rule, _ column: String, _ ja: String, _ en: String) {
            state.report(Diagnostic(file: context.fileName, line: context.line, column: column, rule: rule, ja: ja, en: en))
        }
        let deleting = value("status") == "tobedeleted"

        switch context.file {
        case .orgs:
            let type = value("type")
            if !type.isEmpty, type != "district", type != "school" {
                fail(.jpOrgType, "type", "Japan Profile の org の type は district か school です(実際: \(type))。",
                     "In the Japan Profile an org's type is district or school (found: \(type)).")
            }
            if type == "district", !value("parentSourcedId").isEmpty {
                fail(.jpDistrictParent, "parentSourcedId", "district(教育委員会)には親組織を指定しません。",
                     "A district has no parent org in the Japan Profile.")
            }
            let code = value("identifier")
            if type == "school", !code.isEmpty, let problem = SchoolCode.problem(in: code) {
                let detail: (String, String) = switch problem {
                case .length(let count): ("\(count) 文字です", "has \(count) characters")
                case .schoolType(let type): ("学校種 \(type) は学校コード表にありません", "school type \(type) is not in the code table")
                case .prefecture(let prefecture): ("都道府県番号 \(prefecture) は 01–47 ではありません", "prefecture \(prefecture) is not 01–47")
                case .digits: ("3 文字目以降が数字ではありません", "characters 3–13 are not all digits")
                }
                fail(.jpSchoolCode, "identifier", "identifier の学校コード \"\(code)\" が正しくありません: \(detail.0)(13 文字、例 B101200000019)。",
                     "identifier \"\(code)\" is not a valid 13-character school code: it \(detail.1) (e.g. B101200000019).")
            }

        case .academicSessions:
            guard value("type") == "schoolYear" else { return }
            let title = value("title"), year = value("schoolYear")
            guard let y = Int(year) else { return }
            let expected = "\(y)年度"
            if title != expected || value("startDate") != "\(y)-04-01" || value("endDate") != "\(y + 1)-03-31" {
                fail(.jpSchoolYear, "title", "年度の学期は title \"\(expected)\"、\(y)-04-01 から \(y + 1)-03-31 までとします(実際: \(title), \(value("startDate"))–\(value("endDate")))。",
                     "A schoolYear session is titled \"\(expected)\" and runs \(y)-04-01 to \(y + 1)-03-31 (found: \(title), \(value("startDate"))–\(value("endDate"))).")
            }

        case .courses:
            if !value("courseCode").isEmpty {
                fail(.jpCourseCode, "courseCode", "Japan Profile では courseCode は空欄にします。", "The Japan Profile leaves courseCode empty.")
            }

        case .classes:
            let type = value("classType")
            if type.hasPrefix("ext:") {
                fail(.jpClassType, "classType", "Japan Profile の classType は homeroom(学級)か scheduled(授業)です。",
                     "In the Japan Profile classType is homeroom or scheduled.")
            }
            checkSchool(value("schoolSourcedId"), column: "schoolSourcedId", context: context, state: &state)

        case .users:
            if value("enabledUser") == "false" {
                fail(.jpEnabledUser, "enabledUser", "Japan Profile では enabledUser は常に true です。利用停止は status=tobedeleted で表します。",
                     "In the Japan Profile enabledUser is always true; a user leaves with status tobedeleted.")
            }
            let master = value("userMasterIdentifier")
            if master.isEmpty {
                if !deleting {
                    fail(.jpUserMasterIdentifier, "userMasterIdentifier", "userMasterIdentifier は必須です(空欄にできません)。",
                         "userMasterIdentifier is required (it may not be blank).")
                }
            } else if let first = state.userMasterIdentifiers[master] {
                fail(.jpUserMasterIdentifierDuplicate, "userMasterIdentifier", "userMasterIdentifier \"\(master)\" が重複しています(最初は \(first) 行目)。",
                     "userMasterIdentifier \"\(master)\" appears twice (first on line \(first)).")
            } else {
                state.userMasterIdentifiers[master] = context.line
            }
            if !deleting {
                for name in ["preferredGivenName", "preferredFamilyName", "metadata.jp.kanaGivenName", "metadata.jp.kanaFamilyName"] where value(name).isEmpty {
                    fail(.jpEportalRequired, name, "学習eポータル標準モデル v3/v4 では \(name) が必須です。",
                         "The 学習eポータル standard model v3/v4 requires \(name).")
                }
            }

        case .enrollments:
            let role = value("role"), primary = value("primary")
            if role == "proctor" || role.hasPrefix("ext:") {
                fail(.jpEnrollmentRole, "role", "Japan Profile の enrollments の role は student, teacher, administrator, guardian のいずれかです(実際: \(role))。",
                     "In the Japan Profile an enrollment's role is student, teacher, administrator or guardian (found: \(role)).")
            }
            if primary == "true", role != "teacher" {
                fail(.jpPrimary, "primary", "primary=true にできるのは教員 (teacher) だけです(role: \(role))。",
                     "Only teachers may have primary=true (role: \(role)).")
            }
            checkSchool(value("schoolSourcedId"), column: "schoolSourcedId", context: context, state: &state)

        case .userProfiles, .roles, .demographics:
            break
        }
    }

    /// A reference that must point at an org of type school.
    private static func checkSchool(_ id: String, column: String, context: RowContext, state: inout ValidationState) {
        guard !id.isEmpty, let type = state.orgTypes[id], type != "school" else { return }
        state.report(Diagnostic(
            file: context.fileName, line: context.line, column: column, rule: .referenceWrongType,
            ja: "\(column) の \"\(id)\" は学校 (type=school) ではなく \(type) です。",
            en: "\(column) \"\(id)\" is a \(type) org, not a school."))
    }
}
