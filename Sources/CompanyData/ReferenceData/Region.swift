import Foundation

/// A region of Russia as the tax service numbers them: the code is the first two digits of the
/// KLADR id (`77` Moscow, `50` Moscow Oblast), which DaData reports as `region_kladr_id` and
/// Checko as `Регион.Код`.
public struct Region: Sendable, Hashable, Codable, Identifiable {
    public let code: String
    /// Short name: `Московская`, `Москва`, `Адыгея`.
    public let name: String
    /// Abbreviated type as the source gives it: `обл`, `г`, `Респ`, `край`, `АО`, `Аобл`.
    public let type: String
    /// `Московская обл`, `г Москва`, `Респ Адыгея`.
    public let nameWithType: String
    /// The type spelt out: `Московская область`, `город Москва`, `Республика Адыгея`.
    public let fullName: String
    /// `Центральный`, `Южный` …; nil for Baikonur.
    public let federalDistrict: String?
    public let iso: String?
    /// `UTC+3`: Russia keeps no daylight saving time, so a fixed offset is the whole story.
    public let timezone: String
    public let okato: String?
    /// Not in the source list: added by scripts/data/make-reference-data.py (codes 90, 93, 94, 95).
    public let addedByScript: Bool

    enum CodingKeys: String, CodingKey {
        case code, name, type, iso, timezone, okato
        case nameWithType = "name_with_type"
        case fullName = "full_name"
        case federalDistrict = "federal_district"
        case addedByScript = "added"
    }

    public var id: String { code }

    /// Hours east of UTC, from `timezone`.
    public var utcOffsetHours: Int? {
        guard timezone.hasPrefix("UTC") else { return nil }
        let offset = timezone.dropFirst(3)
        return offset.isEmpty ? 0 : Int(offset)
    }

    public var timeZone: TimeZone? {
        utcOffsetHours.flatMap { TimeZone(secondsFromGMT: $0 * 3_600) }
    }
}
