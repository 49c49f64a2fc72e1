import AsyncHTTPClient
import LLM
import NIOCore
import ProviderFakes
import Testing

/// The fakes themselves: they refuse what the real services refuse, in the real formats, and
/// their faults repeat run after run.
@Suite struct ProviderFakeTests {
    typealias Fixtures = ProviderFixtures

    struct RawReply {
        var status: Int
        var body: FakeJSON?
    }

    static func post(_ url: String, headers: [(String, String)], body: String) async throws -> RawReply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return RawReply(status: Int(response.status.code), body: FakeJSON.parse(String(buffer: bytes)))
    }

    @Test func openAIWantsABearerKey() async throws {
        try await withFakeOpenAI { server in
            let missing = try await Self.post(server.baseURL + "/chat/completions", headers: [], body: "{}")
            #expect(missing.status == 401)
            #expect(missing.body?["error"]?["type"]?.string == "invalid_request_error")
            let wrong = try await Self.post(server.baseURL + "/chat/completions", headers: [("authorization", "Bearer sk-nope-1234567890")], body: "{}")
            #expect(wrong.status == 401)
            #expect(wrong.body?["error"]?["code"]?.string == "invalid_api_key")
        }
    }

    @Test func anthropicWantsTheKeyAndTheVersion() async throws {
        try await withFakeAnthropic { server in
            let noKey = try await Self.post(server.baseURL + "/messages", headers: [("anthropic-version", "2023-06-01")], body: "{}")
            #expect(noKey.status == 401)
            #expect(noKey.body?["type"]?.string == "error")
            #expect(noKey.body?["error"]?["type"]?.string == "authentication_error")
            let noVersion = try await Self.post(server.baseURL + "/messages", headers: [("x-api-key", server.apiKey)], body: "{}")
            #expect(noVersion.status == 400)
            #expect(noVersion.body?["error"]?["message"]?.string == "anthropic-version: header is required")
        }
    }

    @Test func deepSeekWantsABearerKeyAndJSONModeWantsTheWordJSON() async throws {
        try await withFakeDeepSeek { server in
            let wrong = try await Self.post(server.baseURL + "/chat/completions", headers: [("authorization", "Bearer nope")], body: "{}")
            #expect(wrong.status == 401)
            let body = #"{"model":"deepseek-chat","messages":[{"role":"user","content":"hello"}],"response_format":{"type":"json_object"}}"#
            let noJSONWord = try await Self.post(server.baseURL + "/chat/completions", headers: [("authorization", "Bearer \(server.apiKey)")], body: body)
            #expect(noJSONWord.status == 400)
        }
    }

    @Test func aSeededFaultRateGivesTheSameFaultsEveryRun() async throws {
        func outcomes(seed: UInt64) async throws -> [LLMCallOutcome] {
            let script = FakeScript(seed: seed)
            script.faultRate = 0.5
            var results: [LLMCallOutcome] = []
            try await withFakeOpenAI(script: script) { server in
                let adapter = OpenAIChatAdapter(configuration: Fixtures.configuration(.openAI, baseURL: server.baseURL, apiKey: Fixtures.openAIKey),
                                                httpClient: .shared)
                for _ in 0..<16 {
                    let error = await llmError { try await adapter.complete(Fixtures.request()) }
                    results.append(error?.outcome ?? .ok)
                }
            }
            return results
        }
        let first = try await outcomes(seed: 7)
        let second = try await outcomes(seed: 7)
        #expect(first == second)
        #expect(first.contains(.ok) && first.contains(.transient))
    }

    @Test func theAnswerFunctionSeesWhatTheModelWouldSee() async throws {
        let script = FakeScript { request in
            request.user.contains("Счета") ? #"{"category":"invoice","confidence":0.9}"# : #"{"category":"lead","confidence":0.5}"#
        }
        try await withFakeAnthropic(script: script) { server in
            let adapter = AnthropicAdapter(configuration: Fixtures.configuration(.anthropic, baseURL: server.baseURL, apiKey: Fixtures.anthropicKey),
                                           httpClient: .shared)
            let invoice = try await adapter.complete(Fixtures.request())
            let lead = try await adapter.complete(Fixtures.request(user: "Хотим купить 100 штук"))
            #expect(invoice.output["category"]?.stringValue == "invoice")
            #expect(lead.output["category"]?.stringValue == "lead")
        }
    }
}
