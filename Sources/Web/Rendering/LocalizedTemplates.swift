import Domain
import Foundation
import Mustache

/// One Mustache library per language, with every `{{t.key}}` already replaced by its escaped
/// text. Most tokens on a page are UI strings; resolving each through the context stack at
/// every render was the largest cost of a page view, and the strings never change while the
/// process runs.
enum LocalizedTemplates {
    static func libraries(templates directory: URL, localizer: Localizer) throws -> [AppLocale: MustacheLibrary] {
        MustacheContentTypes.register(FastHTMLContentType(), named: FastHTMLContentType.name)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        var libraries: [AppLocale: MustacheLibrary] = [:]
        for locale in AppLocale.allCases {
            var library = MustacheLibrary()
            for file in files {
                let source = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                try library.register(contentTypePragma + inline(source, locale: locale, localizer: localizer), named: String(file.dropLast(".mustache".count)))
            }
            libraries[locale] = library
        }
        return libraries
    }

    /// Every template escapes with `FastHTMLContentType`: the pragma applies to the template it
    /// opens and to the sections and partials rendered from it.
    static let contentTypePragma = "{{% CONTENT_TYPE: \(FastHTMLContentType.name) }}"

    /// Substitutes the strings. The text is HTML-escaped exactly as `{{…}}` would have escaped
    /// it, and braces become character references so a string can never open a Mustache tag.
    static func inline(_ source: String, locale: AppLocale, localizer: Localizer) -> String {
        source.replacing(/\{\{\s*t\.([a-z0-9_]+)\s*\}\}/) { match in
            escape(localizer.text(String(match.output.1), locale))
        }
    }

    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "{": result += "&#123;"
            case "}": result += "&#125;"
            default: result.append(character)
            }
        }
        return result
    }
}
