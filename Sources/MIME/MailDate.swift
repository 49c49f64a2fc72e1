import Foundation

/// Dates from `Date:` headers: RFC 5322, its obsolete forms, and what real mailers send —
/// missing weekday or seconds, two-digit years, named zones (GMT, UT, EST, MSK…), Russian month
/// names, stray comments, extra spaces. `nil` only when no date can be read at all.
public enum MailDate {
    public static func parse(_ text: String) -> Date? {
        var tokens = tokenize(text)
        // A leading weekday ("Mon", "Sunday" or "пн") carries nothing we need.
        if let first = tokens.first?.lowercased(), weekdays.contains(String(first.prefix(3))) || weekdays.contains(String(first.prefix(2))) {
            tokens.removeFirst()
        }

        var day: Int?, month: Int?, year: Int?
        var hour = 0, minute = 0, second = 0
        var offset: Int?
        for token in tokens {
            let lower = token.lowercased()
            if token.contains(":") {
                let parts = token.split(separator: ":").map { Int($0) }
                guard parts.count >= 2, parts.allSatisfy({ $0 != nil }) else { continue }
                hour = parts[0]!
                minute = parts[1]!
                second = parts.count > 2 ? parts[2]! : 0
            } else if let monthNumber = monthNumber(lower) {
                month = monthNumber
            } else if (token.hasPrefix("+") || token.hasPrefix("-")), token.count == 5, let value = Int(token.dropFirst()) {
                offset = (token.hasPrefix("-") ? -1 : 1) * ((value / 100) * 3600 + (value % 100) * 60)
            } else if let zone = namedZones[lower] {
                offset = zone
            } else if let number = Int(token) {
                if day == nil, number >= 1, number <= 31, token.count <= 2 {
                    day = number
                } else if year == nil {
                    year = number
                } else if day == nil {
                    day = number
                }
            }
        }
        guard let day, let month, var year else { return nil }
        // RFC 5322 §4.3: two-digit years below 50 are 20xx, others 19xx; three digits add 1900.
        if year < 50 { year += 2000 } else if year < 1000 { year += 1900 }
        guard (0..<24).contains(hour), (0..<60).contains(minute), (0...60).contains(second) else { return nil }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = min(second, 59)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offset ?? 0) ?? .gmt
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else { return nil }
        return date
    }

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

    private static let weekdays: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "пн", "вт", "ср", "чт", "пт", "сб", "вс"]
    private static let englishMonths: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ]
    private static let russianMonths: [(String, Int)] = [
        ("янв", 1), ("фев", 2), ("мар", 3), ("апр", 4), ("мая", 5), ("май", 5), ("июн", 6), ("июл", 7), ("авг", 8),
        ("сен", 9), ("окт", 10), ("ноя", 11), ("дек", 12),
    ]
    private static let namedZones: [String: Int] = [
        "gmt": 0, "ut": 0, "utc": 0, "z": 0, "edt": -4 * 3600, "est": -5 * 3600, "cdt": -5 * 3600, "cst": -6 * 3600,
        "mdt": -6 * 3600, "mst": -7 * 3600, "pdt": -7 * 3600, "pst": -8 * 3600, "msk": 3 * 3600, "cet": 3600, "cest": 7200,
        "eet": 7200, "eest": 3 * 3600, "bst": 3600,
    ]
}
