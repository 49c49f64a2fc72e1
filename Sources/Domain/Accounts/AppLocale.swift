import Foundation

/// The two languages of the UI. Russian is the default: our users are Russian companies.
public enum AppLocale: String, Sendable, CaseIterable, Codable {
    case ru
    case en

    public static let fallback: AppLocale = .ru

    /// Picks the best supported language from an `Accept-Language` header value.
    public static func preferred(fromAcceptLanguage header: String?) -> AppLocale {
        guard let header else { return fallback }
        let ranked = header.split(separator: ",").compactMap { item -> (AppLocale, Double)? in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased().split(separator: "-").first,
                  let locale = AppLocale(rawValue: String(tag)) else { return nil }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (locale, quality)
        }
        return ranked.max { $0.1 < $1.1 }?.0 ?? fallback
    }
}
