import Testing
@testable import OneRoster

/// A parsed CSV file of a generated package (header names → rows of fields).
private struct DemoTable {
    let header: [String]
    let rows: [[String]]

    init(_ bytes: [UInt8]) throws {
        var reader = CSVReader(bytes: bytes)
        var all: [[String]] = []
        while let result = reader.next() { all.append(try result.get().fields) }
        header = all.first ?? []
        rows = Array(all.dropFirst())
    }

    func position(_ name: String) throws -> Int {
        try #require(header.firstIndex(of: name), "no column \(name)")
    }

    func values(_ name: String) throws -> [String] {
        let position = try position(name)
        return rows.map { $0[position] }
    }
}

private func tables(_ builder: PackageBuilder) throws -> [String: DemoTable] {
    var result: [String: DemoTable] = [:]
    for (name, bytes) in builder.entries() { result[name] = try DemoTable(bytes) }
    return result
}

private func table(_ tables: [String: DemoTable], _ file: RosterFile) throws -> DemoTable {
    try #require(tables[file.fileName], "missing \(file.fileName)")
}

private let smallCity = DemoCity.Options(schools: 3, studentsPerSchool: 200, seed: 42)

private func isFullWidthKatakana(_ text: String) -> Bool {
    !text.isEmpty && text.unicodeScalars.allSatisfy { (0x30A0...0x30FF).contains($0.value) || $0 == "ー" }
}

private func isGUID(_ text: String) -> Bool {
    !text.isEmpty && text.utf8.count < 256 && text.unicodeScalars.allSatisfy {
        $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-_/@".unicodeScalars.contains($0))
    }
}

@Suite struct DemoCityTests {
    @Test func sameOptionsGiveIdenticalBytes() {
        let first = DemoCity.generate(smallCity).entries()
        let second = DemoCity.generate(smallCity).entries()
        #expect(first.map(\.name) == second.map(\.name))
        #expect(first.map(\.bytes) == second.map(\.bytes))

        var other = smallCity
        other.seed = 43
        let third = DemoCity.generate(other).entries()
        #expect(first.map(\.name) == third.map(\.name))
        for (a, b) in zip(first, third) where a.name != "manifest.csv" {
            #expect(a.bytes != b.bytes, "\(a.name) did not change with the seed")
        }

        let delta = DemoCity.generateDelta(base: smallCity, changeFraction: 0.1, seed: 9).entries()
        #expect(delta.map(\.bytes) == DemoCity.generateDelta(base: smallCity, changeFraction: 0.1, seed: 9).entries().map(\.bytes))
        #expect(delta.map(\.bytes) != DemoCity.generateDelta(base: smallCity, changeFraction: 0.1, seed: 10).entries().map(\.bytes))
    }

    @Test func countsAndClassSizes() throws {
        let files = try tables(DemoCity.generate(smallCity))
        #expect(files.keys.sorted() == ["academicSessions.csv", "classes.csv", "courses.csv", "demographics.csv", "enrollments.csv",
                                        "manifest.csv", "orgs.csv", "roles.csv", "users.csv"])

        let orgs = try table(files, .orgs)
        let types = try orgs.values("type")
        let identifiers = try orgs.values("identifier")
        #expect(types.filter { $0 == "district" }.count == 1)
        #expect(types.filter { $0 == "school" }.count == 3)
        #expect(identifiers.filter { $0.hasPrefix("B1") }.count == 2)
        #expect(identifiers.filter { $0.hasPrefix("C1") }.count == 1)

        let roles = try table(files, .roles)
        let roleNames = try roles.values("role")
        #expect(roleNames.filter { $0 == "student" }.count == 600)
        #expect(roleNames.filter { $0 == "principal" }.count == 3)
        let classes = try table(files, .classes)
        // 2 × 6 grades of 33–34 (one class each) + 3 grades of 66–67 (two classes each).
        #expect(classes.rows.count == 18)
        #expect(roleNames.filter { $0 == "teacher" }.count == 18)
        #expect(roleNames.filter { $0 == "districtAdministrator" }.count == 1)
        #expect(try table(files, .users).rows.count == 622)
        #expect(try table(files, .courses).rows.count == 15)
        #expect(try table(files, .demographics).rows.count == 600)
        #expect(try table(files, .enrollments).rows.count == 618)

        // Class sizes: 30–35, unless the grade has fewer than 30 students (then one class).
        let enrollments = try table(files, .enrollments)
        let classColumn = try enrollments.position("classSourcedId")
        let roleColumn = try enrollments.position("role")
        var sizes: [String: Int] = [:]
        for row in enrollments.rows where row[roleColumn] == "student" { sizes[row[classColumn], default: 0] += 1 }
        #expect(sizes.count == 18)
        #expect(sizes.values.allSatisfy { (30...35).contains($0) }, "\(sizes.values.sorted())")
        #expect(sizes.values.reduce(0, +) == 600)
    }

    @Test func classLayout() {
        #expect(CityPlan.classSizes(students: 20, grades: 1) == [[20]])
        #expect(CityPlan.classSizes(students: 40, grades: 1) == [[20, 20]])
        #expect(CityPlan.classSizes(students: 2, grades: 3) == [[1], [1], [0]])
        for students in [180, 250, 1_000, 2_000] {
            #expect(CityPlan.classSizes(students: students, grades: 1)[0].allSatisfy { (30...35).contains($0) })
        }
        for sizes in CityPlan.classSizes(students: 1_000, grades: 6) + CityPlan.classSizes(students: 1_000, grades: 3) {
            #expect(sizes.allSatisfy { (30...35).contains($0) }, "\(sizes)")
        }
        #expect(DemoText.kanjiNumeral(1) == "一")
        #expect(DemoText.kanjiNumeral(10) == "十")
        #expect(DemoText.kanjiNumeral(21) == "二十一")
        #expect(DemoText.kanjiNumeral(167) == "百六十七")
        #expect(DemoText.kanjiNumeral(2_005) == "二千五")
    }

    @Test func kanaFieldsAreFullWidthKatakana() throws {
        let files = try tables(DemoCity.generate(smallCity))
        let users = try table(files, .users)
        for column in ["metadata.jp.kanaGivenName", "metadata.jp.kanaFamilyName",
                       "metadata.jp.kanaPreferredGivenName", "metadata.jp.kanaPreferredFamilyName"] {
            let bad = try users.values(column).filter { !isFullWidthKatakana($0) }
            #expect(bad.isEmpty, "\(column): \(bad.prefix(5))")
        }
        // No half-width katakana (U+FF61–U+FF9F) anywhere in the package.
        for (name, table) in files {
            let halfWidth = table.rows.joined().contains { $0.unicodeScalars.contains { (0xFF61...0xFF9F).contains($0.value) } }
            #expect(!halfWidth, "\(name) contains 半角カナ")
        }
        for list in [JapaneseNames.family, JapaneseNames.boys, JapaneseNames.girls] {
            #expect(list.count >= 40)
            #expect(list.allSatisfy { isFullWidthKatakana($0.kana) && !$0.kanji.isEmpty })
        }
    }

    @Test func schoolCodes() throws {
        let options = DemoCity.Options(schools: 12, studentsPerSchool: 10, seed: 3)
        let orgs = try table(try tables(DemoCity.generate(options)), .orgs)
        let type = try orgs.position("type")
        let identifier = try orgs.position("identifier")
        let name = try orgs.position("name")
        let parent = try orgs.position("parentSourcedId")
        let district = try #require(orgs.rows.first { $0[type] == "district" })
        #expect(district[parent].isEmpty)
        #expect(district[name] == "かけはし市教育委員会")
        let schools = orgs.rows.filter { $0[type] == "school" }
        #expect(schools.count == 12)
        #expect(schools.filter { $0[name].hasSuffix("小学校") }.count == 8)
        #expect(schools.contains { $0[name] == "かけはし市立第一小学校" })
        #expect(schools.contains { $0[name] == "かけはし市立第四中学校" })
        for school in schools {
            let code = school[identifier]
            #expect(code.count == 13, "\(code)")
            #expect(code.hasPrefix(school[name].hasSuffix("小学校") ? "B1142" : "C1142"), "\(code)")
            #expect(code.dropFirst(2).allSatisfy { $0.isASCII && $0.isNumber }, "\(code)")
            #expect(school[parent] == district[0])
        }
        #expect(Set(schools.map { $0[identifier] }).count == 12)
    }

    @Test func attendanceNumbersRunWithoutGaps() throws {
        let files = try tables(DemoCity.generate(smallCity))
        let enrollments = try table(files, .enrollments)
        let users = try table(files, .users)
        let classColumn = try enrollments.position("classSourcedId")
        let userColumn = try enrollments.position("userSourcedId")
        let roleColumn = try enrollments.position("role")
        let number = try enrollments.position("metadata.jp.shussekiNo")
        let userIdColumn = try users.position("sourcedId")
        let kanaFamily = try users.position("metadata.jp.kanaFamilyName")
        var familyKana: [String: String] = [:]
        for row in users.rows { familyKana[row[userIdColumn]] = row[kanaFamily] }

        var byClass: [String: [(number: Int, kana: String)]] = [:]
        for row in enrollments.rows where row[roleColumn] == "student" {
            let value = try #require(Int(row[number]))
            byClass[row[classColumn], default: []].append((value, familyKana[row[userColumn]] ?? ""))
        }
        for (classId, entries) in byClass {
            let sorted = entries.sorted { $0.number < $1.number }
            #expect(sorted.map(\.number) == Array(1...entries.count), "class \(classId)")
            // In kana order of the family name.
            let readings = sorted.map { Array($0.kana.utf8) }
            #expect(zip(readings, readings.dropFirst()).allSatisfy { !$1.lexicographicallyPrecedes($0) }, "class \(classId)")
        }
    }

    @Test func bulkRowsFollowTheJapanProfile() throws {
        let files = try tables(DemoCity.generate(smallCity))
        // Bulk: status and dateLastModified blank; every sourcedId a unique GUID.
        for file in RosterFile.allCases where file != .userProfiles {
            let table = try table(files, file)
            #expect(try table.values("status").allSatisfy(\.isEmpty))
            #expect(try table.values("dateLastModified").allSatisfy(\.isEmpty))
            let ids = try table.values("sourcedId")
            #expect(ids.allSatisfy(isGUID))
            #expect(Set(ids).count == ids.count, "\(file) sourcedIds are not unique")
        }
        let manifest = try #require(files["manifest.csv"]).rows
        #expect(manifest.contains(["oneroster.version", "1.2_JP"]))
        #expect(manifest.contains(["file.users", "bulk"]))
        #expect(manifest.contains(["file.userProfiles", "absent"]))

        let sessions = try table(files, .academicSessions)
        #expect(try sessions.values("title") == ["2026年度"])
        #expect(try sessions.values("type") == ["schoolYear"])
        #expect(try sessions.values("startDate") == ["2026-04-01"])
        #expect(try sessions.values("endDate") == ["2027-03-31"])
        #expect(try sessions.values("schoolYear") == ["2026"])
        let sessionId = try sessions.values("sourcedId")[0]

        let courses = try table(files, .courses)
        #expect(try courses.values("courseCode").allSatisfy(\.isEmpty))
        #expect(try courses.values("schoolYearSourcedId").allSatisfy { $0 == sessionId })
        #expect(try courses.values("grades").allSatisfy { RosterSchema.gradeCodes.contains($0) })

        let classes = try table(files, .classes)
        let classIds = Set(try classes.values("sourcedId"))
        #expect(try classes.values("classType").allSatisfy { $0 == "homeroom" })
        #expect(try classes.values("termSourcedIds").allSatisfy { $0 == sessionId })
        #expect(try classes.values("metadata.jp.specialNeeds").allSatisfy { $0 == "false" })
        #expect(try classes.values("title").contains("1年1組"))
        #expect(Set(try classes.values("courseSourcedId")).isSubset(of: Set(try courses.values("sourcedId"))))

        let users = try table(files, .users)
        let orgs = try table(files, .orgs)
        let orgType = try orgs.position("type")
        let schoolIds = Set(orgs.rows.filter { $0[orgType] == "school" }.map { $0[0] })
        #expect(try users.values("enabledUser").allSatisfy { $0 == "true" })
        let masters = try users.values("userMasterIdentifier")
        #expect(masters.allSatisfy { !$0.isEmpty } && Set(masters).count == masters.count)
        let usernames = try users.values("username")
        #expect(Set(usernames).count == usernames.count && usernames.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) })
        #expect(try users.values("email") == usernames.map { $0 + "@kakehashi.example" })
        #expect(try users.values("userIds") == usernames.map { "{Kakehashi:\($0)}" })
        #expect(try users.values("preferredGivenName") == users.values("givenName"))
        #expect(try users.values("preferredFamilyName") == users.values("familyName"))
        #expect(try users.values("metadata.jp.kanaPreferredGivenName") == users.values("metadata.jp.kanaGivenName"))
        #expect(try users.values("metadata.jp.kanaPreferredFamilyName") == users.values("metadata.jp.kanaFamilyName"))
        // Everyone belongs to a school but the board administrator, who belongs to the board.
        let districtIds = Set(try table(files, .orgs).rows.filter { $0.contains("district") }.map { $0[0] })
        #expect(try users.values("primaryOrgSourcedId").allSatisfy { schoolIds.contains($0) || districtIds.contains($0) })
        #expect(try users.values("primaryOrgSourcedId").filter(districtIds.contains).count == 1)
        let homeClass = try users.position("metadata.jp.homeClass")
        let grades = try users.position("grades")
        let students = users.rows.filter { !$0[grades].isEmpty }
        #expect(students.count == 600)
        #expect(students.allSatisfy { classIds.contains($0[homeClass]) })

        let enrollments = try table(files, .enrollments)
        let role = try enrollments.position("role")
        let primary = try enrollments.position("primary")
        #expect(enrollments.rows.allSatisfy { $0[primary] == ($0[role] == "teacher" ? "true" : "false") })
        #expect(try enrollments.values("beginDate").allSatisfy { $0 == "2026-04-01" })
        #expect(Set(try enrollments.values("userSourcedId")).isSubset(of: Set(try users.values("sourcedId"))))
        #expect(Set(try enrollments.values("classSourcedId")) == classIds)

        let rolesTable = try table(files, .roles)
        #expect(try rolesTable.values("roleType").allSatisfy { $0 == "primary" })
        #expect(Set(try rolesTable.values("userSourcedId")) == Set(try users.values("sourcedId")))
        #expect(try rolesTable.values("orgSourcedId").allSatisfy { schoolIds.contains($0) || districtIds.contains($0) })
    }

    @Test func birthDatesMatchGrades() throws {
        let files = try tables(DemoCity.generate(smallCity))
        let users = try table(files, .users)
        let demographics = try table(files, .demographics)
        let grades = try users.position("grades")
        var gradeOf: [String: String] = [:]
        for row in users.rows where !row[grades].isEmpty { gradeOf[row[0]] = row[grades] }
        #expect(demographics.rows.count == gradeOf.count)
        let birthDate = try demographics.position("birthDate")
        let sex = try demographics.position("sex")
        for row in demographics.rows {
            let grade = try #require(gradeOf[row[0]])
            let years = (grade.hasPrefix("P") ? 0 : 6) + Int(grade.dropFirst())!
            let from = "\(2026 - 6 - years)-04-02"
            let to = "\(2027 - 6 - years)-04-01"
            #expect(row[birthDate] >= from && row[birthDate] <= to, "\(grade) born \(row[birthDate])")
            #expect(row[sex] == "male" || row[sex] == "female")
        }
    }

    @Test func olderProfilesUseTheirSpelling() throws {
        var options = smallCity
        options.profile = .japan12
        options.schools = 1
        let files = try tables(DemoCity.generate(options))
        let enrollments = try table(files, .enrollments)
        #expect(enrollments.header.contains("metadata.jp.ShussekiNo"))
        #expect(try #require(files["manifest.csv"]).rows.contains(["oneroster.version", "1.2"]))
    }

    @Test func deltaRowsCarryStatusAndTimestamp() throws {
        let baseFiles = try tables(DemoCity.generate(smallCity))
        let delta = DemoCity.generateDelta(base: smallCity, changeFraction: 0.1, seed: 5)
        let files = try tables(delta)
        let manifest = try #require(files["manifest.csv"]).rows
        #expect(manifest.contains(["file.users", "delta"]))
        #expect(manifest.contains(["file.orgs", "absent"]))
        #expect(files.keys.sorted() == ["demographics.csv", "enrollments.csv", "manifest.csv", "roles.csv", "users.csv"])

        for (name, table) in files where name != "manifest.csv" {
            #expect(!table.rows.isEmpty)
            let statuses = try table.values("status")
            #expect(statuses.allSatisfy { $0 == "active" || $0 == "tobedeleted" }, "\(name)")
            #expect(try table.values("dateLastModified").allSatisfy { $0 == "2026-11-28T09:00:00.000Z" }, "\(name)")
        }

        let users = try table(files, .users)
        let baseUsers = try table(baseFiles, .users)
        let baseIds = Set(try baseUsers.values("sourcedId"))
        let status = try users.position("status")
        let deleted = users.rows.filter { $0[status] == "tobedeleted" }.map { $0[0] }
        let active = users.rows.filter { $0[status] == "active" }.map { $0[0] }
        let added = active.filter { !baseIds.contains($0) }
        let changed = active.filter(baseIds.contains)
        // 3 schools × 200 × 0.1 / 10 = 2 transfers each way per school; about 60 changes.
        #expect(deleted.count == 6)
        #expect(added.count == 6)
        #expect((30...90).contains(changed.count), "\(changed.count) changed")
        #expect(deleted.allSatisfy(baseIds.contains))
        #expect(Set(deleted).isDisjoint(with: active))

        // Changed rows differ from the bulk row in the family name or the e-mail address only.
        let baseRows = Dictionary(uniqueKeysWithValues: baseUsers.rows.map { ($0[0], $0) })
        let mutable: Set<String> = ["status", "dateLastModified", "familyName", "preferredFamilyName", "metadata.jp.kanaFamilyName",
                                    "metadata.jp.kanaPreferredFamilyName", "email"]
        for row in users.rows where changed.contains(row[0]) {
            let before = try #require(baseRows[row[0]])
            let differing = users.header.indices.filter { row[$0] != before[$0] }.map { users.header[$0] }
            #expect(!differing.isEmpty && Set(differing).isSubset(of: mutable), "\(differing)")
        }

        // Leavers lose their enrollment (same sourcedId as in the bulk file); newcomers get one.
        let enrollments = try table(files, .enrollments)
        let baseEnrollments = try table(baseFiles, .enrollments)
        let user = try enrollments.position("userSourcedId")
        let number = try enrollments.position("metadata.jp.shussekiNo")
        let enrollmentStatus = try enrollments.position("status")
        let baseEnrollmentIds = Set(try baseEnrollments.values("sourcedId"))
        for row in enrollments.rows {
            if row[enrollmentStatus] == "tobedeleted" {
                #expect(deleted.contains(row[user]) && baseEnrollmentIds.contains(row[0]))
            } else {
                #expect(added.contains(row[user]) && !baseEnrollmentIds.contains(row[0]))
                #expect((31...40).contains(Int(row[number]) ?? 0), "a newcomer is numbered after the class")
            }
        }
        #expect(enrollments.rows.count == 12)
        #expect(try table(files, .demographics).rows.count == 12)
        #expect(try table(files, .roles).rows.count == 12)
        let username = try users.position("username")
        let addedUsernames = users.rows.filter { added.contains($0[0]) }.map { $0[username] }
        #expect(Set(addedUsernames).isDisjoint(with: Set(try baseUsers.values("username"))))
    }

    @Test func noChangesGiveAManifestOnlyDelta() {
        let entries = DemoCity.generateDelta(base: smallCity, changeFraction: 0, seed: 1).entries()
        #expect(entries.map(\.name) == ["manifest.csv"])
    }
}
