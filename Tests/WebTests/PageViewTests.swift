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

extension PageViewTests {
    @Test func handWrittenTemplateFieldsMatchTheStructs() {
        let row = ClientListing.Row(
            id: "1", url: "/clients/1", name: "ООО «Ромашка» & Co", inn: "7707083893", regionCode: "77", regionName: "Москва",
            okvedCode: "62.01", okvedName: "Разработка", revenue: "1 000", headcount: "12", status: "new", statusLabel: "Новый",
            enrichment: "pending", enrichmentLabel: "В очереди", createdAt: "29.11.2026")
        #expect(TemplateValue.object(row.templateFields) == TemplateValue.reflecting(row))
        let sparse = ClientListing.Row(
            id: "2", url: "/clients/2", name: "ИП", inn: "500100732259", regionCode: nil, regionName: nil, okvedCode: nil,
            okvedName: nil, revenue: nil, headcount: nil, status: "won", statusLabel: "Сделка", enrichment: "empty",
            enrichmentLabel: "Пусто", createdAt: "1.1.2026")
        #expect(TemplateValue.object(sparse.templateFields) == TemplateValue.reflecting(sparse))
        let option = InboxViews.Option(value: "77", label: "77 — Москва", selected: true)
        #expect(TemplateValue.object(option.templateFields) == TemplateValue.reflecting(option))

        let dashboard = DashboardController.DashboardView(stats: .init(users: 3, signedInToday: 1, jobsQueued: 7, jobsDead: 0))
        #expect(TemplateValue.object(dashboard.templateFields) == TemplateValue.reflecting(dashboard))

        for tenant in [nil, "ООО Ромашка"] {
            let list = ClientListing.ListView(
                rows: [row, sparse], hasRows: true, total: "2", filters: ClientFilters(query: "region=77&status=new&q=%D0%90"), isFiltered: true,
                errors: ["region": "Нет такого региона"], hasErrors: true, statusOptions: [option], enrichmentOptions: [option, option],
                regionOptions: [option], orderFields: [.init(name: "sort", value: "name")],
                sortName: .init(url: "/clients?sort=name", arrow: "↑", ariaSort: "ascending"), sortRevenue: .init(url: "/r", arrow: "", ariaSort: "none"),
                sortHeadcount: .init(url: "/h", arrow: "", ariaSort: "none"), sortStatus: .init(url: "/s", arrow: "", ariaSort: "none"),
                sortCreated: .init(url: "/c", arrow: "↓", ariaSort: "descending"),
                pagination: .init(isShown: true, page: "2", pageCount: "9", hasPrevious: true, previousURL: "/p1", hasNext: true, nextURL: "/p3"),
                figures: [.init(state: "pending", label: "В очереди", count: "5")], pendingCount: 5, isPending: true,
                progressURL: "/clients/enrichment-progress.json?batch=b1", hasBatch: tenant == nil,
                batchFigures: [.init(state: "failed", label: "Ошибка", count: "1")], batchTotal: "3", batchDone: false, batchHasFailed: true,
                basePath: "/clients",
                filterQuery: "region=77", exportURL: "/clients/export.csv?region=77", canWork: true, isConsole: tenant != nil, enrichCap: "10 000", canViewUsage: false,
                fromRun: tenant == nil, runURL: tenant == nil ? "/prospects/runs/1" : nil,
                tenantName: tenant, tenantURL: tenant.map { _ in "/admin/tenants/1" })
            #expect(TemplateValue.object(list.templateFields) == TemplateValue.reflecting(list), "\(tenant ?? "own")")
        }
    }

    @Test func fastEscapingEscapesWhatMustacheEscapes() {
        #expect(HTMLEscape.escape("plain text, кириллица") == "plain text, кириллица")
        #expect(HTMLEscape.escape(#"<a href="x">Tom & 'Jerry'</a>"#)
            == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        #expect(HTMLEscape.escape("«ёлки» <б>") == "«ёлки» &lt;б&gt;")
        #expect(HTMLEscape.escape("") == "")
    }
}
