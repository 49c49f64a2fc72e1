import Foundation
import Testing
@testable import Observability

@Suite struct LogDayTests {
    @Test func knownDays() {
        #expect(LogDay(year: 1970, month: 1, day: 1)?.daysSinceEpoch == 0)
        #expect(LogDay(year: 1969, month: 12, day: 31)?.daysSinceEpoch == -1)
        #expect(LogDay(year: 2000, month: 3, day: 1)?.daysSinceEpoch == 11017)
        #expect(LogDay(year: 2026, month: 11, day: 29)?.daysSinceEpoch == 20786)
        #expect(LogDay(Date(timeIntervalSince1970: 1_795_932_062.123)).description == "2026-11-29")
    }

    @Test func daysChangeAtUTCMidnight() {
        let midnight = LogDay(year: 2026, month: 11, day: 29)!.start
        #expect(LogDay(midnight.addingTimeInterval(-0.001)).description == "2026-11-28")
        #expect(LogDay(midnight).description == "2026-11-29")
    }

    @Test func parsingRejectsImpossibleDates() {
        #expect(LogDay("2024-02-29") != nil, "leap day")
        #expect(LogDay("2026-02-29") == nil)
        #expect(LogDay("2026-02-30") == nil)
        #expect(LogDay("2026-13-01") == nil)
        #expect(LogDay("2026-1-01") == nil)
        #expect(LogDay("2026/11/29") == nil)
        #expect(LogDay("abcd-ef-gh") == nil)
    }

    @Test func textRoundTripsOverCenturies() {
        for days in stride(from: -40_000, through: 60_000, by: 7) {
            let day = LogDay(daysSinceEpoch: days)
            #expect(LogDay(day.description) == day)
            if LogDay(day.description) != day { break }
        }
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        #expect(UTCTimestamp.string(Date(timeIntervalSince1970: 1_795_932_062.123)) == "2026-11-29T06:01:02.123Z")
        #expect(UTCTimestamp.string(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(UTCTimestamp.string(Date(timeIntervalSince1970: 86_399.9996)) == "1970-01-02T00:00:00.000Z")
        let date = Date(timeIntervalSince1970: 1_795_932_062.5)
        #expect(UTCTimestamp.date(UTCTimestamp.string(date)) == date)
        #expect(UTCTimestamp.date("2026-11-29 06:01:02") == nil)
    }

    @Test func manualClockMoves() {
        let clock = ManualLogClock(Date(timeIntervalSince1970: 0))
        clock.advance(by: 90)
        #expect(clock.now() == Date(timeIntervalSince1970: 90))
        clock.advance(days: 2)
        #expect(clock.now() == Date(timeIntervalSince1970: 90 + 2 * 86_400))
        clock.set(Date(timeIntervalSince1970: 5))
        #expect(clock.now() == Date(timeIntervalSince1970: 5))
    }
}
