/// The school year the generated statements describe, drawn once from the seed: students,
/// grades, subjects, units, tests and their questions (Japan xAPI profile, cmi5-style CBT), and
/// the JSON of every activity, built once so that a statement is a few concatenations.
///
/// Everything is a pure function of the seed and the actors' `homePage`, so `generate`, `ingest`
/// on the fly and the floor produce the same bytes for the same statement index.
struct StatementUniverse: Sendable {
    struct Subject: Sendable {
        var key: String
        var elementary: String
        var juniorHigh: String
        var english: String
        /// One digit of the (made-up, well-formed) 学習指導要領コード.
        var code: String
        var topics: [String]
        var prompt: String
    }

    struct Grade: Sendable {
        /// OneRoster Japan Profile grade code (P1–P6, J1–J3), as the roster has it.
        var code: String
        var japanese: String
        var english: String
        var isJuniorHigh: Bool
    }

    /// One test of one unit: the fragments every statement about it shares.
    struct Test: Sendable {
        var id: String
        /// `{"objectType":"Activity","id":…,"definition":{…}}` of the test.
        var object: String
        /// The end of `context` after `registration` for a question of this test (parent = the
        /// test, grouping = the course, category = the profile, platform, language, extensions).
        var questionContext: String
        /// The same for the test itself (parent = the unit).
        var testContext: String
        /// The unit's explanation page (`experienced`).
        var page: String
        var pageID: String
        var questions: [Question]
    }

    struct Question: Sendable {
        var id: String
        var object: String
        var interaction: Interaction
        var correct: String
        var wrong: String
    }

    enum Interaction: String, Sendable, CaseIterable {
        case choice, trueFalse = "true-false", fillIn = "fill-in", numeric
    }

    enum Verb: Int, Sendable, CaseIterable {
        case answered, attempted, completed, experienced

        var id: String {
            switch self {
            case .answered: "http://adlnet.gov/expapi/verbs/answered"
            case .attempted: "http://adlnet.gov/expapi/verbs/attempted"
            case .completed: "http://adlnet.gov/expapi/verbs/completed"
            case .experienced: "http://adlnet.gov/expapi/verbs/experienced"
            }
        }

        var json: String {
            switch self {
            case .answered: #"{"id":"http://adlnet.gov/expapi/verbs/answered","display":{"ja-JP":"解答した","en-US":"answered"}}"#
            case .attempted: #"{"id":"http://adlnet.gov/expapi/verbs/attempted","display":{"ja-JP":"取り組んだ","en-US":"attempted"}}"#
            case .completed: #"{"id":"http://adlnet.gov/expapi/verbs/completed","display":{"ja-JP":"完了した","en-US":"completed"}}"#
            case .experienced: #"{"id":"http://adlnet.gov/expapi/verbs/experienced","display":{"ja-JP":"閲覧した","en-US":"experienced"}}"#
            }
        }

        /// Share of the statements, in percent: a CBT log is mostly answers.
        var weight: Int {
            switch self {
            case .answered: 70
            case .attempted: 10
            case .completed: 10
            case .experienced: 10
            }
        }

        static func from(_ roll: Int) -> Verb {
            var rest = roll
            for verb in allCases {
                if rest < verb.weight { return verb }
                rest -= verb.weight
            }
            return .experienced
        }
    }

    static let subjects: [Subject] = [
        Subject(
            key: "japanese", elementary: "国語", juniorHigh: "国語", english: "Japanese", code: "1",
            topics: ["物語を読む", "説明文を読む", "漢字の読み書き", "敬語", "詩の鑑賞", "意見文を書く", "話し合い", "古典に親しむ", "ことわざと慣用句", "新聞を読む", "俳句と短歌", "報告文を書く"],
            prompt: "次の文章を読んで、問いに答えなさい。"),
        Subject(
            key: "math", elementary: "算数", juniorHigh: "数学", english: "Mathematics", code: "3",
            topics: ["整数の性質", "小数のかけ算", "小数のわり算", "図形の角", "分数のたし算とひき算", "割合", "速さ", "面積", "体積", "比例", "データの活用", "文字と式"],
            prompt: "次の計算をしなさい。答えは最も簡単な形で書きなさい。"),
        Subject(
            key: "science", elementary: "理科", juniorHigh: "理科", english: "Science", code: "4",
            topics: ["天気の変化", "植物の発芽と成長", "魚のたんじょう", "流れる水のはたらき", "電流と電磁石", "ものの溶け方", "振り子の運動", "月と太陽", "てこのはたらき", "水溶液の性質", "生物と環境", "大地のつくり"],
            prompt: "実験の結果から分かることを選びなさい。"),
        Subject(
            key: "social", elementary: "社会", juniorHigh: "社会", english: "Social studies", code: "2",
            topics: ["日本の国土", "食料生産", "工業生産", "情報と社会", "自然災害", "地図の見方", "歴史の始まり", "武士の世の中", "江戸時代", "明治の国づくり", "政治のしくみ", "世界の国々"],
            prompt: "資料を見て、正しいものを答えなさい。"),
        Subject(
            key: "english", elementary: "外国語", juniorHigh: "英語", english: "English", code: "9",
            topics: ["自己紹介", "好きなもの", "一日の生活", "できること", "道案内", "行きたい国", "夏休みの思い出", "将来の夢", "買い物", "季節と行事", "学校生活", "友だち紹介"],
            prompt: "音声を聞いて、内容に合うものを選びなさい。"),
    ]

    static let grades: [Grade] = [
        Grade(code: "P3", japanese: "小学3年", english: "elementary grade 3", isJuniorHigh: false),
        Grade(code: "P4", japanese: "小学4年", english: "elementary grade 4", isJuniorHigh: false),
        Grade(code: "P5", japanese: "小学5年", english: "elementary grade 5", isJuniorHigh: false),
        Grade(code: "P6", japanese: "小学6年", english: "elementary grade 6", isJuniorHigh: false),
        Grade(code: "J1", japanese: "中学1年", english: "junior high grade 1", isJuniorHigh: true),
        Grade(code: "J2", japanese: "中学2年", english: "junior high grade 2", isJuniorHigh: true),
        Grade(code: "J3", japanese: "中学3年", english: "junior high grade 3", isJuniorHigh: true),
    ]

    static let testsPerUnit = 3
    static let questionsPerTest = 10
    static let activityBase = "https://cbt.example.jp/activities"
    static let profile = "https://w3id.org/japan-xapi/profiles/core"
    static let extensionBase = "https://w3id.org/japan-xapi/extensions/"

    let seed: UInt64
    let homePage: String
    /// `homePage` as a JSON string.
    let homePageJSON: String
    /// The students' `account.name`s (version 4 UUIDs, as a roster's sourcedIds are).
    let students: [String]
    /// `tests[grade][subject][unit][test]`.
    let tests: [[[[Test]]]]
    /// The days statements fall on (08:30–16:00 JST).
    let schoolDays: [SchoolDay]

    /// Statements whose actor is `students[s]` are about the tests of `grades[s % grades.count]`.
    func grade(ofStudent student: Int) -> Int { student % Self.grades.count }

    init(seed: UInt64, homePage: String, studentCount: Int) {
        self.seed = seed
        self.homePage = homePage
        homePageJSON = JSONText.string(homePage)
        var names = SplitMix64(seed: seed, stream: 1, index: 0)
        students = (0..<studentCount).map { _ in names.uuid() }
        schoolDays = Self.schoolYear()
        var tests: [[[[Test]]]] = []
        for (gradeIndex, grade) in Self.grades.enumerated() {
            var bySubject: [[[Test]]] = []
            for subject in Self.subjects {
                var byUnit: [[Test]] = []
                for (unitIndex, topic) in subject.topics.enumerated() {
                    byUnit.append((0..<Self.testsPerUnit).map { testIndex in
                        Self.test(grade: grade, gradeIndex: gradeIndex, subject: subject, unit: unitIndex, topic: topic, test: testIndex)
                    })
                }
                bySubject.append(byUnit)
            }
            tests.append(bySubject)
        }
        self.tests = tests
    }

    // MARK: - Activities

    private static func test(grade: Grade, gradeIndex: Int, subject: Subject, unit: Int, topic: String, test: Int) -> Test {
        let subjectName = grade.isJuniorHigh ? subject.juniorHigh : subject.elementary
        let unitNumber = unit + 1
        let course = "\(activityBase)/\(grade.code.lowercased())/\(subject.key)"
        let unitID = "\(course)/unit-\(two(unitNumber))"
        let testID = "\(unitID)/test-\(test + 1)"
        let testName = test == testsPerUnit - 1 ? "単元テスト" : "確認テスト\(test + 1)"
        let testEnglish = test == testsPerUnit - 1 ? "unit test" : "check test \(test + 1)"
        let assessment = test == testsPerUnit - 1 ? "summative" : (unit == 0 && test == 0 ? "diagnostic" : "formative")
        // 学習指導要領コード: 16 digits, made up but well formed (school type, subject, grade, unit, item).
        let courseOfStudy = "8\(grade.isJuniorHigh ? "3" : "2")\(subject.code)\(two(gradeIndex + 3))\(two(unitNumber))\(two(test + 1))0000000"
        let unitTitle = "第\(unitNumber)単元 \(topic)"

        let extensions =
            #"{"\#(extensionBase)grade":["\#(grade.code)"],"\#(extensionBase)subject":["\#(subjectName)"],"#
            + #""\#(extensionBase)course-of-study-code":["\#(courseOfStudy)"],"\#(extensionBase)unit":["\#(unitTitle)"],"#
            + #""\#(extensionBase)assessment-type":"\#(assessment)"}"#
        let category = #"[{"objectType":"Activity","id":"\#(profile)","definition":{"type":"http://adlnet.gov/expapi/activities/profile"}}]"#
        // Context activities by id and type: their names travel with the statements about them.
        let courseActivity = #"{"objectType":"Activity","id":"\#(course)","definition":{"type":"http://adlnet.gov/expapi/activities/course"}}"#
        let tail = #","platform":"Kakehashi CBT (benchmark)","language":"ja-JP","extensions":\#(extensions)}"#
        let testObject =
            #"{"objectType":"Activity","id":"\#(testID)","definition":{"name":{"ja-JP":"\#(subjectName) \#(grade.japanese) \#(unitTitle) \#(testName)","en-US":"\#(subject.english), \#(grade.english), unit \#(unitNumber), \#(testEnglish)"},"description":{"ja-JP":"\#(topic)の\#(testName)(\#(questionsPerTest)問)","en-US":"\#(questionsPerTest) questions"},"type":"http://adlnet.gov/expapi/activities/assessment"}}"#
        let unitActivity = #"{"objectType":"Activity","id":"\#(unitID)","definition":{"type":"http://adlnet.gov/expapi/activities/module"}}"#
        let testParent = #"{"objectType":"Activity","id":"\#(testID)","definition":{"type":"http://adlnet.gov/expapi/activities/assessment"}}"#
        let questionContext = #","contextActivities":{"parent":[\#(testParent)],"grouping":[\#(courseActivity)],"category":\#(category)}"# + tail
        let testContext = #","contextActivities":{"parent":[\#(unitActivity)],"grouping":[\#(courseActivity)],"category":\#(category)}"# + tail
        let pageID = "\(unitID)/explanation"
        let page =
            #"{"objectType":"Activity","id":"\#(pageID)","definition":{"name":{"ja-JP":"解説: \#(topic)","en-US":"Explanation, unit \#(unitNumber)"},"type":"http://activitystrea.ms/schema/1.0/page"}}"#

        let questions = (0..<questionsPerTest).map { index -> Question in
            let interaction = Interaction.allCases[index % Interaction.allCases.count]
            let id = "\(testID)/q-\(two(index + 1))"
            let name =
                #""name":{"ja-JP":"\#(subjectName) \#(grade.japanese) \#(unitTitle) \#(testName) 問\#(index + 1)","en-US":"\#(subject.english), \#(grade.english), unit \#(unitNumber), \#(testEnglish), question \#(index + 1)"},"description":{"ja-JP":"\#(subject.prompt)","en-US":"Question \#(index + 1) of \#(questionsPerTest)"}"#
            var definition = name + #","type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"\#(interaction.rawValue)""#
            let correct: String
            let wrong: String
            switch interaction {
            case .choice:
                let letters = ["a", "b", "c", "d"]
                correct = letters[(unit + test + index) % 4]
                wrong = letters[(unit + test + index + 1) % 4]
                let labels = ["ア", "イ", "ウ", "エ"]
                let choices = zip(letters, labels).map { #"{"id":"\#($0)","description":{"ja-JP":"\#($1)","en-US":"\#($0.uppercased())"}}"# }
                definition += #","correctResponsesPattern":["\#(correct)"],"choices":[\#(choices.joined(separator: ","))]"#
            case .trueFalse:
                correct = (unit + index) % 2 == 0 ? "true" : "false"
                wrong = correct == "true" ? "false" : "true"
                definition += #","correctResponsesPattern":["\#(correct)"]"#
            case .fillIn:
                correct = topic
                wrong = String(topic.prefix(2))
                definition += #","correctResponsesPattern":["\#(correct)"]"#
            case .numeric:
                correct = "\(12 + unit * 3 + index)"
                wrong = "\(13 + unit * 3 + index)"
                definition += #","correctResponsesPattern":["\#(correct)"]"#
            }
            let object = #"{"objectType":"Activity","id":"\#(id)","definition":{\#(definition)}}"#
            return Question(id: id, object: object, interaction: interaction, correct: correct, wrong: wrong)
        }
        return Test(
            id: testID, object: testObject, questionContext: questionContext, testContext: testContext, page: page, pageID: pageID,
            questions: questions)
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    // MARK: - The school year

    struct SchoolDay: Sendable {
        /// `2025-06-12` (the date in Japan).
        var date: String
        /// Seconds since 1970 of that day's 00:00 JST.
        var midnight: Int64
    }

    /// The school year 2025 (令和7年度), 2025-04-07 (Mon) to 2026-03-19 (Thu), weekdays, less the
    /// summer (August) and winter (Dec 26 – Jan 7) holidays (219 days): all in the past, as a year's log is.
    static func schoolYear() -> [SchoolDay] {
        var days: [SchoolDay] = []
        var (year, month, day) = (2025, 4, 7)
        var ordinal: Int64 = 20185  // days since 1970-01-01 of 2025-04-07, a Monday
        var weekday = 0  // 0 = Monday
        while (year, month, day) <= (2026, 3, 19) {
            let holiday = month == 8 || (month == 12 && day >= 26) || (month == 1 && day <= 7)
            if weekday < 5, !holiday {
                days.append(SchoolDay(date: "\(year)-\(two(month))-\(two(day))", midnight: ordinal * 86_400 - 9 * 3_600))
            }
            ordinal += 1
            weekday = (weekday + 1) % 7
            day += 1
            if day > monthLength(year, month) {
                day = 1
                month += 1
                if month > 12 {
                    month = 1
                    year += 1
                }
            }
        }
        return days
    }

    private static func monthLength(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
