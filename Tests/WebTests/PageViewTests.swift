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
        let reflected = try #require(TemplateValue.flatten(view) as? [String: Any])
        let written = view.templateValue
        #expect(Set(written.keys) == Set(reflected.keys))
        for key in reflected.keys where key != "t" {
            #expect(String(describing: written[key]!) .sortedCharacters == String(describing: reflected[key]!).sortedCharacters, "\(key)")
        }
    }

    @Test func pageContentOverridesNothingItShouldNot() {
        struct Content { let title = "own" ; let rows = [1, 2] }
        let page = PageView.make(common: Self.view(signedIn: true), content: Content())
        // The page's own fields join the common ones; a clash keeps the page's value.
        #expect(page["title"] as? String == "own")
        #expect((page["rows"] as? [Any])?.count == 2)
        #expect(page["csrf"] as? String == "token")
    }
}

private extension String {
    /// Dictionary descriptions list keys in hash order; comparing the sorted characters checks
    /// the same content whatever the order.
    var sortedCharacters: String { String(sorted()) }
}
