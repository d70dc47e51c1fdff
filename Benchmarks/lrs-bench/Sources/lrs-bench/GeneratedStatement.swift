/// One generated statement: its JSON (compact, one line) and the values the floor indexes.
struct GeneratedStatement: Sendable {
    var id: String
    /// Index into ``StatementUniverse/students``.
    var student: Int
    var verb: StatementUniverse.Verb
    var activityID: String
    var registration: String
    /// Microseconds since 1970 of `timestamp`.
    var timestampMicroseconds: Int64
    var json: String
}

extension StatementUniverse {
    /// Statement `index` of this seed: the same bytes every time.
    ///
    /// A student of grade g takes g's tests: `attempted` a test, `answered` its questions
    /// (cmi.interaction with result score, success, response, duration), `completed` it (score
    /// over the test, success, completion, duration), `experienced` the unit's explanation page.
    /// The registration is one attempt of one student at one test (three attempts each).
    func statement(_ index: UInt64) -> GeneratedStatement {
        var random = SplitMix64(seed: seed, stream: 2, index: index)
        let id = random.uuid()
        let student = random.below(students.count)
        let grade = grade(ofStudent: student)
        let subject = random.below(Self.subjects.count)
        let unit = random.below(Self.subjects[subject].topics.count)
        let testIndex = random.below(Self.testsPerUnit)
        let test = tests[grade][subject][unit][testIndex]
        let verb = Verb.from(random.below(100))
        let attempt = random.below(3)
        var attemptRandom = SplitMix64(
            seed: seed, stream: 3, index: UInt64(student) << 24 | UInt64(subject) << 16 | UInt64(unit) << 8 | UInt64(testIndex) << 2 | UInt64(attempt))
        let registration = attemptRandom.uuid()

        let day = schoolDays[random.below(schoolDays.count)]
        let secondOfDay = 8 * 3_600 + 30 * 60 + random.below(7 * 3_600 + 30 * 60)
        let millisecond = random.below(1000)
        let timestamp =
            "\(day.date)T\(Self.two(secondOfDay / 3_600)):\(Self.two(secondOfDay / 60 % 60)):\(Self.two(secondOfDay % 60))."
            + Self.three(millisecond) + "+09:00"
        let microseconds = (day.midnight + Int64(secondOfDay)) * 1_000_000 + Int64(millisecond) * 1_000

        var json = ""
        json.reserveCapacity(2_400)
        json += #"{"id":""# + id + #"","actor":{"objectType":"Agent","account":{"homePage":"# + homePageJSON
        json += #","name":""# + students[student] + #""}},"verb":"# + verb.json + #","object":"#
        let activityID: String
        switch verb {
        case .answered:
            let question = test.questions[random.below(test.questions.count)]
            activityID = question.id
            json += question.object
            let right = random.below(100) < 70
            let partial = !right && question.interaction == .fillIn && random.below(2) == 0
            let raw = right ? 10 : (partial ? 5 : 0)
            let scaled = right ? "1" : (partial ? "0.5" : "0")
            let seconds = 5 + random.below(115)
            json += #","result":{"score":{"scaled":\#(scaled),"raw":\#(raw),"min":0,"max":10},"success":\#(right),"#
            json += #""response":"\#(right ? question.correct : question.wrong)","duration":"PT\#(seconds).\#(random.below(10))S"}"#
            json += #","context":{"registration":""# + registration + "\"" + test.questionContext
        case .attempted:
            activityID = test.id
            json += test.object
            json += #","context":{"registration":""# + registration + "\"" + test.testContext
        case .completed:
            activityID = test.id
            json += test.object
            let correct = random.below(11)
            let scaled = correct == 10 ? "1" : "0.\(correct)"
            json += #","result":{"score":{"scaled":\#(scaled),"raw":\#(correct * 10),"min":0,"max":100},"success":\#(correct >= 6),"#
            json += #""completion":true,"duration":"PT\#(5 + random.below(25))M\#(random.below(60))S"}"#
            json += #","context":{"registration":""# + registration + "\"" + test.testContext
        case .experienced:
            activityID = test.pageID
            json += test.page
            json += #","result":{"duration":"PT\#(1 + random.below(9))M\#(random.below(60))S"}"#
            json += #","context":{"registration":""# + registration + "\"" + test.testContext
        }
        json += #","timestamp":""# + timestamp + "\"}"
        return GeneratedStatement(
            id: id, student: student, verb: verb, activityID: activityID, registration: registration, timestampMicroseconds: microseconds,
            json: json)
    }

    /// The `agent` query parameter for student `index`.
    func agentJSON(student index: Int) -> String {
        #"{"objectType":"Agent","account":{"homePage":"# + homePageJSON + #","name":""# + students[index] + #""}}"#
    }

    static func three(_ value: Int) -> String { value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)" }
}
