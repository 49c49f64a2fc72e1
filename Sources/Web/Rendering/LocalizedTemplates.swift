import Domain
import Foundation

/// One template library per language, with every `{{t.key}}` already replaced by its escaped
/// text. Most tokens on a page are UI strings; resolving each through the context stack at
/// every render was the largest cost of a page view, and the strings never change while the
/// process runs.
enum LocalizedTemplates {
    static func libraries(templates directory: URL, localizer: Localizer) throws -> [AppLocale: TemplateLibrary] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        var libraries: [AppLocale: TemplateLibrary] = [:]
        for locale in AppLocale.allCases {
            var library = TemplateLibrary()
            for file in files {
                let source = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                try library.register(inline(source, locale: locale, localizer: localizer), named: String(file.dropLast(".mustache".count)))
            }
            libraries[locale] = library
        }
        return libraries
    }

    /// Substitutes the strings. The text is HTML-escaped exactly as `{{…}}` would have escaped
    /// it, and braces become character references so a string can never open a Mustache tag.
    static func inline(_ source: String, locale: AppLocale, localizer: Localizer) -> String {
        source.replacing(/\{\{\s*t\.([a-z0-9_]+)\s*\}\}/) { match in
            escape(localizer.text(String(match.output.1), locale))
        }
    }

    static func escape(_ text: String) -> String {
        HTMLEscape.escape(text).replacing("{", with: "&#123;").replacing("}", with: "&#125;")
    }
}
