import AsyncHTTPClient
import Foundation
import LLM
import ProviderFakes

/// Requests, answers and configurations shared by the provider and reliability tests.
enum ProviderFixtures {
    static let openAIKey = "sk-test-openai-7f3a9c1e5b2d4f60a8e1"
    static let anthropicKey = "sk-ant-test-2b8d4f6a1c3e5g7i9k0m"
    static let deepSeekKey = "sk-test-deepseek-94c1e7a2b6d8f0e3"

    static let system = "You sort incoming e-mail of a B2B sales team into the tenant's categories. Reply with JSON."
    static let user = "From: buh@romashka.ru\nSubject: Счета за апрель\n\nДобрый день! Направляем счета за апрель."

    /// Strict-mode schema: an enum of the tenant's category ids and a confidence.
    static let schema = LLMSchema(name: "classification", schema: .object([
        "type": .string("object"),
        "properties": .object([
            "category": .object(["type": .string("string"), "enum": .array([.string("lead"), .string("invoice"), .string("cv")])]),
            "confidence": .object(["type": .string("number")]),
        ]),
        "required": .array([.string("category"), .string("confidence")]),
        "additionalProperties": .bool(false),
    ]))

    static let invoiceAnswer = #"{"category":"invoice","confidence":0.75}"#
    static let invoiceOutput: JSONValue = .object(["category": .string("invoice"), "confidence": .number(0.75)])

    static let searchResults = [
        FakeSearchResult(url: "https://www.rusprofile.ru/id/1234567", title: "ООО «Ромашка» — Rusprofile", citedText: "ООО «Ромашка», ИНН 7701234567"),
        FakeSearchResult(url: "https://romashka.ru/contacts", title: "Контакты", citedText: "Телефон: +7 495 123-45-67"),
    ]

    static func request(system: String = ProviderFixtures.system, user: String = ProviderFixtures.user, webSearch: WebSearchOptions? = nil,
                        maxOutputTokens: Int = 512, purpose: String = "classification") -> LLMRequest {
        LLMRequest(system: system, user: user, schema: schema, webSearch: webSearch, maxOutputTokens: maxOutputTokens, purpose: purpose)
    }

    static func model(_ kind: LLMProviderKind) -> String {
        switch kind {
        case .openAI: "gpt-4o-mini"
        case .anthropic: "claude-haiku-4-5"
        case .deepSeek: "deepseek-chat"
        }
    }

    static func configuration(_ kind: LLMProviderKind, baseURL: String, apiKey: String, timeout: Duration = .seconds(10),
                              useResponsesAPI: Bool = false) -> LLMProviderConfiguration {
        LLMProviderConfiguration(kind: kind, model: model(kind), apiKey: apiKey, baseURL: baseURL, requestTimeout: timeout,
                                 useResponsesAPI: useResponsesAPI)
    }

    /// A loopback port nothing listens on: a fake's, after it stopped.
    static func closedPort() async throws -> Int {
        let server = try await FakeOpenAIServer.start()
        let port = server.port
        await server.stop()
        return port
    }
}

/// The error a call threw, if it was an `LLMError`.
func llmError(_ call: () async throws -> LLMResponse) async -> LLMError? {
    do {
        _ = try await call()
        return nil
    } catch let error as LLMError {
        return error
    } catch {
        return nil
    }
}

/// Whatever a call threw.
func thrownError(_ call: () async throws -> LLMResponse) async -> (any Error)? {
    do {
        _ = try await call()
        return nil
    } catch {
        return error
    }
}

extension LLMError {
    var outcome: LLMCallOutcome { LLMCallOutcome(error: self) }

    var httpStatus: Int? {
        switch self {
        case .transient(_, let status, _, _), .badRequest(_, let status, _): status
        default: nil
        }
    }

    var retryAfter: Duration? {
        if case .transient(_, _, _, let retryAfter) = self { return retryAfter }
        return nil
    }
}

// Each fake lives for one test: started before the body, stopped after it, whatever happens.

func withFakeOpenAI(apiKey: String = ProviderFixtures.openAIKey, script: FakeScript = FakeScript(),
                    _ body: (FakeOpenAIServer) async throws -> Void) async throws {
    try await withFakeServer({ try await FakeOpenAIServer.start(apiKey: apiKey, script: script) }, body)
}

func withFakeAnthropic(apiKey: String = ProviderFixtures.anthropicKey, script: FakeScript = FakeScript(),
                       _ body: (FakeAnthropicServer) async throws -> Void) async throws {
    try await withFakeServer({ try await FakeAnthropicServer.start(apiKey: apiKey, script: script) }, body)
}

func withFakeDeepSeek(apiKey: String = ProviderFixtures.deepSeekKey, script: FakeScript = FakeScript(),
                      _ body: (FakeDeepSeekServer) async throws -> Void) async throws {
    try await withFakeServer({ try await FakeDeepSeekServer.start(apiKey: apiKey, script: script) }, body)
}

/// Polls until `condition` holds (for things that happen on another task), failing after 5 s.
func eventually(_ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while !(await condition()) {
        guard ContinuousClock.now < deadline else {
            struct TimedOut: Error {}
            throw TimedOut()
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}
