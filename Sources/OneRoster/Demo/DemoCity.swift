/// A deterministic synthetic roster for a fictional city (かけはし市): one board of education,
/// elementary and junior high schools, the 2026年度 school year, one course per grade, homeroom
/// classes (学級) of 30–35 students, students, homeroom teachers, principals and one board
/// administrator (指導主事) — written as a
/// Japan Profile OneRoster CSV package through ``PackageBuilder``.
///
/// The same options always give byte-identical files (all randomness comes from a seeded
/// SplitMix64, never from the system), so the packages serve as fixtures, demo data and load
/// tests (250 schools × 1,000 students is about 1.1 million rows).
///
/// Layout, in brief:
/// - Schools: about two thirds 小学校 (P1–P6), one third 中学校 (J1–J3); `identifier` is a
///   13-character 学校コード (B1/C1, prefecture 14, ownership 2 = municipal).
/// - A school's students are spread evenly over its grades; a grade gets as few classes as keep
///   each at most 35 (35人学級), which gives 30–35 per class whenever such a split exists (a grade
///   below 30 students is one class; e.g. 40 students become two classes of 20).
/// - 出席番号 (`metadata.jp.shussekiNo`) runs 1…n in each class in kana order of the names.
public struct DemoCity: Sendable {
    public struct Options: Sendable {
        public var schools: Int
        public var studentsPerSchool: Int
        public var seed: UInt64
        public var profile: Profile
        public var cityName: String

        public init(schools: Int, studentsPerSchool: Int, seed: UInt64 = 1, profile: Profile = .japanK12, cityName: String = "かけはし市") {
            self.schools = schools
            self.studentsPerSchool = studentsPerSchool
            self.seed = seed
            self.profile = profile
            self.cityName = cityName
        }
    }

    /// A full bulk package: orgs, academicSessions, courses, classes, users, roles, enrollments
    /// and demographics, all `bulk`, with `status` and `dateLastModified` blank.
    public static func generate(_ options: Options) -> PackageBuilder {
        let city = CityPlan(options)
        var builder = PackageBuilder(profile: options.profile, sourceSystemName: sourceSystemName)
        var out = DemoEmitter(builder: builder, timestamp: "")

        out.org(id: city.districtId, status: "", name: city.districtName, type: "district", identifier: "", parent: "")
        out.session(id: city.sessionId, status: "")
        // One 指導主事 of the board of education (a board administrator), on a stream of its own so
        // the schools come out as before.
        var boardStream = SplitMix64(seed: options.seed, stream: 0xB0A2D)
        let boardAdmin = CityPlan.makePerson(&boardStream, username: "b1000001", enrolled: false)
        out.user(boardAdmin, status: "", school: city.districtId, grade: "", homeClass: "")
        out.role(boardAdmin, status: "", role: "districtAdministrator", school: city.districtId)
        for index in 0..<city.schoolCount {
            let school = city.school(index)
            out.org(id: school.sourcedId, status: "", name: school.name, type: "school", identifier: school.code, parent: city.districtId)
            for (grade, courseId) in school.courseIds.enumerated() {
                out.course(id: courseId, title: gradeTitles[grade], grade: school.kind.gradeCodes[grade], school: school.sourcedId, session: city.sessionId)
            }
            for room in school.classes {
                out.homeroom(room, school: school, courseId: school.courseIds[room.grade], session: city.sessionId)
            }
            let principal = school.principal
            out.user(principal, status: "", school: school.sourcedId, grade: "", homeClass: "")
            out.role(principal, status: "", role: "principal", school: school.sourcedId)
            for room in school.classes {
                out.user(room.teacher, status: "", school: school.sourcedId, grade: "", homeClass: "")
                out.role(room.teacher, status: "", role: "teacher", school: school.sourcedId)
                out.teacherEnrollment(room.teacher, status: "", classId: room.sourcedId, school: school.sourcedId)
            }
            for student in school.students {
                let room = school.classes[student.classIndex]
                out.student(student, status: "", school: school, room: room)
            }
        }
        out.finish(into: &builder, mode: .bulk)
        return builder
    }

    /// A delta package against the bulk package `generate(base)` produces: about
    /// `changeFraction` of the students get a changed users row (a new family name and reading —
    /// e.g. after a change of custody — or a new e-mail address); per school about a tenth of
    /// that fraction (at least one) transfer out (users, roles, enrollments and demographics rows
    /// with status `tobedeleted`) and as many transfer in (all four rows, `active`, 出席番号 after
    /// the last of the class). Every row has a status and `dateLastModified`
    /// (`2026-11-28T09:00:00.000Z`); files without rows are left out. A `changeFraction` of 0
    /// gives a manifest-only package ("no changes").
    public static func generateDelta(base: Options, changeFraction: Double, seed: UInt64) -> PackageBuilder {
        let city = CityPlan(base)
        let fraction = changeFraction.isNaN ? 0 : min(max(changeFraction, 0), 1)
        var builder = PackageBuilder(profile: base.profile, sourceSystemName: sourceSystemName)
        var out = DemoEmitter(builder: builder, timestamp: deltaTimestamp)
        var newStudentNumber = city.schoolCount * city.studentsPerSchool

        for index in 0..<city.schoolCount {
            let school = city.school(index)
            var rng = SplitMix64(seed: seed ^ 0xDE17_A000_0000_0000, stream: UInt64(index + 1))
            let count = school.students.count
            let transfers = fraction > 0 && count > 0 ? min(count, max(1, Int((Double(count) * fraction / 10).rounded()))) : 0

            // Transfers out: a partial Fisher–Yates draw of distinct students.
            var leaving = [Bool](repeating: false, count: count)
            var order = Array(0..<count)
            for pick in 0..<transfers {
                let other = pick + rng.next(below: count - pick)
                order.swapAt(pick, other)
                leaving[order[pick]] = true
            }

            for (position, student) in school.students.enumerated() {
                let room = school.classes[student.classIndex]
                if leaving[position] {
                    out.student(student, status: "tobedeleted", school: school, room: room)
                    continue
                }
                guard rng.nextUnit() < fraction else { continue }
                var changed = student
                var email: String?
                if rng.next(below: 3) < 2 {
                    let families = JapaneseNames.family.count
                    changed.person.family = (student.person.family + 1 + rng.next(below: families - 1)) % families
                } else {
                    email = student.person.username + "@mail." + emailDomain
                }
                out.user(changed.person, status: "active", school: school.sourcedId, grade: school.kind.gradeCodes[student.grade], homeClass: room.sourcedId, email: email)
            }

            // Transfers in: a new student at the end of a random class's attendance list.
            var added = [Int](repeating: 0, count: school.classes.count)
            for _ in 0..<transfers {
                let classIndex = rng.next(below: school.classes.count)
                let room = school.classes[classIndex]
                added[classIndex] += 1
                newStudentNumber += 1
                let student = city.makeStudent(&rng, kind: school.kind, grade: room.grade, classIndex: classIndex, number: newStudentNumber,
                                               attendanceNumber: room.students.count + added[classIndex])
                out.student(student, status: "active", school: school, room: room)
            }
        }
        out.finish(into: &builder, mode: .delta)
        return builder
    }

    static let sourceSystemName = "Kakehashi DemoCity"
    static let schoolYear = 2026
    static let deltaTimestamp = "2026-11-28T09:00:00.000Z"
    static let emailDomain = "kakehashi.example"
    static let userIdType = "Kakehashi"
    /// 学校コード prefecture digits (14 = 神奈川県) and ownership (2 = 公立, municipal).
    static let prefectureCode = "14"
    static let ownershipCode = "2"
    static let gradeTitles = (1...6).map { "第\($0)学年" }

    /// The 13-character 学校コード for a school number.
    static func schoolCode(kind: SchoolKind, number: Int) -> String {
        let body = kind.schoolTypeCode + prefectureCode + ownershipCode + DemoText.zeroPadded(number, width: 7)
        return body + String(demoCheckDigit(for: body))
    }

    /// The demo's own check digit: the sum of the digits after the type letter, mod 10. MEXT's
    /// check-digit algorithm is not in the material we have (docs/STANDARDS.md), so these codes are
    /// well-formed but fictional, like the city.
    private static func demoCheckDigit(for body: String) -> Character {
        let sum = body.utf8.dropFirst().reduce(0) { sum, byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? sum + Int(byte - UInt8(ascii: "0")) : sum
        }
        return Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8(sum % 10)))
    }
}

// MARK: - Model

enum SchoolKind: Sendable {
    case elementary
    case juniorHigh

    var gradeCodes: [String] { self == .elementary ? Self.elementaryGrades : Self.juniorHighGrades }
    var schoolTypeCode: String { self == .elementary ? "B1" : "C1" }
    var nameSuffix: String { self == .elementary ? "小学校" : "中学校" }
    /// Years of schooling before the first grade (中1 is the 7th year).
    var yearsBefore: Int { self == .elementary ? 0 : 6 }

    private static let elementaryGrades = (1...6).map { "P\($0)" }
    private static let juniorHighGrades = (1...3).map { "J\($0)" }
}

/// A user with the identifiers of their users, roles and enrollments rows.
struct DemoPerson: Sendable {
    let sourcedId: String
    let masterIdentifier: String
    let username: String
    var family: Int
    let given: Int
    let female: Bool
    let roleId: String
    /// "" for principals, who have no class.
    let enrollmentId: String

    var familyName: JapaneseName { JapaneseNames.family[family] }
    var givenName: JapaneseName { female ? JapaneseNames.girls[given] : JapaneseNames.boys[given] }
}

struct DemoStudent: Sendable {
    var person: DemoPerson
    let grade: Int
    let classIndex: Int
    let birthDate: String
    var attendanceNumber: Int
}

struct DemoClass: Sendable {
    let sourcedId: String
    let grade: Int
    let title: String
    let teacher: DemoPerson
    /// The class's students: positions in ``DemoSchool/students``, in 出席番号 order.
    let students: Range<Int>
}

struct DemoSchool: Sendable {
    let kind: SchoolKind
    let sourcedId: String
    let name: String
    let code: String
    let courseIds: [String]
    let principal: DemoPerson
    let classes: [DemoClass]
    let students: [DemoStudent]
}

/// The city-wide layout, from which each school is rebuilt on demand (deterministically, from
/// its own random stream), so neither generation nor a delta holds more than one school.
struct CityPlan: Sendable {
    let options: DemoCity.Options
    let schoolCount: Int
    let studentsPerSchool: Int
    let elementaryCount: Int
    let districtId: String
    let districtName: String
    let sessionId: String
    /// Per kind, per grade: the size of each class.
    let elementaryClasses: [[Int]]
    let juniorHighClasses: [[Int]]
    /// The number of teachers (principal and homeroom teachers) in the schools before each.
    private let teacherOffsets: [Int]

    init(_ options: DemoCity.Options) {
        self.options = options
        schoolCount = max(0, options.schools)
        studentsPerSchool = max(0, options.studentsPerSchool)
        elementaryCount = (2 * schoolCount + 1) / 3
        var rng = SplitMix64(seed: options.seed, stream: 0)
        districtId = rng.uuid()
        sessionId = rng.uuid()
        districtName = options.cityName + "教育委員会"
        elementaryClasses = Self.classSizes(students: studentsPerSchool, grades: 6)
        juniorHighClasses = Self.classSizes(students: studentsPerSchool, grades: 3)
        var offsets: [Int] = []
        offsets.reserveCapacity(schoolCount)
        var teachers = 0
        let perElementary = 1 + elementaryClasses.reduce(0) { $0 + $1.count }
        let perJuniorHigh = 1 + juniorHighClasses.reduce(0) { $0 + $1.count }
        for index in 0..<schoolCount {
            offsets.append(teachers)
            teachers += index < elementaryCount ? perElementary : perJuniorHigh
        }
        teacherOffsets = offsets
    }

    /// Students spread evenly over the grades (the first grades take the remainder), each grade
    /// in as few classes as keep them at most 35, sizes differing by at most one.
    static func classSizes(students: Int, grades: Int) -> [[Int]] {
        (0..<grades).map { grade in
            let count = students / grades + (grade < students % grades ? 1 : 0)
            let classes = max(1, (count + 34) / 35)
            return (0..<classes).map { count / classes + ($0 < count % classes ? 1 : 0) }
        }
    }

    func kind(of index: Int) -> SchoolKind { index < elementaryCount ? .elementary : .juniorHigh }

    /// Builds school `index` (0-based; elementary schools first).
    func school(_ index: Int) -> DemoSchool {
        var rng = SplitMix64(seed: options.seed, stream: UInt64(index + 1))
        let kind = self.kind(of: index)
        let ordinal = kind == .elementary ? index + 1 : index - elementaryCount + 1
        let numeral = ordinal < 10_000 ? DemoText.kanjiNumeral(ordinal) : String(ordinal)
        let sourcedId = rng.uuid()
        let courseIds = kind.gradeCodes.map { _ in rng.uuid() }

        var teacherNumber = teacherOffsets[index]
        func nextTeacher(_ rng: inout SplitMix64, enrolled: Bool) -> DemoPerson {
            teacherNumber += 1
            return Self.makePerson(&rng, username: "t" + String(1_000_000 + teacherNumber), enrolled: enrolled)
        }
        let principal = nextTeacher(&rng, enrolled: false)

        let sizes = kind == .elementary ? elementaryClasses : juniorHighClasses
        var classes: [DemoClass] = []
        var students: [DemoStudent] = []
        students.reserveCapacity(studentsPerSchool)
        var studentNumber = index * studentsPerSchool
        for (grade, gradeSizes) in sizes.enumerated() {
            for (number, size) in gradeSizes.enumerated() {
                let classId = rng.uuid()
                let teacher = nextTeacher(&rng, enrolled: true)
                let first = students.count
                for _ in 0..<size {
                    studentNumber += 1
                    students.append(makeStudent(&rng, kind: kind, grade: grade, classIndex: classes.count, number: studentNumber, attendanceNumber: 0))
                }
                Self.assignAttendanceNumbers(&students, first..<students.count)
                classes.append(DemoClass(sourcedId: classId, grade: grade, title: "\(grade + 1)年\(number + 1)組", teacher: teacher, students: first..<students.count))
            }
        }
        return DemoSchool(kind: kind, sourcedId: sourcedId, name: options.cityName + "立第" + numeral + kind.nameSuffix,
                          code: DemoCity.schoolCode(kind: kind, number: 100_000 + ordinal), courseIds: courseIds,
                          principal: principal, classes: classes, students: students)
    }

    /// A student, `number` being their city-wide number (username `s` + 1,000,000 + number).
    func makeStudent(_ rng: inout SplitMix64, kind: SchoolKind, grade: Int, classIndex: Int, number: Int, attendanceNumber: Int) -> DemoStudent {
        let person = Self.makePerson(&rng, username: "s" + String(1_000_000 + number), enrolled: true)
        // Born between 04-02 and the next 04-01 (早生まれ), so that the student is in
        // `schoolYear - (6 + years)` years of age on 2026-04-01.
        let years = kind.yearsBefore + grade + 1
        let firstDay = DemoText.days(year: DemoCity.schoolYear - 6 - years, month: 4, day: 2)
        let lastDay = DemoText.days(year: DemoCity.schoolYear - 5 - years, month: 4, day: 1)
        let birth = DemoText.civil(fromDays: firstDay + rng.next(below: lastDay - firstDay + 1))
        return DemoStudent(person: person, grade: grade, classIndex: classIndex,
                           birthDate: DemoText.date(year: birth.year, month: birth.month, day: birth.day),
                           attendanceNumber: attendanceNumber)
    }

    static func makePerson(_ rng: inout SplitMix64, username: String, enrolled: Bool) -> DemoPerson {
        let sourcedId = rng.uuid()
        let masterIdentifier = rng.uuid()
        let female = rng.next() & 1 == 1
        let family = rng.next(below: JapaneseNames.family.count)
        let given = rng.next(below: female ? JapaneseNames.girls.count : JapaneseNames.boys.count)
        let roleId = rng.uuid()
        let enrollmentId = enrolled ? rng.uuid() : ""
        return DemoPerson(sourcedId: sourcedId, masterIdentifier: masterIdentifier, username: username, family: family,
                          given: given, female: female, roleId: roleId, enrollmentId: enrollmentId)
    }

    /// Sorts a class by reading (family, then given name; ties keep their order) and numbers it 1…n.
    static func assignAttendanceNumbers(_ students: inout [DemoStudent], _ range: Range<Int>) {
        func key(_ student: DemoStudent) -> (Int, Int) {
            let person = student.person
            let given = person.female ? JapaneseNames.girlRank[person.given] : JapaneseNames.boyRank[person.given]
            return (JapaneseNames.familyRank[person.family], given)
        }
        let sorted = range.map { (key(students[$0]), $0) }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var ordered = sorted.map { students[$0.1] }
        for position in ordered.indices { ordered[position].attendanceNumber = position + 1 }
        students.replaceSubrange(range, with: ordered)
    }
}

// MARK: - Rows

/// Writes the generator's rows, one ``RosterRecord`` at a time, in canonical column order
/// (positions looked up once, no per-row dictionaries).
struct DemoEmitter {
    private var orgs: PackageBuilder.FileWriter
    private var sessions: PackageBuilder.FileWriter
    private var courses: PackageBuilder.FileWriter
    private var classes: PackageBuilder.FileWriter
    private var users: PackageBuilder.FileWriter
    private var roles: PackageBuilder.FileWriter
    private var enrollments: PackageBuilder.FileWriter
    private var demographics: PackageBuilder.FileWriter
    /// `dateLastModified` of every row: "" in bulk packages.
    private let timestamp: String
    private let columns = Columns()

    init(builder: PackageBuilder, timestamp: String) {
        orgs = builder.makeWriter(for: .orgs)
        sessions = builder.makeWriter(for: .academicSessions)
        courses = builder.makeWriter(for: .courses)
        classes = builder.makeWriter(for: .classes)
        users = builder.makeWriter(for: .users)
        roles = builder.makeWriter(for: .roles)
        enrollments = builder.makeWriter(for: .enrollments)
        demographics = builder.makeWriter(for: .demographics)
        self.timestamp = timestamp
    }

    func finish(into builder: inout PackageBuilder, mode: FileMode) {
        for writer in [orgs, sessions, courses, classes, users, roles, enrollments, demographics] {
            builder.add(writer, mode: mode)
        }
    }

    private func row(_ blank: [String], id: String, status: String) -> [String] {
        var values = blank
        values[0] = id
        values[1] = status
        values[2] = timestamp
        return values
    }

    mutating func org(id: String, status: String, name: String, type: String, identifier: String, parent: String) {
        let c = columns.orgs
        var v = row(c.blank, id: id, status: status)
        v[c.name] = name
        v[c.type] = type
        v[c.identifier] = identifier
        v[c.parentSourcedId] = parent
        orgs.append(RosterRecord(file: .orgs, values: v))
    }

    mutating func session(id: String, status: String) {
        let c = columns.sessions
        var v = row(c.blank, id: id, status: status)
        v[c.title] = "\(DemoCity.schoolYear)年度"
        v[c.type] = "schoolYear"
        v[c.startDate] = "\(DemoCity.schoolYear)-04-01"
        v[c.endDate] = "\(DemoCity.schoolYear + 1)-03-31"
        v[c.schoolYear] = String(DemoCity.schoolYear)
        sessions.append(RosterRecord(file: .academicSessions, values: v))
    }

    mutating func course(id: String, title: String, grade: String, school: String, session: String) {
        let c = columns.courses
        var v = row(c.blank, id: id, status: "")
        v[c.schoolYearSourcedId] = session
        v[c.title] = title
        v[c.grades] = grade
        v[c.orgSourcedId] = school
        courses.append(RosterRecord(file: .courses, values: v))
    }

    mutating func homeroom(_ room: DemoClass, school: DemoSchool, courseId: String, session: String) {
        let c = columns.classes
        var v = row(c.blank, id: room.sourcedId, status: "")
        v[c.title] = room.title
        v[c.grades] = school.kind.gradeCodes[room.grade]
        v[c.courseSourcedId] = courseId
        v[c.classType] = "homeroom"
        v[c.schoolSourcedId] = school.sourcedId
        v[c.termSourcedIds] = session
        v[c.specialNeeds] = "false"
        classes.append(RosterRecord(file: .classes, values: v))
    }

    mutating func user(_ person: DemoPerson, status: String, school: String, grade: String, homeClass: String, email: String? = nil) {
        let c = columns.users
        let given = person.givenName
        let family = person.familyName
        var v = row(c.blank, id: person.sourcedId, status: status)
        v[c.enabledUser] = "true"
        v[c.username] = person.username
        v[c.userIds] = "{" + DemoCity.userIdType + ":" + person.username + "}"
        v[c.givenName] = given.kanji
        v[c.familyName] = family.kanji
        v[c.email] = email ?? person.username + "@" + DemoCity.emailDomain
        v[c.grades] = grade
        v[c.userMasterIdentifier] = person.masterIdentifier
        v[c.preferredGivenName] = given.kanji
        v[c.preferredFamilyName] = family.kanji
        v[c.primaryOrgSourcedId] = school
        v[c.kanaGivenName] = given.kana
        v[c.kanaFamilyName] = family.kana
        v[c.homeClass] = homeClass
        v[c.kanaPreferredGivenName] = given.kana
        v[c.kanaPreferredFamilyName] = family.kana
        users.append(RosterRecord(file: .users, values: v))
    }

    mutating func role(_ person: DemoPerson, status: String, role: String, school: String) {
        let c = columns.roles
        var v = row(c.blank, id: person.roleId, status: status)
        v[c.userSourcedId] = person.sourcedId
        v[c.roleType] = "primary"
        v[c.role] = role
        v[c.orgSourcedId] = school
        roles.append(RosterRecord(file: .roles, values: v))
    }

    mutating func teacherEnrollment(_ person: DemoPerson, status: String, classId: String, school: String) {
        let c = columns.enrollments
        var v = row(c.blank, id: person.enrollmentId, status: status)
        v[c.classSourcedId] = classId
        v[c.schoolSourcedId] = school
        v[c.userSourcedId] = person.sourcedId
        v[c.role] = "teacher"
        v[c.primary] = "true"
        v[c.beginDate] = columns.beginDate
        enrollments.append(RosterRecord(file: .enrollments, values: v))
    }

    /// A student's users, roles, enrollments and demographics rows.
    mutating func student(_ student: DemoStudent, status: String, school: DemoSchool, room: DemoClass) {
        let person = student.person
        user(person, status: status, school: school.sourcedId, grade: school.kind.gradeCodes[student.grade], homeClass: room.sourcedId)
        role(person, status: status, role: "student", school: school.sourcedId)

        let e = columns.enrollments
        var v = row(e.blank, id: person.enrollmentId, status: status)
        v[e.classSourcedId] = room.sourcedId
        v[e.schoolSourcedId] = school.sourcedId
        v[e.userSourcedId] = person.sourcedId
        v[e.role] = "student"
        v[e.primary] = "false"
        v[e.beginDate] = columns.beginDate
        v[e.shussekiNo] = String(student.attendanceNumber)
        v[e.publicFlg] = "true"
        enrollments.append(RosterRecord(file: .enrollments, values: v))

        let d = columns.demographics
        var w = row(d.blank, id: person.sourcedId, status: status)
        w[d.birthDate] = student.birthDate
        w[d.sex] = person.female ? "female" : "male"
        demographics.append(RosterRecord(file: .demographics, values: w))
    }

    /// Positions of the columns the generator fills, in ``RosterSchema/storageColumns(_:)``.
    struct Columns {
        struct Orgs {
            let blank = Columns.blank(.orgs)
            let name = Columns.position("name", .orgs)
            let type = Columns.position("type", .orgs)
            let identifier = Columns.position("identifier", .orgs)
            let parentSourcedId = Columns.position("parentSourcedId", .orgs)
        }

        struct Sessions {
            let blank = Columns.blank(.academicSessions)
            let title = Columns.position("title", .academicSessions)
            let type = Columns.position("type", .academicSessions)
            let startDate = Columns.position("startDate", .academicSessions)
            let endDate = Columns.position("endDate", .academicSessions)
            let schoolYear = Columns.position("schoolYear", .academicSessions)
        }

        struct Courses {
            let blank = Columns.blank(.courses)
            let schoolYearSourcedId = Columns.position("schoolYearSourcedId", .courses)
            let title = Columns.position("title", .courses)
            let grades = Columns.position("grades", .courses)
            let orgSourcedId = Columns.position("orgSourcedId", .courses)
        }

        struct Classes {
            let blank = Columns.blank(.classes)
            let title = Columns.position("title", .classes)
            let grades = Columns.position("grades", .classes)
            let courseSourcedId = Columns.position("courseSourcedId", .classes)
            let classType = Columns.position("classType", .classes)
            let schoolSourcedId = Columns.position("schoolSourcedId", .classes)
            let termSourcedIds = Columns.position("termSourcedIds", .classes)
            let specialNeeds = Columns.position("metadata.jp.specialNeeds", .classes)
        }

        struct Users {
            let blank = Columns.blank(.users)
            let enabledUser = Columns.position("enabledUser", .users)
            let username = Columns.position("username", .users)
            let userIds = Columns.position("userIds", .users)
            let givenName = Columns.position("givenName", .users)
            let familyName = Columns.position("familyName", .users)
            let email = Columns.position("email", .users)
            let grades = Columns.position("grades", .users)
            let userMasterIdentifier = Columns.position("userMasterIdentifier", .users)
            let preferredGivenName = Columns.position("preferredGivenName", .users)
            let preferredFamilyName = Columns.position("preferredFamilyName", .users)
            let primaryOrgSourcedId = Columns.position("primaryOrgSourcedId", .users)
            let kanaGivenName = Columns.position("metadata.jp.kanaGivenName", .users)
            let kanaFamilyName = Columns.position("metadata.jp.kanaFamilyName", .users)
            let homeClass = Columns.position("metadata.jp.homeClass", .users)
            let kanaPreferredGivenName = Columns.position("metadata.jp.kanaPreferredGivenName", .users)
            let kanaPreferredFamilyName = Columns.position("metadata.jp.kanaPreferredFamilyName", .users)
        }

        struct Roles {
            let blank = Columns.blank(.roles)
            let userSourcedId = Columns.position("userSourcedId", .roles)
            let roleType = Columns.position("roleType", .roles)
            let role = Columns.position("role", .roles)
            let orgSourcedId = Columns.position("orgSourcedId", .roles)
        }

        struct Enrollments {
            let blank = Columns.blank(.enrollments)
            let classSourcedId = Columns.position("classSourcedId", .enrollments)
            let schoolSourcedId = Columns.position("schoolSourcedId", .enrollments)
            let userSourcedId = Columns.position("userSourcedId", .enrollments)
            let role = Columns.position("role", .enrollments)
            let primary = Columns.position("primary", .enrollments)
            let beginDate = Columns.position("beginDate", .enrollments)
            let shussekiNo = Columns.position("metadata.jp.shussekiNo", .enrollments)
            let publicFlg = Columns.position("metadata.jp.publicFlg", .enrollments)
        }

        struct Demographics {
            let blank = Columns.blank(.demographics)
            let birthDate = Columns.position("birthDate", .demographics)
            let sex = Columns.position("sex", .demographics)
        }

        let orgs = Orgs()
        let sessions = Sessions()
        let courses = Courses()
        let classes = Classes()
        let users = Users()
        let roles = Roles()
        let enrollments = Enrollments()
        let demographics = Demographics()
        let beginDate = "\(DemoCity.schoolYear)-04-01"

        static func blank(_ file: RosterFile) -> [String] {
            [String](repeating: "", count: RosterSchema.storageColumns(file).count)
        }

        static func position(_ name: String, _ file: RosterFile) -> Int {
            guard let position = RosterSchema.storagePositions(file)[name] else {
                preconditionFailure("DemoCity: \(file.rawValue) has no column \(name)")
            }
            return position
        }
    }
}
