import Foundation

/// The registry status of a company, in DaData's five words.
public enum CompanyStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case active
    case liquidating
    case liquidated
    case bankrupt
    case reorganizing

    /// DaData's `state.status`: `ACTIVE`, `LIQUIDATING`, `LIQUIDATED`, `BANKRUPT`, `REORGANIZING`.
    public init?(daData text: String) {
        self.init(rawValue: text.lowercased())
    }

    /// A Russian status name as Checko and the tax service write it (`Действует`,
    /// `Ликвидировано`, `В стадии ликвидации`, `Прекратило деятельность при присоединении` …).
    /// Nil for a wording none of the rules recognise.
    public init?(russianName: String) {
        let text = russianName.lowercased()
        if text.contains("банкрот") || text.contains("конкурсн") {
            self = .bankrupt
        } else if text.contains("реорганиз") || text.contains("присоедин") && !text.contains("прекрат") {
            self = .reorganizing
        } else if text.contains("стадии ликвидации") || text.contains("процессе ликвидации") || text.contains("ликвидируется") {
            self = .liquidating
        } else if ["ликвидир", "прекрат", "исключ", "не действ", "недейств"].contains(where: { text.contains($0) }) {
            self = .liquidated
        } else if text.contains("действ") {
            self = .active
        } else {
            return nil
        }
    }
}

/// A date without a time of day: a registration date is a calendar day in Moscow, whatever the
/// server's zone.
public struct CalendarDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...Self.days(inMonth: month, of: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// `2002-07-18` (a time part after it is ignored) or `18.07.2002`.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts: [Int]
        if trimmed.count >= 10, trimmed.dropFirst(4).first == "-" {
            parts = trimmed.prefix(10).split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3 else { return nil }
            self.init(year: parts[0], month: parts[1], day: parts[2])
        } else if trimmed.count == 10, trimmed.dropFirst(2).first == "." {
            parts = trimmed.split(separator: ".").compactMap { Int($0) }
            guard parts.count == 3 else { return nil }
            self.init(year: parts[2], month: parts[1], day: parts[0])
        } else {
            return nil
        }
    }

    /// The day `date` falls on in `timeZone`.
    public init(date: Date, timeZone: TimeZone) {
        var calendar = Self.gregorian
        calendar.timeZone = timeZone
        let components = calendar.dateComponents([.year, .month, .day], from: date)
        self.year = components.year ?? 1970
        self.month = components.month ?? 1
        self.day = components.day ?? 1
    }

    /// DaData's dates are milliseconds since the epoch at midnight (UTC or Moscow): read in
    /// Moscow time, both land on the intended day.
    public init(epochMilliseconds: Double) {
        self.init(date: Date(timeIntervalSince1970: epochMilliseconds / 1_000), timeZone: Self.moscow)
    }

    public var iso: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    public var description: String { iso }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let day = CalendarDay(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a date: \(text)")
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }

    private static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static let gregorian: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    private static let moscow = TimeZone(identifier: "Europe/Moscow") ?? TimeZone(secondsFromGMT: 3 * 3_600)!
}

/// An OKVED code a company registered, with the provider's name for it when it sent one.
public struct OKVEDActivity: Sendable, Hashable, Codable {
    public var code: String
    public var name: String?

    public init(code: String, name: String? = nil) {
        self.code = code
        self.name = name
    }
}

/// The head of a company: the general director, or the sole proprietor themself.
public struct CompanyDirector: Sendable, Hashable, Codable {
    public var name: String
    public var position: String?
    public var inn: String?

    public init(name: String, position: String? = nil, inn: String? = nil) {
        self.name = name
        self.position = position
        self.inn = inn
    }
}

/// A year's revenue (accounting line 2110), in whole roubles.
public struct CompanyRevenue: Sendable, Hashable, Codable {
    public var year: Int
    public var roubles: Int64

    public init(year: Int, roubles: Int64) {
        self.year = year
        self.roubles = roubles
    }
}
