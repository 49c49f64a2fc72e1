import Domain
import Foundation
import HummingbirdTesting
import LLM
import Storage
import Testing
import Workers
@testable import Web

/// The tenant's own LLM keys through the real app: tested against a fake OpenAI server through
/// the real adapter, added, tested again with the stored key, refused in plain words when wrong,
/// never shown again; who may see them; and the monthly usage built from `llm.call` events.
@Suite struct LLMSettingsFlowTests {
    static let key = "sk-proj-tenant-0123456789abcdefWXYZ"

    static func fields(_ server: FakeChatCompletionsServer, key: String) -> [(String, String)] {
        [("provider", "openai"), ("model", "gpt-4.1-mini"), ("base_url", server.baseURL), ("is_enabled", "1"), ("api_key", key)]
    }

    @Test func aKeyIsTestedSavedUsedAndNeverShownAgain() async throws {
        let fake = try await FakeChatCompletionsServer.start(apiKey: Self.key)
        do {
            try await TestApp.run(configure: { $0.environment = [:] }) { app, client in
                let anna = Browser(client)
                try await Flows.signUp(anna, email: "anna@romashka.ru")
                let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
                #expect(try await anna.get("/settings").text.contains("href=\"/settings/llm\""), "the settings page leads here")
                let empty = try await anna.get("/settings/llm")
                #expect(empty.status == .ok)
                #expect(empty.text.contains(InboxFixtures.html(app, "llm_in_use_embedded", .ru)), "no key anywhere: the built-in classifier")

                let form = try await anna.get("/settings/llm/new?provider=openai")
                #expect(form.status == .ok)
                #expect(form.text.contains("value=\"gpt-4.1-mini\""), "the suggested model is filled in")
                #expect(form.text.contains("type=\"password\""))

                // Test before saving: the real OpenAI adapter against the fake, the key in its header only.
                let tested = try await anna.post("/settings/llm/test", Self.fields(fake, key: Self.key))
                #expect(tested.status == .ok)
                #expect(tested.text.contains(InboxFixtures.html(app, "llm_check_ok", .ru)), "\(tested.text)")
                #expect(tested.text.contains("value=\"\(fake.baseURL)\""), "what was typed stays")
                #expect(!tested.text.contains(Self.key), "the key is never sent back")
                #expect(fake.authorizations == ["Bearer \(Self.key)"])
                #expect(try await app.services.llmProviders.list(.tenant(member)).isEmpty, "testing saves nothing")

                let saved = try await anna.post("/settings/llm", Self.fields(fake, key: Self.key))
                #expect(saved.status == .seeOther)
                #expect(saved.location == "/settings/llm")
                let provider = try #require(try await app.services.llmProviders.list(.tenant(member)).first)
                #expect(provider.provider == .openAI && provider.model == "gpt-4.1-mini" && provider.baseURL == fake.baseURL)
                #expect(provider.keyHint == "WXYZ" && provider.isEnabled)

                let list = try await anna.get("/settings/llm")
                #expect(list.text.contains(InboxFixtures.html(app, "flash_llm_provider_saved", .ru)))
                #expect(list.text.contains(InboxFixtures.html(app, "llm_in_use_own", .ru)))
                #expect(list.text.contains("WXYZ"), "the last four characters identify the key")

                // "Test" on the list row uses the stored key, which goes only where it was saved for.
                let retested = try await anna.post("/settings/llm/\(provider.id.uuidString)/test", [], tokenFrom: "/settings/llm")
                #expect(retested.status == .ok)
                #expect(retested.text.contains(InboxFixtures.html(app, "llm_check_ok", .ru)), "\(retested.text)")
                #expect(fake.authorizations.last == "Bearer \(Self.key)")
                let elsewhere = try await anna.post("/settings/llm/\(provider.id.uuidString)/test", [
                    ("provider", "openai"), ("model", "gpt-4.1-mini"), ("base_url", "https://collector.example/v1"), ("is_enabled", "1"), ("api_key", ""),
                ], tokenFrom: "/settings/llm/\(provider.id.uuidString)/edit")
                #expect(elsewhere.status == .unprocessableContent)
                #expect(elsewhere.text.contains(InboxFixtures.html(app, "validation_llm_key_for_new_server", .ru)))
                #expect(fake.authorizations.count == 2, "the stored key was not sent anywhere new")

                // A wrong key: the provider's 401 in plain words, in Russian and in English.
                let wrong = "sk-wrong-\(UUID().uuidString)"
                let refused = try await anna.post("/settings/llm/\(provider.id.uuidString)/test", Self.fields(fake, key: wrong),
                                                  tokenFrom: "/settings/llm/\(provider.id.uuidString)/edit")
                #expect(refused.status == .ok)
                #expect(refused.text.contains(InboxFixtures.html(app, "llm_problem_unauthorized", .ru)), "\(refused.text)")
                #expect(!refused.text.contains(InboxFixtures.html(app, "llm_check_ok", .ru)))
                #expect(!refused.text.contains(wrong) && !refused.text.contains(Self.key))
                try await anna.post("/locale", [("locale", "en"), ("return_to", "/settings/llm")], tokenFrom: "/settings/llm")
                let refusedInEnglish = try await anna.post("/settings/llm/\(provider.id.uuidString)/test", Self.fields(fake, key: wrong),
                                                           tokenFrom: "/settings/llm/\(provider.id.uuidString)/edit")
                #expect(refusedInEnglish.text.contains(InboxFixtures.html(app, "llm_problem_unauthorized", .en)), "\(refusedInEnglish.text)")
                #expect(try await app.services.llmProviders.credentials(for: provider).apiKey == Self.key, "testing another key changes nothing")

                // Saving without a key keeps it; the model changes.
                let edited = try await anna.post("/settings/llm/\(provider.id.uuidString)", [
                    ("provider", "openai"), ("model", "gpt-4.1"), ("base_url", fake.baseURL), ("is_enabled", "1"), ("api_key", ""),
                ], tokenFrom: "/settings/llm/\(provider.id.uuidString)/edit")
                #expect(edited.status == .seeOther)
                #expect(try await app.services.llmProviders.find(provider.id, scope: .tenant(member)).model == "gpt-4.1")
                #expect(try await app.services.llmProviders.credentials(for: provider).apiKey == Self.key)

                // No page and no audit event ever holds the key.
                for path in ["/settings/llm", "/settings/llm/\(provider.id.uuidString)/edit", "/settings/llm/usage", "/settings", "/audit", "/dashboard"] {
                    let page = try await anna.get(path)
                    #expect(page.status == .ok, "\(path)")
                    #expect(!page.text.contains(Self.key), "\(path) shows the key")
                }
                let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(), page: 1, pageSize: 500)
                let savedEvent = try #require(trail.events.first { $0.kind == "llm.provider_saved" })
                #expect(savedEvent.details["provider"] == "openai")
                #expect(savedEvent.details["provider_id"] == provider.id.uuidString)
                let everything = trail.events.flatMap { $0.details.values }.joined(separator: " ")
                #expect(!everything.contains(Self.key) && !everything.contains(wrong))
                #expect(!everything.contains("WXYZ"), "not even its last characters")
                #expect(trail.events.contains { $0.kind == AuditLLMUsageRecorder.eventKind && $0.details["purpose"] == LLMProviderTester.purpose },
                        "a test is a real call and is accounted like one")

                let deleted = try await anna.post("/settings/llm/\(provider.id.uuidString)/delete", [], tokenFrom: "/settings/llm")
                #expect(deleted.status == .seeOther)
                #expect(try await app.services.llmProviders.list(.tenant(member)).isEmpty)
                let afterDelete = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(kind: "llm.provider_deleted"), page: 1)
                #expect(afterDelete.events.first?.details["provider_id"] == provider.id.uuidString)
            }
            await fake.stop()
        } catch {
            await fake.stop()
            throw error
        }
    }

    @Test func formsSayWhatIsWrongAndTheOrderCanChange() async throws {
        try await TestApp.run(configure: { $0.environment = ["SMARTYSALES_DEEPSEEK_API_KEY": "sk-platform-default"] }) { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let page = try await anna.get("/settings/llm")
            #expect(page.text.contains(InboxFixtures.html(app, "llm_in_use_platform", .ru)), "the platform's default is in use")
            #expect(!page.text.contains("sk-platform-default"))

            let invalid = try await anna.post("/settings/llm", [
                ("provider", "openai"), ("model", "gpt 4"), ("base_url", "http://api.example.ru/v1"), ("is_enabled", "1"), ("api_key", ""),
            ], tokenFrom: "/settings/llm/new")
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.text.contains(InboxFixtures.html(app, "validation_llm_model", .ru)))
            #expect(invalid.text.contains(InboxFixtures.html(app, "validation_llm_base_url", .ru)))
            #expect(invalid.text.contains(InboxFixtures.html(app, "validation_required", .ru)))

            // A blank model is the provider's suggested one; two providers, then the second moved up.
            #expect(try await anna.post("/settings/llm", [("provider", "anthropic"), ("model", ""), ("is_enabled", "1"), ("api_key", "sk-ant-0123456789abcd")],
                                        tokenFrom: "/settings/llm/new").status == .seeOther)
            #expect(try await anna.post("/settings/llm", [("provider", "deepseek"), ("model", ""), ("api_key", "sk-deep-0123456789abcd")],
                                        tokenFrom: "/settings/llm/new").status == .seeOther)
            let duplicate = try await anna.post("/settings/llm", [("provider", "deepseek"), ("model", ""), ("api_key", "sk-deep-other-0123456789")],
                                                tokenFrom: "/settings/llm/new")
            #expect(duplicate.status == .unprocessableContent)
            #expect(duplicate.text.contains(InboxFixtures.html(app, "validation_llm_provider_exists", .ru)))
            var providers = try await app.services.llmProviders.list(.tenant(member))
            #expect(providers.map(\.provider) == [.anthropic, .deepSeek])
            #expect(providers.map(\.model) == [LLMProvider.anthropic.defaultModel, LLMProvider.deepSeek.defaultModel])
            #expect(providers.map(\.isEnabled) == [true, false], "an unticked box is a switched-off key")
            let deepSeek = providers[1]
            #expect(try await anna.post("/settings/llm/\(deepSeek.id.uuidString)/move", [("direction", "up")], tokenFrom: "/settings/llm").status == .seeOther)
            providers = try await app.services.llmProviders.list(.tenant(member))
            #expect(providers.map(\.provider) == [.deepSeek, .anthropic])
            #expect(try await anna.get("/settings/llm").text.contains(InboxFixtures.html(app, "llm_in_use_own", .ru)))
        }
    }

    @Test func managersAndViewersCannotSeeOrChangeTheKeys() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            try await Flows.addUser(anna, email: "vera@romashka.ru", role: "viewer")
            try await Flows.addUser(anna, email: "max@romashka.ru", role: "manager", temporaryPassword: "temporary password 2")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let provider = try await app.services.llmProviders.save(
                member, id: nil, try TenantLLMProviderDraft(provider: .deepSeek, model: "deepseek-chat").validated(), apiKey: "sk-deepseek-0123456789")
            let id = provider.id.uuidString

            for (email, temporary) in [("vera@romashka.ru", "temporary password 1"), ("max@romashka.ru", "temporary password 2")] {
                let colleague = Browser(client)
                try await Flows.logIn(colleague, email: email, password: temporary)
                try await colleague.post("/account/password", [
                    ("current_password", temporary), ("new_password", "colleague own password"), ("new_password_confirm", "colleague own password"),
                ], tokenFrom: "/account")
                let settings = try await colleague.get("/settings")
                #expect(settings.status == .ok)
                #expect(!settings.text.contains("href=\"/settings/llm\""), "\(email) is not offered the way in")
                for path in ["/settings/llm", "/settings/llm/new", "/settings/llm/usage", "/settings/llm/\(id)/edit"] {
                    #expect(try await colleague.get(path).status == .forbidden, "\(email) GET \(path)")
                }
                let posts: [(String, [(String, String)])] = [
                    ("/settings/llm", [("provider", "openai"), ("model", ""), ("api_key", "sk-stolen-0123456789")]),
                    ("/settings/llm/test", [("provider", "openai"), ("model", ""), ("api_key", "sk-stolen-0123456789")]),
                    ("/settings/llm/\(id)", [("provider", "deepseek"), ("model", "x"), ("base_url", "https://collector.example")]),
                    ("/settings/llm/\(id)/test", []),
                    ("/settings/llm/\(id)/move", [("direction", "down")]),
                    ("/settings/llm/\(id)/delete", []),
                ]
                for (path, fields) in posts {
                    #expect(try await colleague.post(path, fields, tokenFrom: "/settings").status == .forbidden, "\(email) POST \(path)")
                }
            }
            #expect(try await app.services.llmProviders.list(.tenant(member)).map(\.id) == [provider.id])
            #expect(try await app.services.llmProviders.credentials(for: provider).apiKey == "sk-deepseek-0123456789")
        }
    }

    @Test func theUsagePageSumsTheMonthsCallsOfThisCompanyOnly() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            try await Flows.signUp(Browser(client), email: "owen@lotos.ru", company: "Лотос")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let other = try await InboxFixtures.member(app, email: "owen@lotos.ru")
            let now = Date()
            let previousMonth = try #require(LLMUsageController.months(endingWith: now).dropFirst().first)
            func call(_ provider: LLMProviderKind, _ model: String, input: Int, output: Int, cached: Int, outcome: LLMCallOutcome = .ok,
                      cost: Int64?, at time: Date, company: UUID) -> LLMUsageEvent {
                LLMUsageEvent(tenantID: company.uuidString, provider: provider, model: model, purpose: "classification",
                              usage: LLMUsage(inputTokens: input, outputTokens: output, cachedInputTokens: cached), latency: .milliseconds(800),
                              outcome: outcome, costMicros: cost, currency: "USD", startedAt: time)
            }
            let recorder = AuditLLMUsageRecorder(sink: app.services.auditSink, companyID: member.companyID)
            let mine = member.companyID
            await recorder.record(call(.openAI, "gpt-4.1-mini", input: 300, output: 40, cached: 100, cost: 250, at: now, company: mine))
            await recorder.record(call(.openAI, "gpt-4.1-mini", input: 200, output: 20, cached: 0, cost: 150, at: now, company: mine))
            await recorder.record(call(.openAI, "gpt-4.1-mini", input: 0, output: 0, cached: 0, outcome: .unauthorized, cost: 0, at: now, company: mine))
            await recorder.record(call(.deepSeek, "deepseek-chat", input: 100, output: 10, cached: 50, cost: nil, at: now, company: mine))
            await recorder.record(call(.anthropic, "claude-sonnet-4-5", input: 700, output: 70, cached: 0, cost: 5_000,
                                       at: previousMonth.start.addingTimeInterval(3_600), company: mine))
            await recorder.record(call(.openAI, "gpt-4.1-nano", input: 900, output: 900, cached: 0, cost: 999, at: now, company: other.companyID))

            let page = try await anna.get("/settings/llm/usage")
            #expect(page.status == .ok)
            let text = page.text
            #expect(text.contains("data-usage-total=\"calls\"><strong>4</strong>"), "\(text)")
            #expect(text.contains("data-usage-total=\"failures\"><strong>1</strong>"))
            #expect(text.contains("data-usage-total=\"input\"><strong>600</strong>"))
            #expect(text.contains("data-usage-total=\"cached\"><strong>150</strong>"))
            #expect(text.contains("data-usage-total=\"output\"><strong>70</strong>"))
            #expect(text.contains("0.0004 USD"), "250 + 150 millionths of a dollar")
            #expect(text.contains("gpt-4.1-mini") && text.contains("deepseek-chat"))
            #expect(text.contains("data-usage=\"calls\">3</td>"), "three calls of gpt-4.1-mini, one of them failed")
            #expect(!text.contains("gpt-4.1-nano"), "another company's calls are not here")
            #expect(!text.contains("claude-sonnet-4-5"), "last month's call is not this month's")
            #expect(text.contains(InboxFixtures.html(app, "llm_usage_unpriced", .ru)), "deepseek-chat had no price")

            let last = try await anna.get("/settings/llm/usage?month=\(previousMonth.key)")
            #expect(last.status == .ok)
            #expect(last.text.contains("claude-sonnet-4-5"))
            #expect(last.text.contains("data-usage-total=\"calls\"><strong>1</strong>"))
            #expect(last.text.contains("0.0050 USD"))
            #expect(last.text.contains("value=\"\(previousMonth.key)\" selected"))
            #expect(!last.text.contains("gpt-4.1-mini"))

            // A month outside the selector shows the current one.
            let odd = try await anna.get("/settings/llm/usage?month=1999-01")
            #expect(odd.text.contains("data-usage-total=\"calls\"><strong>4</strong>"))

            // The summary itself: per provider, model and purpose.
            let details = try await app.services.auditTrail.details(
                ofKind: AuditLLMUsageRecorder.eventKind, companyID: mine, from: previousMonth.end, to: now.addingTimeInterval(60))
            let summary = LLMUsageSummary(details: details)
            #expect(summary.rows.map(\.model) == ["deepseek-chat", "gpt-4.1-mini"])
            #expect(summary.total.calls == 4 && summary.total.failures == 1 && summary.total.unpricedCalls == 1)
            #expect(summary.total.costMicros == ["USD": 400])
        }
    }

    @Test func everyOutcomeHasASentenceInBothLanguages() throws {
        let localizer = try PageRenderer.fromBundle().localizer
        for outcome in LLMCallOutcome.allCases where outcome != .ok {
            for locale in AppLocale.allCases {
                let key = "llm_problem_\(outcome.rawValue)"
                #expect(localizer.text(key, locale) != key, "\(key) in \(locale)")
            }
        }
        for provider in LLMProvider.allCases {
            #expect(localizer.text("llm_provider_\(provider.rawValue)", .ru) != "llm_provider_\(provider.rawValue)")
        }
    }
}
