import Domain
import Foundation
import Testing
@testable import Web

@Suite struct LocalizationTests {
    static var resources: URL { WebResources.directory }

    static func table(_ locale: AppLocale) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(contentsOf: resources.appendingPathComponent("Locales/\(locale.rawValue).json")))
    }

    @Test func bothLanguagesHaveTheSameKeys() throws {
        let russian = try Self.table(.ru), english = try Self.table(.en)
        #expect(Set(russian.keys).subtracting(english.keys).isEmpty, "missing in en: \(Set(russian.keys).subtracting(english.keys).sorted())")
        #expect(Set(english.keys).subtracting(russian.keys).isEmpty, "missing in ru: \(Set(english.keys).subtracting(russian.keys).sorted())")
        #expect(russian.values.allSatisfy { !$0.isEmpty })
    }

    @Test func everyKeyTheTemplatesAndCodeUseExists() throws {
        let known = Set(try Self.table(.ru).keys)
        let templates = Self.resources.appendingPathComponent("Templates")
        var used = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            used.formUnion(text.matches(of: /\{\{[#^\/]?t\.([a-z0-9_]+)\}\}/).map { String($0.output.1) })
        }
        // Keys the Swift side produces: validation messages, flashes, titles, roles, errors.
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        let enumerator = FileManager.default.enumerator(atPath: sources.path)
        while let file = enumerator?.nextObject() as? String {
            // Domain and Web hold every key the UI shows; Storage's names (tables) are not keys.
            guard file.hasSuffix(".swift"), file.hasPrefix("Web/") || file.hasPrefix("Domain/") else { continue }
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            used.formUnion(text.matches(of: /"((?:validation|flash|title|login|error|account)_[a-z0-9_]+)"/).map { String($0.output.1) })
        }
        // A mail problem's code (`login_disabled`) is not a key itself: its sentence is
        // `mailbox_problem_<code>`, which InboxTriageFlowTests checks for every code.
        used.subtract(MailProblem.Code.allCases.map(\.rawValue).filter { known.contains("mailbox_problem_\($0)") })
        for role in Role.allCases { used.insert("roles_\(role.rawValue)") }
        used.insert("roles_super_admin")
        for status in ["not_found", "server", "forbidden", "too_large", "bad_request"] {
            used.insert("error_\(status)_title")
            used.insert("error_\(status)_message")
        }
        // `error_not_found` and friends are prefixes the error page completes with _title/_message.
        let missing = used.subtracting(known).filter { !known.contains($0 + "_title") }
        #expect(missing.isEmpty, "missing strings: \(missing.sorted())")
    }

    @Test func everyPageRendersInBothLanguages() async throws {
        let renderer = try PageRenderer.fromBundle()
        for locale in AppLocale.allCases {
            for name in ["landing", "privacy", "contact", "signup", "login", "login-2fa", "error"] {
                #expect(renderer.libraries[locale]?.names.contains(name) == true, "\(name) template")
            }
        }
    }

    @Test func inlinedStringsAreEscapedAndCannotOpenATag() {
        let localizer = Localizer(tables: [.ru: ["x": "<b>«Ромашка»</b> & {{my_company_description}}"], .en: [:]])
        let inlined = LocalizedTemplates.inline("<p>{{t.x}}</p><p>{{ t.missing }}</p>{{name}}", locale: .ru, localizer: localizer)
        #expect(inlined == "<p>&lt;b&gt;«Ромашка»&lt;/b&gt; &amp; &#123;&#123;my_company_description&#125;&#125;</p><p>missing</p>{{name}}")
    }
}
