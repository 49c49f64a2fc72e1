import Domain
import Foundation

/// The UI's strings, one flat table per language, loaded from `Resources/Locales/*.json`.
/// A key missing from a table shows the key itself, which a test prevents from ever shipping.
public struct Localizer: Sendable {
    let tables: [AppLocale: [String: String]]

    public init(tables: [AppLocale: [String: String]]) {
        self.tables = tables
    }

    public static func load(from directory: URL) throws -> Localizer {
        var tables: [AppLocale: [String: String]] = [:]
        for locale in AppLocale.allCases {
            let data = try Data(contentsOf: directory.appendingPathComponent("\(locale.rawValue).json"))
            tables[locale] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return Localizer(tables: tables)
    }

    public func table(_ locale: AppLocale) -> [String: String] {
        tables[locale] ?? [:]
    }

    public func text(_ key: String, _ locale: AppLocale) -> String {
        tables[locale]?[key] ?? key
    }

    /// The string with its `{name}` placeholders filled from `values` in one pass, so a value
    /// that itself holds `{…}` (a provider's message) is never filled in again. A placeholder
    /// with no value stays as written.
    public func text(_ key: String, _ locale: AppLocale, values: [String: String]) -> String {
        let template = text(key, locale)
        var result = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}"), let value = values[String(rest[afterOpen..<close])] else {
                result.append("{")
                rest = rest[afterOpen...]
                continue
            }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return result
    }

    /// Turns Domain's message keys into sentences for one form.
    func messages(_ errors: FieldErrors, _ locale: AppLocale) -> [String: String] {
        errors.messages.mapValues { text($0, locale) }
    }
}
