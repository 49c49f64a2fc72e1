import Domain
import Foundation
import HummingbirdTesting
import Storage
import Testing
@testable import Web

/// The company-data keys (added, changed, removed, never shown again) and the enrichment usage
/// page (the month's quota, every charge with its client and what was found, the rule in words),
/// and who may see either.
@Suite struct ClientSettingsFlowTests {
    static let key = "dadata-tenant-0123456789abcdefWXYZ"

    @Test func aKeyIsSavedAndNeverShownAgain() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let settings = try await anna.get("/settings")
            #expect(settings.text.contains("href=\"/settings/company-data\""), "the settings page leads here")
            #expect(settings.text.contains("href=\"/usage/enrichment\""))

            let empty = try await anna.get("/settings/company-data")
            #expect(empty.status == .ok)
            #expect(empty.text.contains(InboxFixtures.html(app, "company_data_empty", .ru)))
            #expect(empty.text.contains(InboxFixtures.html(app, "company_data_platform_default", .ru)), "what happens without a key of one's own")
            for kind in CompanyDataProviderKind.allCases {
                #expect(empty.text.contains(InboxFixtures.html(app, "company_data_about_\(kind.rawValue)", .ru)), "what \(kind) gives")
                #expect(empty.text.contains("href=\"/settings/company-data/new?kind=\(kind.rawValue)\"") == kind.isAvailable,
                        "only a service that works can be added: \(kind)")
            }
            let form = try await anna.get("/settings/company-data/new?kind=checko")
            #expect(form.status == .ok)
            #expect(form.text.contains("<option value=\"checko\" selected>"))
            #expect(form.text.contains("type=\"password\""))

            // Mistakes: no key, an address that is not https.
            let keyless = try await anna.post("/settings/company-data", [("kind", "dadata"), ("base_url", ""), ("is_enabled", "1"), ("api_key", "")],
                                              tokenFrom: "/settings/company-data/new")
            #expect(keyless.status == .unprocessableContent)
            #expect(keyless.text.contains(InboxFixtures.html(app, "validation_required", .ru)))
            let plain = try await anna.post("/settings/company-data", [("kind", "dadata"), ("base_url", "http://proxy.example.ru"), ("is_enabled", "1"),
                                                                       ("api_key", Self.key)], tokenFrom: "/settings/company-data/new")
            #expect(plain.status == .unprocessableContent)
            #expect(plain.text.contains(InboxFixtures.html(app, "validation_llm_base_url", .ru)))
            #expect(plain.text.contains("value=\"http://proxy.example.ru\""), "what was typed stays")
            #expect(!plain.text.contains(Self.key), "the key does not come back, even on a refused form")
            #expect(try await app.services.companyDataProviders.list(.tenant(member)).isEmpty)

            let saved = try await anna.post("/settings/company-data", [("kind", "dadata"), ("base_url", ""), ("is_enabled", "1"), ("api_key", Self.key)],
                                            tokenFrom: "/settings/company-data/new")
            #expect(saved.status == .seeOther)
            #expect(saved.location == "/settings/company-data")
            let provider = try #require(try await app.services.companyDataProviders.list(.tenant(member)).first)
            #expect(provider.kind == .daData && provider.baseURL == nil && provider.isEnabled)
            #expect(!provider.keyHint.isEmpty && Self.key.hasSuffix(provider.keyHint) && provider.keyHint.count < Self.key.count)

            let list = try await anna.get("/settings/company-data")
            #expect(list.text.contains(InboxFixtures.html(app, "flash_company_data_provider_saved", .ru)))
            #expect(list.text.contains("••••\(provider.keyHint)"), "only the hint identifies the key")
            #expect(!list.text.contains("href=\"/settings/company-data/new?kind=dadata\""), "one key per service")

            // Changing the address needs the key again: the stored one goes only where it went before.
            let edit = "/settings/company-data/\(provider.id.uuidString)"
            let elsewhere = try await anna.post(edit, [("base_url", "https://collector.example"), ("is_enabled", "1"), ("api_key", "")],
                                                tokenFrom: "\(edit)/edit")
            #expect(elsewhere.status == .unprocessableContent)
            #expect(elsewhere.text.contains(InboxFixtures.html(app, "validation_llm_key_for_new_server", .ru)))
            #expect(try await app.services.companyDataProviders.find(provider.id, scope: .tenant(member)).baseURL == nil)
            // Switching it off keeps the key.
            let off = try await anna.post(edit, [("base_url", ""), ("api_key", "")], tokenFrom: "\(edit)/edit")
            #expect(off.status == .seeOther)
            let switchedOff = try await app.services.companyDataProviders.find(provider.id, scope: .tenant(member))
            #expect(!switchedOff.isEnabled && switchedOff.keyHint == provider.keyHint)

            // No page and no audit event ever holds the key.
            for path in ["/settings/company-data", "\(edit)/edit", "/settings", "/usage/enrichment", "/audit", "/clients"] {
                let page = try await anna.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(!page.text.contains(Self.key), "\(path) shows the key")
            }
            let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(), page: 1, pageSize: 500)
            #expect(trail.events.contains { $0.kind == "company_data.provider_saved" && $0.details["provider"] == "dadata" })
            #expect(!trail.events.flatMap { $0.details.values }.joined(separator: " ").contains(Self.key))

            let deleted = try await anna.post("\(edit)/delete", [], tokenFrom: "/settings/company-data")
            #expect(deleted.status == .seeOther)
            #expect(try await app.services.companyDataProviders.list(.tenant(member)).isEmpty)
        }
    }

    @Test func managersAndViewersCannotSeeTheKeysOrTheQuota() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let provider = try await app.services.companyDataProviders.save(member, id: nil, kind: .checko, baseURL: nil, isEnabled: true,
                                                                            apiKey: "checko-0123456789abcdef")
            let id = provider.id.uuidString
            for (email, role) in [("vera@romashka.ru", "viewer"), ("max@romashka.ru", "manager")] {
                let colleague = try await ClientFixtures.colleague(app, client, owner: anna, email: email, role: role)
                let settings = try await colleague.get("/settings")
                #expect(settings.status == .ok)
                #expect(!settings.text.contains("href=\"/settings/company-data\""), "\(email) is not offered the way in")
                for path in ["/settings/company-data", "/settings/company-data/new", "/settings/company-data/\(id)/edit", "/usage/enrichment"] {
                    #expect(try await colleague.get(path).status == .forbidden, "\(email) GET \(path)")
                }
                let posts: [(String, [(String, String)])] = [
                    ("/settings/company-data", [("kind", "dadata"), ("api_key", "stolen-0123456789")]),
                    ("/settings/company-data/\(id)", [("base_url", "https://collector.example"), ("api_key", "")]),
                    ("/settings/company-data/\(id)/delete", []),
                ]
                for (path, fields) in posts {
                    #expect(try await colleague.post(path, fields, tokenFrom: "/settings").status == .forbidden, "\(email) POST \(path)")
                }
            }
            let kept = try await app.services.companyDataProviders.list(.tenant(member))
            #expect(kept.map(\.id) == [provider.id])
            #expect(kept.first?.baseURL == nil)
        }
    }

    @Test func theUsagePageListsWhatWasChargedAndWhy() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let soft = try await ClientFixtures.client(app, member, name: "Ромашка Софт", inn: ClientFixtures.inn(51))
            let idle = try await ClientFixtures.client(app, member, name: "Тихая Гавань", inn: ClientFixtures.inn(52))
            let charge = try #require(try await ClientFixtures.enrich(app, soft, reason: "1 e-mail, 1 phone, 2 decision makers"))
            #expect(charge.clientID == soft.id)
            // Nothing verified was found for the other: no charge.
            let nothing = try await ClientFixtures.enrich(app, idle, contacts: ClientContacts.none, reason: "nothing found")
            #expect(nothing == nil)

            let usage = try await anna.get("/usage/enrichment")
            #expect(usage.status == .ok)
            let html = usage.text
            #expect(html.contains(InboxFixtures.html(app, "enrichment_usage_rule", .ru)), "the rule in words")
            #expect(html.contains("href=\"/clients/\(soft.id.uuidString)\">Ромашка Софт</a>"), "the charged client, linked")
            #expect(html.contains(ClientFixtures.inn(51)))
            #expect(html.contains("1 e-mail, 1 phone, 2 decision makers"), "what was found")
            #expect(html.contains(InboxFixtures.html(app, "enrichment_source_providers", .ru) + " + " + InboxFixtures.html(app, "enrichment_source_web_search", .ru)))
            #expect(!html.contains("Тихая Гавань"), "an empty enrichment costs nothing")
            let quota = try await app.services.enrichmentQuota.quota(companyID: member.companyID, at: nil)
            #expect(quota.used == 1)
            #expect(html.contains("data-quota=\"used\">1<"))
            #expect(html.contains("data-quota=\"limit\">\(ClientFormat.grouped(quota.limit, .ru))<"))
            #expect(html.contains("data-quota=\"remaining\">\(ClientFormat.grouped(quota.remaining, .ru))<"))
            #expect(html.contains("<option value=\"\(charge.period)\" selected>"), "this month is chosen")

            // The month before: nothing charged.
            let months = EnrichmentUsageController.months(endingWith: Date())
            let previous = try #require(months.dropFirst().first)
            let before = try await anna.get("/usage/enrichment?period=\(previous.key)")
            #expect(before.status == .ok)
            #expect(before.text.contains(InboxFixtures.html(app, "enrichment_usage_empty", .ru)))
            #expect(!before.text.contains("Ромашка Софт"))
            #expect(before.text.contains("<option value=\"\(previous.key)\" selected>"))

            // Another tenant sees its own month, empty.
            let owen = Browser(client)
            try await Flows.signUp(owen, email: "owen@b.ru", company: "Б")
            let theirs = try await owen.get("/usage/enrichment")
            #expect(theirs.status == .ok)
            #expect(!theirs.text.contains("Ромашка Софт"))
            #expect(theirs.text.contains("data-quota=\"used\">0<"))
        }
    }

    @Test func rusprofileIsShownAsNotAvailableAndCannotBeSaved() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let list = try await anna.get("/settings/company-data")
            #expect(list.text.contains("data-unavailable>\(InboxFixtures.html(app, "company_data_not_available", .ru))</span>"))

            let form = try await anna.get("/settings/company-data/new?kind=rusprofile")
            #expect(form.status == .ok)
            #expect(form.text.contains(InboxFixtures.html(app, "company_data_form_unavailable", .ru)))
            #expect(form.text.contains("<option value=\"rusprofile\" selected disabled>"))
            #expect(form.text.contains("class=\"button button-primary\" disabled>"), "saving is off")
            let checko = try await anna.get("/settings/company-data/new?kind=checko")
            #expect(!checko.text.contains("class=\"button button-primary\" disabled>"), "control: another service can be saved")

            // A post made anyway is refused with the reason, and nothing is stored.
            let refused = try await anna.post("/settings/company-data", [("kind", "rusprofile"), ("base_url", ""), ("is_enabled", "1"),
                                                                          ("api_key", "rusprofile-contract-key-0123")], tokenFrom: "/settings/company-data/new")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains(InboxFixtures.html(app, "validation_company_data_provider_unavailable", .ru)))
            #expect(try await app.services.companyDataProviders.list(.tenant(member)).isEmpty)

            // A Rusprofile key stored before this cannot be saved again either; it can be deleted.
            let old = try await app.services.companyDataProviders.save(member, id: nil, kind: .rusprofile, baseURL: nil, isEnabled: true,
                                                                       apiKey: "rusprofile-contract-key-0123")
            let edit = try await anna.post("/settings/company-data/\(old.id.uuidString)", [("base_url", ""), ("api_key", "")],
                                           tokenFrom: "/settings/company-data/\(old.id.uuidString)/edit")
            #expect(edit.status == .unprocessableContent)
            #expect(edit.text.contains(InboxFixtures.html(app, "validation_company_data_provider_unavailable", .ru)))
            #expect(try await app.services.companyDataProviders.find(old.id, scope: .tenant(member)).isEnabled, "unchanged")
            let deleted = try await anna.post("/settings/company-data/\(old.id.uuidString)/delete", [], tokenFrom: "/settings/company-data")
            #expect(deleted.status == .seeOther)
            #expect(try await app.services.companyDataProviders.list(.tenant(member)).isEmpty)
        }
    }
}
