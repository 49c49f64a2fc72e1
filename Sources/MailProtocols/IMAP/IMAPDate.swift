import Foundation

/// IMAP's date-time, `"17-Jul-1996 02:44:25 -0700"` (RFC 3501 §9 `date-time`), read and written
/// by hand: a DateFormatter per FETCH would cost more than the rest of the response, and the
/// format is fixed (English month names, numeric zone) whatever the locale.
enum IMAPDate {
    private static let months: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun",
                                            "jul", "aug", "sep", "oct", "nov", "dec"].map { Array($0.utf8) }

    static func parse(_ bytes: [UInt8]) -> Date? {
        var index = 0
        func skipSpaces() { while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 } }
        func number(maxDigits: Int) -> Int? {
            var value = 0
            var digits = 0
            while index < bytes.count, digits < maxDigits, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
                digits += 1
            }
            return digits == 0 ? nil : value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        skipSpaces()  // the day may be space-padded: " 5-Jul-2024"
        guard let day = number(maxDigits: 2), expect(UInt8(ascii: "-")), index + 3 <= bytes.count else { return nil }
        let monthName = bytes[index..<(index + 3)].map { $0 | 0x20 }
        guard let monthIndex = months.firstIndex(where: { $0 == monthName }) else { return nil }
        index += 3
        guard expect(UInt8(ascii: "-")), let year = number(maxDigits: 4) else { return nil }
        skipSpaces()
        guard let hour = number(maxDigits: 2), expect(UInt8(ascii: ":")),
              let minute = number(maxDigits: 2), expect(UInt8(ascii: ":")),
              let second = number(maxDigits: 2) else { return nil }
        skipSpaces()
        guard index < bytes.count else { return nil }
        let sign = bytes[index]
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        index += 1
        guard let zone = number(maxDigits: 4) else { return nil }
        let offset = (zone / 100 * 3600 + zone % 100 * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        guard (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }

        let days = daysSinceEpoch(year: year, month: monthIndex + 1, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The form APPEND takes, in UTC.
    static func format(_ date: Date) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondsOfDay = total - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let monthName = String(decoding: months[month - 1], as: UTF8.self).capitalized
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(day))-\(monthName)-\(year) \(two(secondsOfDay / 3600)):\(two(secondsOfDay % 3600 / 60)):\(two(secondsOfDay % 60)) +0000"
    }

    /// Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
