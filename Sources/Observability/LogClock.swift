import Foundation
import Synchronization

/// Where log files get "now" from. Rotation and retention depend on the current day, and tests
/// must be able to move through midnight and across weeks without sleeping, so nothing in this
/// module calls `Date()` directly.
public protocol LogClock: Sendable {
    func now() -> Date
}

/// The wall clock. Production uses this.
public struct SystemLogClock: LogClock {
    public init() {}

    public func now() -> Date { Date() }
}

/// A clock that only moves when told to, for tests of rotation and retention.
///
/// A class rather than a struct so that the test keeps a handle on the same clock the
/// ``DailyLogFile`` reads; the `Mutex` makes it safe to read from concurrent writers.
public final class ManualLogClock: LogClock {
    private let current: Mutex<Date>

    public init(_ date: Date = Date()) {
        self.current = Mutex(date)
    }

    public func now() -> Date {
        current.withLock { value in value }
    }

    public func set(_ date: Date) {
        current.withLock { value in value = date }
    }

    public func advance(by seconds: TimeInterval) {
        current.withLock { value in value = value.addingTimeInterval(seconds) }
    }

    public func advance(days: Int) {
        advance(by: TimeInterval(days) * 86_400)
    }
}

/// A calendar day in UTC, counted from 1970-01-01.
///
/// File names and retention work on whole UTC days. Plain integer arithmetic (Howard Hinnant's
/// civil-date algorithms) keeps this free of `Calendar`/`DateFormatter`, which are slower, carry
/// locale and time-zone state, and are easy to get subtly wrong around midnight.
public struct LogDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01 (UTC); negative before it.
    public let daysSinceEpoch: Int

    public init(daysSinceEpoch: Int) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// The UTC day `date` falls on.
    public init(_ date: Date) {
        self.daysSinceEpoch = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        // Rejects 2026-02-30 and friends: a real date survives the round trip unchanged.
        let back = Self.civilFromDays(days)
        guard back.year == year, back.month == month, back.day == day else { return nil }
        self.daysSinceEpoch = days
    }

    /// Parses exactly `YYYY-MM-DD`, as used in log file names.
    public init?<S: StringProtocol>(_ text: S) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? { decimalNumber(bytes, range) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public var year: Int { Self.civilFromDays(daysSinceEpoch).year }
    public var month: Int { Self.civilFromDays(daysSinceEpoch).month }
    public var day: Int { Self.civilFromDays(daysSinceEpoch).day }

    /// `YYYY-MM-DD`.
    public var description: String {
        let civil = Self.civilFromDays(daysSinceEpoch)
        return Self.pad(civil.year, 4) + "-" + Self.pad(civil.month, 2) + "-" + Self.pad(civil.day, 2)
    }

    /// Midnight UTC at the start of this day.
    public var start: Date {
        Date(timeIntervalSince1970: TimeInterval(daysSinceEpoch) * 86_400)
    }

    public func adding(days: Int) -> LogDay {
        LogDay(daysSinceEpoch: daysSinceEpoch + days)
    }

    public static func < (lhs: LogDay, rhs: LogDay) -> Bool {
        lhs.daysSinceEpoch < rhs.daysSinceEpoch
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// `2026-11-29T06:01:02.123Z`: UTC with milliseconds, the `ts` of every log and audit line.
///
/// Hand-formatted for the same reasons as ``LogDay``; it runs once per log line.
enum UTCTimestamp {
    static func string(_ date: Date) -> String {
        // Nearest millisecond: `x.123` stored as a binary double may sit a hair below .123 and
        // truncation would print .122. Carries go through the integer arithmetic below.
        let totalMilliseconds = Int((date.timeIntervalSince1970 * 1000).rounded())
        let millisecondsPerDay = 86_400_000
        var days = totalMilliseconds / millisecondsPerDay
        var ofDay = totalMilliseconds % millisecondsPerDay
        if ofDay < 0 {
            days -= 1
            ofDay += millisecondsPerDay
        }
        let civil = LogDay.civilFromDays(days)
        let hour = ofDay / 3_600_000
        let minute = ofDay / 60_000 % 60
        let second = ofDay / 1000 % 60
        let millisecond = ofDay % 1000
        var text = LogDay.pad(civil.year, 4) + "-" + LogDay.pad(civil.month, 2) + "-" + LogDay.pad(civil.day, 2)
        text += "T" + LogDay.pad(hour, 2) + ":" + LogDay.pad(minute, 2) + ":" + LogDay.pad(second, 2)
        text += "." + LogDay.pad(millisecond, 3) + "Z"
        return text
    }

    /// Reads the format back (for audit lines); nil for anything else.
    static func date(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
              bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z"),
              let day = LogDay(String(decoding: bytes[0..<10], as: UTF8.self))
        else { return nil }
        func number(_ range: Range<Int>) -> Int? { decimalNumber(bytes, range) }
        guard let hour = number(11..<13), hour < 24, let minute = number(14..<16), minute < 60,
              let second = number(17..<19), second < 60, let millisecond = number(20..<23)
        else { return nil }
        let milliseconds = ((day.daysSinceEpoch * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millisecond
        return Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }
}

/// The value of the ASCII digits at `range`, or `nil` if any is not a digit. Shared by the
/// day and timestamp parsers, which read fixed-width fields.
func decimalNumber(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
    var value = 0
    for index in range {
        let byte = bytes[index]
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
}
