import Testing
@testable import Web

/// The hand-written template dictionary of ``CommonView`` must say everything the struct says:
/// a field added to the struct but not to the dictionary would vanish from every page silently.
@Suite struct PageViewTests {
    static func view(signedIn: Bool) -> CommonView {
        CommonView(
            t: ["greeting": "Привет"], locale: "ru", isRussian: true, isEnglish: false, title: "Сводка",
            currentPath: "/dashboard?x=1", csrf: "token",
            user: signedIn ? UserView(fullName: "Анна", email: "anna@example.ru", role: "owner", roleLabel: "Владелец", isAdmin: true, isSuperAdmin: false) : nil,
            company: signedIn ? CompanyView(name: "ООО Ромашка") : nil,
            flash: signedIn ? FlashView(kind: "success", message: "Сохранено") : nil)
    }

    @Test(arguments: [true, false])
    func handWrittenDictionaryMatchesReflection(signedIn: Bool) throws {
        let view = Self.view(signedIn: signedIn)
        var reflected = try #require(TemplateValue.reflecting(view)?.fields)
        // The string table is in the templates already (LocalizedTemplates); it is left out on purpose.
        reflected["t"] = nil
        #expect(view.templateValue == .object(reflected))
    }

    @Test func pageContentOverridesNothingItShouldNot() {
        struct Content { let title = "own" ; let rows = [1, 2] }
        let page = PageView.make(common: Self.view(signedIn: true), content: Content())
        // The page's own fields join the common ones; a clash keeps the page's value.
        #expect(page.fields?["title"] == .text("own"))
        #expect(page.fields?["rows"] == .list([.integer(1), .integer(2)]))
        #expect(page.fields?["csrf"] == .text("token"))
    }
}

private extension String {
    /// The fields a `TemplateFields` type lists by hand are exactly its stored properties, with
    /// the same values `Mirror` would have found.
    static func mirrorFields(_ value: Any) -> [String: String] {
        var fields: [String: String] = [:]
        for child in Mirror(reflecting: value).children {
            guard let label = child.label else { continue }
            let inner = Mirror(reflecting: child.value)
            if inner.displayStyle == .optional {
                if let some = inner.children.first { fields[label] = "\(some.value)" }
            } else {
                fields[label] = "\(child.value)"
            }
        }
        return fields
    }

    @Test func handWrittenTemplateFieldsMatchTheStructs() {
        let row = ClientListing.Row(
            id: "1", url: "/clients/1", name: "ООО «Ромашка» & Co", inn: "7707083893", regionCode: "77", regionName: "Москва",
            okvedCode: "62.01", okvedName: "Разработка", revenue: "1 000", headcount: "12", status: "new", statusLabel: "Новый",
            enrichment: "pending", enrichmentLabel: "В очереди", createdAt: "29.11.2026")
        #expect(row.templateFields.mapValues { "\($0)" } == Self.mirrorFields(row))
        let sparse = ClientListing.Row(
            id: "2", url: "/clients/2", name: "ИП", inn: "500100732259", regionCode: nil, regionName: nil, okvedCode: nil,
            okvedName: nil, revenue: nil, headcount: nil, status: "won", statusLabel: "Сделка", enrichment: "empty",
            enrichmentLabel: "Пусто", createdAt: "1.1.2026")
        #expect(sparse.templateFields.mapValues { "\($0)" } == Self.mirrorFields(sparse))
        let option = InboxViews.Option(value: "77", label: "77 — Москва", selected: true)
        #expect(option.templateFields.mapValues { "\($0)" } == Self.mirrorFields(option))
    }

    @Test func fastEscapingEscapesWhatMustacheEscapes() {
        #expect(HTMLEscape.escape("plain text, кириллица") == "plain text, кириллица")
        #expect(HTMLEscape.escape(#"<a href="x">Tom & 'Jerry'</a>"#)
            == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        #expect(HTMLEscape.escape("«ёлки» <б>") == "«ёлки» &lt;б&gt;")
        #expect(HTMLEscape.escape("") == "")
    }
}
