import Domain
import Foundation

/// How the client pages write figures, dates, sources and links, in the visitor's language.
enum ClientFormat {
    /// Digits in groups of three, the way each language writes them: `1 234 567` (no-break
    /// spaces) in Russian, `1,234,567` in English.
    static func grouped(_ value: Int64, _ locale: AppLocale) -> String {
        let separator: Character = locale == .ru ? "\u{00A0}" : ","
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(separator) }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    static func grouped(_ value: Int, _ locale: AppLocale) -> String {
        grouped(Int64(value), locale)
    }

    /// Whole roubles: `1 234 567 ₽`.
    static func roubles(_ value: Int64, _ locale: AppLocale) -> String {
        grouped(value, locale) + "\u{00A0}₽"
    }

    /// A calendar day as people write it: `18.07.2002`.
    static func day(_ day: CalendarDay) -> String {
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(pad(day.day)).\(pad(day.month)).\(day.year)"
    }

    /// The day a value was fetched, Moscow time: the card shows it beside every field.
    static func date(_ date: Date) -> String {
        day(CalendarDay(date: date, timeZone: DisplayFormat.timeZone))
    }

    /// A link the page may put in an `href`: `http` and `https` only, so nothing a provider or a
    /// web page sent can become a `javascript:` link. A bare host (`romashka.ru`, no colon at
    /// all) is read as `https://romashka.ru`. `nil` for anything else.
    static func safeLink(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) else {
            return nil
        }
        let candidate: String
        if text.contains("://") {
            candidate = text
        } else if text.contains(":") {
            return nil
        } else {
            candidate = "https://" + text
        }
        guard let components = URLComponents(string: candidate), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else { return nil }
        return candidate
    }

    /// A source in words (`DaData`, `Веб-поиск`); a source the strings do not know shows as stored.
    static func source(_ source: CompanyDataSource, _ text: (String) -> String) -> String {
        let key = "company_source_\(source.rawValue)"
        let label = text(key)
        return label == key ? source.rawValue : label
    }

    static func status(_ status: ClientStatus, _ text: (String) -> String) -> String {
        text("client_status_\(status.rawValue)")
    }

    static func enrichment(_ state: EnrichmentState, _ text: (String) -> String) -> String {
        text("enrichment_state_\(state.rawValue)")
    }
}
