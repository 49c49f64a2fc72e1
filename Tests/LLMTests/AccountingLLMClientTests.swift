import AsyncHTTPClient
import Foundation
import LLM
import ProviderFakes
import Testing

/// Usage accounting: one event per call, answered or not, priced from the table, and never a
/// word of the prompt or the key.
@Suite struct AccountingLLMClientTests {
    typealias Fixtures = ProviderFixtures

    static let prices = LLMPriceTable(currency: "USD", models: [
        "gpt-4o-mini": LLMModelPrice(inputPerMillion: 0.15, cachedInputPerMillion: 0.075, outputPerMillion: 0.60, perWebSearch: 0.01),
        "gpt-4o": LLMModelPrice(inputPerMillion: 2.50, outputPerMillion: 10),
    ])

    @Test func answeredAndFailedCallsAreBothRecorded() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.answer(Fixtures.invoiceAnswer), .quotaExhausted)
            let recorder = MemoryLLMUsageRecorder()
            let client = AccountingLLMClient(
                base: OpenAIAdapter(configuration: Fixtures.configuration(.openAI, baseURL: server.baseURL, apiKey: Fixtures.openAIKey), httpClient: .shared),
                provider: .openAI, model: Fixtures.model(.openAI), tenantID: "tenant-42", recorder: recorder, prices: Self.prices
            )
            let response = try await client.complete(Fixtures.request(purpose: "classification"))
            _ = await llmError { try await client.complete(Fixtures.request(purpose: "classification")) }

            let events = await recorder.events
            #expect(events.count == 2)
            let answered = try #require(events.first)
            #expect(answered.tenantID == "tenant-42")
            #expect(answered.provider == .openAI)
            #expect(answered.model == Fixtures.model(.openAI))
            #expect(answered.purpose == "classification")
            #expect(answered.outcome == .ok)
            #expect(answered.inputTokens == response.usage.inputTokens)
            #expect(answered.outputTokens == response.usage.outputTokens)
            #expect(answered.costMicros == Self.prices.costMicros(model: response.model, usage: response.usage))
            #expect(answered.currency == "USD")
            #expect(answered.latency > .zero)

            let failed = try #require(events.last)
            #expect(failed.outcome == .quotaExhausted)
            #expect(failed.inputTokens == 0)
            #expect(failed.costMicros == 0)
        }
    }

    @Test func eventsHoldNoPromptTextAndNoKey() async throws {
        try await withFakeOpenAI { server in
            server.script.enqueue(.answer(Fixtures.invoiceAnswer), .unauthorized, .raw(status: 400, body: "echo: \(Fixtures.openAIKey)"))
            let recorder = MemoryLLMUsageRecorder()
            let client = AccountingLLMClient(
                base: OpenAIAdapter(configuration: Fixtures.configuration(.openAI, baseURL: server.baseURL, apiKey: Fixtures.openAIKey), httpClient: .shared),
                provider: .openAI, model: Fixtures.model(.openAI), tenantID: "tenant-42", recorder: recorder, prices: Self.prices
            )
            for _ in 0..<3 {
                _ = await llmError { try await client.complete(Fixtures.request()) }
            }
            let events = await recorder.events
            #expect(events.count == 3)
            let secrets = [Fixtures.openAIKey, Fixtures.system, Fixtures.user, "Счета за апрель", "buh@romashka.ru"]
            for event in events {
                let encoded = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
                let texts = [String(describing: event), String(reflecting: event), encoded]
                for text in texts {
                    for secret in secrets {
                        #expect(!text.contains(secret))
                    }
                }
            }
        }
    }

    @Test func costIsMicroUnitsOfTheCurrency() {
        let usage = LLMUsage(inputTokens: 10_000, outputTokens: 1_000, cachedInputTokens: 4_000, webSearches: 2)
        // 6 000 × 0.15 + 4 000 × 0.075 + 1 000 × 0.60 + 2 × 0.01 × 10⁶ = 900 + 300 + 600 + 20 000
        #expect(Self.prices.costMicros(model: "gpt-4o-mini", usage: usage) == 21_800)
        #expect(Self.prices.costMicros(model: "unknown-model", usage: usage) == nil)
    }

    @Test func aDatedSnapshotIsPricedByTheLongestListedPrefix() {
        #expect(Self.prices.price(for: "gpt-4o-mini-2024-07-18") == Self.prices.models["gpt-4o-mini"])
        #expect(Self.prices.price(for: "gpt-4o-2024-08-06") == Self.prices.models["gpt-4o"])
    }

    @Test func thePriceTableReadsFromConfiguration() throws {
        let json = #"{"currency":"RUB","models":{"deepseek-chat":{"inputPerMillion":25,"outputPerMillion":100}}}"#
        let table = try JSONDecoder().decode(LLMPriceTable.self, from: Data(json.utf8))
        let price = try #require(table.price(for: "deepseek-chat"))
        #expect(table.currency == "RUB")
        #expect(price.cachedInputPerMillion == 25)
        #expect(price.perWebSearch == 0)
        let roundTrip = try JSONDecoder().decode(LLMPriceTable.self, from: JSONEncoder().encode(table))
        #expect(roundTrip == table)
    }
}
