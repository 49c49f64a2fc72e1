import Domain
import Foundation
import Mustache
import Testing
@testable import Web

/// Our template engine against swift-mustache, the engine it replaced: the same templates and
/// values must give byte-identical pages, whitespace included.
@Suite struct TemplateEngineTests {
    /// Renders with both engines: ours, and swift-mustache escaping the same five characters.
    static func both(_ templates: [String: String], render name: String, _ value: TemplateValue) throws -> (ours: String?, reference: String?) {
        var ours = TemplateLibrary()
        var reference = MustacheLibrary()
        for (templateName, source) in templates {
            try ours.register(source, named: templateName)
            try reference.register(source, named: templateName)
        }
        return (ours.render(name, value), reference.render(Self.plain(value), withTemplate: name))
    }

    /// The value as swift-mustache reads it: dictionaries, arrays and scalars.
    static func plain(_ value: TemplateValue) -> Any {
        switch value {
        case .text(let text): text
        case .flag(let flag): flag
        case .integer(let number): number
        case .number(let number): number
        case .list(let items): items.map(plain)
        case .object(let fields): fields.mapValues(plain)
        }
    }

    static let rich: TemplateValue = .object([
        "title": .text("Клиенты <ООО «Ромашка» & 'Co'>"),
        "count": .integer(42),
        "ratio": .number(0.5),
        "signedIn": .flag(true),
        "hidden": .flag(false),
        "empty": .text(""),
        "none": .list([]),
        "user": .object(["name": .text("Анна"), "isAdmin": .flag(true)]),
        "rows": .list([
            .object(["name": .text("Альфа"), "tags": .list([.text("a"), .text("b")]), "selected": .flag(true)]),
            .object(["name": .text("Бета"), "tags": .list([]), "selected": .flag(false)]),
        ]),
        "form": .object(["description": .text(""), "method": .text("post")]),
        "words": .list([.text("один"), .text("<два>")]),
    ])

    static let features: [(String, String)] = [
        ("variables", "<h1>{{title}}</h1> {{count}} {{ratio}} {{signedIn}} {{{title}}} {{&title}} [{{missing}}] [{{empty}}]"),
        ("dotted", "{{user.name}} {{user.missing}} {{missing.name}} {{form.method}}"),
        ("sections", "{{#signedIn}}in{{/signedIn}}{{#hidden}}no{{/hidden}}{{^hidden}}shown{{/hidden}}{{^signedIn}}no{{/signedIn}}{{#empty}}[{{.}}]{{/empty}}"),
        ("object section", "{{#user}}{{name}} {{title}}{{#isAdmin}} admin{{/isAdmin}}{{/user}}{{^user}}nobody{{/user}}"),
        ("lists", "<ul>\n{{#rows}}\n  <li{{#selected}} class=\"on\"{{/selected}}>{{name}} of {{title}}: {{#tags}}{{.}},{{/tags}}{{^tags}}none{{/tags}}</li>\n{{/rows}}\n</ul>\n{{^none}}nothing{{/none}}{{#none}}never{{/none}}"),
        ("scalars in lists", "{{#words}}<i>{{.}}</i>{{/words}}"),
        ("transforms", "{{#first(rows)}}first {{name}}{{/first(rows)}}{{^first(none)}} no first{{/first(none)}}{{#empty(form.description)}} blank{{/empty(form.description)}}{{^empty(form.method)}} method{{/empty(form.method)}}{{#empty(none)}} no rows{{/empty(none)}}"),
        ("standalone lines", "a\n  {{#signedIn}}\n  in\n  {{/signedIn}}\n{{! a comment }}\n  {{^signedIn}}  \nout\n{{/signedIn}}\nb {{#signedIn}}inline{{/signedIn}} c\n\t{{#rows}}\r\n{{name}}\r\n{{/rows}}\nend"),
        ("not standalone", "x {{#signedIn}}\ny\n{{/signedIn}} z\n{{title}} {{#hidden}}\n{{/hidden}}\n"),
    ]

    @Test(arguments: features.map(\.0))
    func featuresRenderAsSwiftMustacheRendersThem(_ feature: String) throws {
        let source = try #require(Self.features.first { $0.0 == feature }?.1)
        let (ours, reference) = try Self.both(["page": source], render: "page", Self.rich)
        #expect(ours != nil)
        #expect(ours == reference)
    }

    @Test func inheritanceFillsTheParentsBlocks() throws {
        let templates = [
            "layout": "<html>\n<title>{{$title}}Default{{/title}}</title>\n<body>\n{{$content}}{{/content}}\n</body>\n</html>\n",
            "page": "{{<layout}}\nignored text\n{{$content}}\n<p>{{user.name}}</p>\n{{/content}}\n{{/layout}}\n",
            "titled": "{{<layout}}{{$title}}{{title}}{{/title}}{{$content}}{{#rows}}{{name}} {{/rows}}{{/content}}{{/layout}}",
        ]
        for name in ["page", "titled"] {
            let (ours, reference) = try Self.both(templates, render: name, Self.rich)
            #expect(ours?.contains("</html>") == true, "\(name)")
            #expect(ours == reference, "\(name)")
        }
    }

    /// Every page of the product, in both languages, signed in with a flash and signed out, with
    /// the page's own content empty: the layout, inheritance and every inverted section.
    @Test(arguments: [true, false])
    func everyPageRendersAsSwiftMustacheRendersIt(signedIn: Bool) throws {
        let directory = WebResources.directory.appendingPathComponent("Templates")
        let localizer = try Localizer.load(from: WebResources.directory.appendingPathComponent("Locales"))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        #expect(files.count > 30)
        let view = PageView.make(common: PageViewTests.view(signedIn: signedIn), content: EmptyContent())
        for locale in AppLocale.allCases {
            var templates: [String: String] = [:]
            for file in files {
                let source = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                templates[String(file.dropLast(".mustache".count))] = LocalizedTemplates.inline(source, locale: locale, localizer: localizer)
            }
            for name in templates.keys.sorted() {
                let (ours, reference) = try Self.both(templates, render: name, view)
                #expect(ours?.isEmpty == false, "\(name) in \(locale)")
                #expect(ours == reference, "\(name) in \(locale)")
            }
        }
    }

    @Test func whatTheEngineDoesNotKnowFailsAtLoadingWithTheLine() {
        let cases: [(String, TemplateSyntaxError.Reason)] = [
            ("a\n{{#open}}\nb", .unclosedSection("open")),
            ("{{#a}}{{/b}}", .unexpectedClose("b")),
            ("text {{name", .unclosedTag),
            ("{{=<% %>=}}", .unsupportedTag("{{=<% %>=}}")),
            ("\n\n{{#sorted(rows)}}{{/sorted(rows)}}", .unknownTransform("sorted")),
            ("{{a..b}}", .badName("a..b")),
        ]
        for (source, reason) in cases {
            var library = TemplateLibrary()
            #expect(throws: TemplateSyntaxError.self, "\(source)") { try library.register(source, named: "bad") }
            do {
                try library.register(source, named: "bad")
            } catch let error as TemplateSyntaxError {
                #expect(error.reason == reason, "\(source)")
                #expect(error.template == "bad")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        var library = TemplateLibrary()
        do {
            try library.register("ok\n\n{{#sorted(rows)}}{{/sorted(rows)}}", named: "bad")
        } catch let error as TemplateSyntaxError {
            #expect(error.line == 3)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func anUnknownTemplateRendersNothing() {
        #expect(TemplateLibrary().render("nope", .object([:])) == nil)
    }

    @Test func viewModelsConvertAsMustacheReadsThem() {
        struct Row { let name: String; let note: String?; let count: Int }
        struct Page { let rows: [Row]; let flags: [String: Bool]; let missing: String? }
        let value = TemplateValue.from(Page(rows: [Row(name: "a", note: nil, count: 2)], flags: ["on": true], missing: nil))
        #expect(value == .object([
            "rows": .list([.object(["name": .text("a"), "count": .integer(2)])]),
            "flags": .object(["on": .flag(true)]),
        ]))
    }
}
