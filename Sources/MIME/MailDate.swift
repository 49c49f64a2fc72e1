import Foundation

/// Dates from `Date:` headers: RFC 5322, its obsolete forms, and what real mailers send —
/// missing weekday or seconds, two-digit years, named zones (GMT, UT, EST, MSK…), Russian month
/// names, stray comments, extra spaces. `nil` only when no date can be read at all.
///
/// A `Date:` value is ASCII almost always, and is then read from its bytes; other text is read
/// character by character, with the same rules. The date itself is computed, not asked of a
/// `Calendar`, for the years mail carries (creating and querying a calendar for every message
/// cost more than the rest of the date).
public enum MailDate {
    public static func parse(_ text: String) -> Date? {
        // On ASCII every character is a byte, except CR LF: a CR (never in an unfolded header)
        // leaves the reading to the characters.
        let fields = text.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) ? Fields(asciiText: text) : Fields(characters: text)
        guard let day = fields.day, let month = fields.month, var year = fields.year else { return nil }
        // RFC 5322 §4.3: two-digit years below 50 are 20xx, others 19xx; three digits add 1900.
        if year < 50 { year += 2000 } else if year < 1000 { year += 1900 }
        let (hour, minute, second) = (fields.hour, fields.minute, fields.second)
        guard (0..<24).contains(hour), (0..<60).contains(minute), (0...60).contains(second) else { return nil }
        return date(year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59), offset: fields.offset ?? 0)
    }

    /// What the tokens say, before it is checked: the last time and month given win; the first
    /// small number is the day, the next number the year.
    struct Fields {
        var day: Int?, month: Int?, year: Int?
        var hour = 0, minute = 0, second = 0
        var offset: Int?

        /// Reads text of ASCII bytes without CR, byte by byte.
        init(asciiText text: String) {
            // Comments ("(MSK)") dropped.
            var cleaned: [UInt8] = []
            cleaned.reserveCapacity(text.utf8.count)
            var depth = 0
            for byte in text.utf8 {
                if byte == UInt8(ascii: "(") { depth += 1; continue }
                if byte == UInt8(ascii: ")") { depth = max(0, depth - 1); continue }
                if depth == 0 { cleaned.append(byte) }
            }
            var index = 0
            var isFirstToken = true
            while index < cleaned.count {
                if MailDate.isSeparator(cleaned[index]) {
                    index += 1
                    continue
                }
                var end = index
                while end < cleaned.count, !MailDate.isSeparator(cleaned[end]) { end += 1 }
                let token = cleaned[index..<end]
                // A leading weekday ("Mon", "Sunday") carries nothing we need.
                if !(isFirstToken && MailDate.isEnglishWeekday(token)) { read(token) }
                isFirstToken = false
                index = end
            }
        }

        private mutating func read(_ token: ArraySlice<UInt8>) {
            if token.contains(UInt8(ascii: ":")) {
                var parts: [Int] = []
                for part in token.split(separator: UInt8(ascii: ":")) {
                    guard let value = MailDate.integer(part) else { return }
                    parts.append(value)
                }
                guard parts.count >= 2 else { return }
                hour = parts[0]
                minute = parts[1]
                second = parts.count > 2 ? parts[2] : 0
            } else if token.count >= 3, let monthNumber = MailDate.englishMonth(MailDate.packedLowercase(token)) {
                month = monthNumber
            } else if token.first == UInt8(ascii: "+") || token.first == UInt8(ascii: "-"), token.count == 5,
                      let value = MailDate.integer(token.dropFirst()) {
                offset = (token.first == UInt8(ascii: "-") ? -1 : 1) * ((value / 100) * 3600 + (value % 100) * 60)
            } else if let first = token.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"), let number = MailDate.integer(token) {
                // Numbers before zone names: the day and the year are in every date, a named zone rarely.
                take(number, digits: token.count)
            } else if token.count <= 4, let zone = MailDate.namedZones[MailDate.lowercasedKey(token)] {
                offset = zone
            } else if let number = MailDate.integer(token) {
                take(number, digits: token.count)
            }
        }

        /// Reads any text, `Character` by `Character`.
        init(characters text: String) {
            var tokens = MailDate.tokenize(text)
            // A leading weekday ("Mon", "Sunday" or "пн") carries nothing we need.
            if let first = tokens.first?.lowercased(),
               MailDate.weekdays.contains(String(first.prefix(3))) || MailDate.weekdays.contains(String(first.prefix(2))) {
                tokens.removeFirst()
            }
            for token in tokens {
                let lower = token.lowercased()
                if token.contains(":") {
                    let parts = token.split(separator: ":").map { Int($0) }
                    guard parts.count >= 2, parts.allSatisfy({ $0 != nil }) else { continue }
                    hour = parts[0]!
                    minute = parts[1]!
                    second = parts.count > 2 ? parts[2]! : 0
                } else if let monthNumber = MailDate.monthNumber(lower) {
                    month = monthNumber
                } else if (token.hasPrefix("+") || token.hasPrefix("-")), token.count == 5, let value = Int(token.dropFirst()) {
                    offset = (token.hasPrefix("-") ? -1 : 1) * ((value / 100) * 3600 + (value % 100) * 60)
                } else if let zone = MailDate.namedZones[lower] {
                    offset = zone
                } else if let number = Int(token) {
                    take(number, digits: token.count)
                }
            }
        }

        private mutating func take(_ number: Int, digits: Int) {
            if day == nil, number >= 1, number <= 31, digits <= 2 {
                day = number
            } else if year == nil {
                year = number
            } else if day == nil {
                day = number
            }
        }
    }

    // MARK: Bytes

    static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: ",") || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    /// The English weekdays of ``weekdays`` by their first three letters; the Russian ones are
    /// never ASCII.
    static func isEnglishWeekday(_ token: ArraySlice<UInt8>) -> Bool {
        token.count >= 3 && englishWeekdays.contains(packedLowercase(token))
    }

    /// The first three bytes lower-cased in one integer: month and weekday names are looked up
    /// on every date, and a string key cost more than the rest of the reading.
    static func packedLowercase(_ token: ArraySlice<UInt8>) -> UInt32 {
        var index = token.startIndex
        var packed: UInt32 = 0
        for _ in 0..<3 {
            packed = packed << 8 | UInt32(ASCIIFastPath.lowercased(token[index]))
            index += 1
        }
        return packed
    }

    static func packed(_ name: StaticString) -> UInt32 {
        name.withUTF8Buffer { $0.reduce(0) { $0 << 8 | UInt32($1) } }
    }

    static let englishWeekdays: [UInt32] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map { packed($0) }
    static let englishMonthNames: [UInt32] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map { packed($0) }

    static func englishMonth(_ packedName: UInt32) -> Int? {
        englishMonthNames.firstIndex(of: packedName).map { $0 + 1 }
    }

    /// The bytes lower-cased, as a (small, not allocated) string to look up in the tables.
    static func lowercasedKey(_ bytes: ArraySlice<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            var count = 0
            for byte in bytes {
                buffer[count] = ASCIIFastPath.lowercased(byte)
                count += 1
            }
            return count
        }
    }

    /// `Int(_:)` on ASCII bytes: an optional sign, then decimal digits only, `nil` on overflow.
    static func integer(_ bytes: ArraySlice<UInt8>) -> Int? {
        var digits = bytes
        var negative = false
        if let sign = digits.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int(byte - UInt8(ascii: "0"))
            let shifted = value.multipliedReportingOverflow(by: 10)
            let next = negative ? shifted.partialValue.subtractingReportingOverflow(digit) : shifted.partialValue.addingReportingOverflow(digit)
            guard !shifted.overflow, !next.overflow else { return nil }
            value = next.partialValue
        }
        return value
    }

    // MARK: Characters

    /// Splits on blanks and commas, drops comments ("(MSK)").
    private static func tokenize(_ text: String) -> [String] {
        var cleaned = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1; continue }
            if character == ")" { depth = max(0, depth - 1); continue }
            if depth == 0 { cleaned.append(character) }
        }
        return cleaned.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\r" || $0 == "\n" }).map(String.init)
    }

    private static func monthNumber(_ lower: String) -> Int? {
        let key = String(lower.prefix(3))
        if let number = englishMonths[key] { return number }
        for (prefix, number) in russianMonths where lower.hasPrefix(prefix) { return number }
        return nil
    }

    // MARK: The date

    /// The instant of a wall-clock time at a fixed offset from UTC, `nil` for a day the month
    /// does not have. Years 1600–9999 with an offset of at most 14 hours (all real mail) are
    /// computed; anything else is left to Foundation's Gregorian calendar, which switches to the
    /// Julian calendar before 1582 and treats an offset beyond ±18 hours as GMT.
    static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offset: Int) -> Date? {
        if (1600...9999).contains(year), abs(offset) <= 14 * 3600 {
            guard day >= 1, day <= daysIn(month: month, year: year) else { return nil }
            let days = daysSince1970(year: year, month: month, day: day)
            return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second - offset))
        }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = second
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offset) ?? .gmt
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else { return nil }
        return date
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a day of the proleptic Gregorian calendar (H. Hinnant's
    /// days_from_civil, for years ≥ 0).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year  // years counted from March
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    // MARK: Tables

    static let weekdays: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "пн", "вт", "ср", "чт", "пт", "сб", "вс"]
    static let englishMonths: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ]
    private static let russianMonths: [(String, Int)] = [
        ("янв", 1), ("фев", 2), ("мар", 3), ("апр", 4), ("мая", 5), ("май", 5), ("июн", 6), ("июл", 7), ("авг", 8),
        ("сен", 9), ("окт", 10), ("ноя", 11), ("дек", 12),
    ]
    static let namedZones: [String: Int] = [
        "gmt": 0, "ut": 0, "utc": 0, "z": 0, "edt": -4 * 3600, "est": -5 * 3600, "cdt": -5 * 3600, "cst": -6 * 3600,
        "mdt": -6 * 3600, "mst": -7 * 3600, "pdt": -7 * 3600, "pst": -8 * 3600, "msk": 3 * 3600, "cet": 3600, "cest": 7200,
        "eet": 7200, "eest": 3 * 3600, "bst": 3600,
    ]
}
