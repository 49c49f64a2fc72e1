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

    /// Turns Domain's message keys into sentences for one form.
    func messages(_ errors: FieldErrors, _ locale: AppLocale) -> [String: String] {
        errors.messages.mapValues { text($0, locale) }
    }
}
