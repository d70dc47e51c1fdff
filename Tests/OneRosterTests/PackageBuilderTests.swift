import Foundation
import Testing

@testable import OneRoster

/// What an export writes (digest §1–§4): the manifest, every standard column in the
/// specification's order, then the Japan extensions in the spelling of the profile; UTF-8 without
/// a BOM, CRLF line ends.
@Suite struct PackageBuilderTests {
    static let usersHeader12 = [
        "sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName", "familyName",
        "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password",
        "userMasterIdentifier", "resourceSourcedIds", "preferredGivenName", "preferredMiddleName", "preferredFamilyName",
        "primaryOrgSourcedId", "pronouns", "metadata.jp.kanaGivenName", "metadata.jp.kanaFamilyName",
        "metadata.jp.kanaMiddleName", "metadata.jp.homeClass",
    ]

    static let usersHeader121 = [
        "sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName", "familyName",
        "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password",
        "userMasterIdentifier", "preferredGivenName", "preferredMiddleName", "preferredFamilyName",
        "primaryOrgSourcedId", "pronouns", "metadata.jp.kanaGivenName", "metadata.jp.kanaFamilyName",
        "metadata.jp.kanaMiddleName", "metadata.jp.homeClass", "metadata.jp.kanaPreferredGivenName",
        "metadata.jp.kanaPreferredFamilyName", "metadata.jp.kanaPreferredMiddleName",
    ]

    static let enrollmentsHeader = [
        "sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary",
        "beginDate", "endDate",
    ]

    /// The header line a builder writes for `file`.
    private func header(_ file: RosterFile, _ profile: Profile) throws -> [String] {
        let writer = PackageBuilder(profile: profile).makeWriter(for: file)
        var reader = CSVReader(bytes: writer.bytes)
        let first = reader.next()
        let fields = try #require(first).get().fields
        #expect(fields == writer.header)
        return fields
    }

    @Test func usersIn12HaveResourceSourcedIdsAndNoKanaPreferred() throws {
        #expect(try header(.users, .japan12) == Self.usersHeader12)
    }

    @Test(arguments: [Profile.japan121, .japanK12])
    func usersIn121AndK12(_ profile: Profile) throws {
        #expect(try header(.users, profile) == Self.usersHeader121)
    }

    @Test(arguments: [Profile.japan12, .japan121])
    func enrollmentExtensionsInTheOlderSpelling(_ profile: Profile) throws {
        #expect(try header(.enrollments, profile) == Self.enrollmentsHeader + ["metadata.jp.ShussekiNo", "metadata.jp.PublicFlg"])
    }

    @Test func enrollmentExtensionsInTheK12Spelling() throws {
        #expect(try header(.enrollments, .japanK12) == Self.enrollmentsHeader + ["metadata.jp.shussekiNo", "metadata.jp.publicFlg"])
    }

    @Test(arguments: Profile.allCases)
    func otherFilesAreTheSameInEveryProfile(_ profile: Profile) throws {
        #expect(try header(.orgs, profile) == ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"])
        #expect(try header(.classes, profile) == [
            "sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode", "classType",
            "location", "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods", "metadata.jp.specialNeeds",
        ])
        #expect(try header(.roles, profile) == [
            "sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate", "endDate",
            "orgSourcedId", "userProfileSourcedId",
        ])
    }

    @Test func headersMatchTheCommittedFixture() throws {
        // valid-minimal was written by hand from the digest; the builder agrees with it.
        let folder = try Fixtures.url("valid-minimal")
        for file in RosterFile.allCases {
            var reader = CSVReader(data: try Data(contentsOf: folder.appendingPathComponent(file.fileName)))
            let first = reader.next()
        let fields = try #require(first).get().fields
            #expect(try header(file, .japanK12) == fields, "\(file.fileName)")
        }
    }

    @Test(arguments: Profile.allCases)
    func manifestListsEveryFileOfTheBinding(_ profile: Profile) throws {
        var builder = PackageBuilder(profile: profile, sourceSystemName: "校務支援システム", sourceSystemCode: "KOMU")
        var orgs = builder.makeWriter(for: .orgs)
        orgs.append(RosterRecord(file: .orgs, fields: ["sourcedId": "district-1", "name": "かけはし市教育委員会", "type": "district"]))
        builder.add(orgs)
        builder.add(builder.makeWriter(for: .users))  // no rows: left out, absent

        let files = [
            "academicSessions", "categories", "classes", "classResources", "courses", "courseResources", "demographics",
            "enrollments", "lineItemLearningObjectiveIds", "lineItems", "lineItemScoreScales", "orgs", "resources",
            "resultLearningObjectiveIds", "results", "resultScoreScales", "roles", "scoreScales", "userProfiles",
            "userResources", "users",
        ]
        #expect(builder.manifestRows == [["propertyName", "value"], ["manifest.version", "1.0"], ["oneroster.version", profile.rawValue]]
            + files.map { ["file.\($0)", $0 == "orgs" ? "bulk" : "absent"] }
            + [["source.systemName", "校務支援システム"], ["source.systemCode", "KOMU"]])
        #expect(builder.entries().map(\.name) == ["manifest.csv", "orgs.csv"])
    }

    @Test func bytesAreUTF8WithoutBOMAndCRLF() throws {
        var builder = PackageBuilder(profile: .japanK12)
        var orgs = builder.makeWriter(for: .orgs)
        orgs.append(RosterRecord(file: .orgs, fields: ["sourcedId": "district-1", "name": "かけはし市教育委員会", "type": "district"]))
        builder.add(orgs)
        for (name, bytes) in builder.entries() {
            #expect(Array(bytes.prefix(3)) != [0xEF, 0xBB, 0xBF], "\(name)")
            #expect(String(validating: bytes, as: UTF8.self) != nil, "\(name)")
            #expect(bytes.suffix(2) == [0x0D, 0x0A], "\(name)")
        }
        let orgsText = String(decoding: try #require(builder.entries().last).bytes, as: UTF8.self)
        #expect(orgsText == "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\r\ndistrict-1,,,かけはし市教育委員会,district,,\r\n")
    }

    @Test func listsAreQuotedAndUnknownExtensionsAppended() throws {
        let builder = PackageBuilder(profile: .japanK12)
        var classes = builder.makeWriter(for: .classes, extensionNames: ["metadata.city.room"])
        var record = RosterRecord(file: .classes, fields: [
            "sourcedId": "class-1", "title": "1年1組", "grades": "P1", "courseSourcedId": "course-1", "classType": "homeroom",
            "schoolSourcedId": "school-1", "termSourcedIds": "session-2026,term-1",
        ])
        record["metadata.city.room"] = "北校舎"
        classes.append(record)
        let lines = String(decoding: classes.bytes, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines[0].hasSuffix(",metadata.jp.specialNeeds,metadata.city.room"))
        #expect(lines[1] == "class-1,,,1年1組,P1,course-1,,homeroom,,school-1,\"session-2026,term-1\",,,,,北校舎")
    }

    @Test func writeFolderAndWriteZipHoldTheSameFiles() throws {
        let builder = DemoCity.generate(.init(schools: 1, studentsPerSchool: 12, profile: .japan12))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-oneroster-tests/\(UUID().uuidString)")
        let zip = try ZipFixtures.temporaryZipURL()
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(at: zip)
        }
        try builder.writeFolder(to: folder)
        try builder.writeZip(to: zip)
        let fromFolder = try RosterPackage(url: folder)
        let fromZip = try RosterPackage(url: zip)
        let entries = builder.entries()
        #expect(fromFolder.fileNames == entries.map(\.name).sorted())
        #expect(fromZip.fileNames == entries.map(\.name).sorted())
        for (name, bytes) in entries {
            #expect(try fromFolder.bytes(of: name) == bytes, "\(name)")
            #expect(try fromZip.bytes(of: name) == bytes, "\(name)")
        }
    }
}
