import Foundation
import Testing

@testable import XAPI

/// Data §4.5 (1.0.3: ISO 8601) and 2.0 (RFC 3339) timestamps; `since`/`until` use the same parser.
@Suite("Timestamps")
struct TimestampTests {
    @Test(arguments: [
        "2013-05-18T05:32:34.804Z", "2015-11-18T12:17:00+00:00", "2008-09-15 15:53:00.601+00:00",
        "2024-06-01T09:30:15.250+09:00", "2024-02-29T23:59:60Z", "2024-06-01T09:30:15.123456789-05:30",
    ])
    func rfc3339TimestampsAreAcceptedInBothVersions(text: String) {
        #expect(Timestamp.parse(text, profile: .iso8601) != nil)
        #expect(Timestamp.parse(text, profile: .rfc3339) != nil)
        expectAccepted(Fixture.minimal(setting: ["timestamp"], to: .string(text)), version: .v1_0_3)
        expectAccepted(Fixture.minimal(setting: ["timestamp"], to: .string(text)), version: .v2_0_0)
    }

    @Test(arguments: ["20130518T053234Z", "2013-05-18T05:32Z", "2013-05-18T05:32:34", "2013-05-18T05:32:34,5+0900", "2013-05-18T05:32:34+09"])
    func iso8601FormsOutsideRFC3339AreOnlyAcceptedIn1_0_3(text: String) {
        expectAccepted(Fixture.minimal(setting: ["timestamp"], to: .string(text)), version: .v1_0_3)
        expectRejected(Fixture.minimal(setting: ["timestamp"], to: .string(text)), code: "timestamp.invalid", path: "$.timestamp", version: .v2_0_0)
    }

    @Test(arguments: [
        "should fail", "01/011/2015", "2008-09-15T15:53:00.601-00", "2008-09-15T15:53:00.601-0000", "2008-09-15T15:53:00.601-00:00",
        "2013-02-29T00:00:00Z", "2013-13-01T00:00:00Z", "2013-05-18T24:00:00Z", "2013-05-18", "2013-05-18T05:32:34.Z", "",
    ])
    func nonTimestampsAreRejected(text: String) {
        for version in XAPIVersion.allCases {
            expectRejected(Fixture.minimal(setting: ["timestamp"], to: .string(text)), code: "timestamp.invalid", path: "$.timestamp", version: version)
        }
    }

    @Test func theInstantAndUTCFormAreComputed() throws {
        let timestamp = try #require(Timestamp.parse("2024-06-01T09:30:15.25+09:00", profile: .rfc3339))
        #expect(timestamp.utcString == "2024-06-01T00:30:15.250Z")
        #expect(timestamp.date == Date(timeIntervalSince1970: 1_717_201_815.25))
        #expect(Timestamp.parse("1969-12-31T23:59:59Z", profile: .rfc3339)?.date == Date(timeIntervalSince1970: -1))
        #expect(Timestamp.parse("2000-03-01T00:00:00.123456Z", profile: .rfc3339)?.utcString == "2000-03-01T00:00:00.123456Z")
    }

    @Test func formattingUsesMillisecondsInUTC() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_717_201_815.25)) == "2024-06-01T00:30:15.250Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }

    @Test func storedIsValidatedWhenSent() {
        expectRejected(Fixture.minimal(setting: ["stored"], to: "yesterday"), code: "timestamp.invalid", path: "$.stored")
    }

    @Test func timestampMustBeAString() {
        expectRejected(Fixture.minimal(setting: ["timestamp"], to: 1_717_201_815), code: "value.wrong-type", path: "$.timestamp")
    }
}

/// Data §4.6: ISO 8601 durations.
@Suite("Durations")
struct DurationTests {
    @Test func componentsAreRead() throws {
        let duration = try #require(ISODuration.parse("P3Y1M29DT4H35M59.14S"))
        #expect(duration.years == 3)
        #expect(duration.months == 1)
        #expect(duration.days == 29)
        #expect(duration.hours == 4)
        #expect(duration.minutes == 35)
        #expect(abs(duration.seconds - 59.14) < 1e-9)
        #expect(try #require(ISODuration.parse("PT1H30M")).approximateSeconds == 5400)
    }

    @Test(arguments: ["P0W1D", "PT1H1H", "PM", "P1.5Y2M", "PT-1S", "P1Y T1S"])
    func malformedDurationsAreRejected(text: String) {
        #expect(ISODuration.parse(text) == nil)
    }
}
