import Foundation

/// The Anthropic fake's behaviour: reads a Messages request the way the API does, then renders
/// the next scripted outcome as content blocks and a stop reason.
struct FakeAnthropicResponder: Sendable {
    let apiKey: String
    let script: FakeScript

    func respond(to http: FakeHTTPRequest) async -> FakeHTTPResponse {
        let body = FakeJSON.parse(http.body)
        let received = Self.describe(http, body: body)
        script.record(received)

        guard http.header("x-api-key") == apiKey else {
            return Self.error(401, type: "authentication_error", message: "invalid x-api-key")
        }
        guard http.header("anthropic-version") != nil else {
            return Self.error(400, type: "invalid_request_error", message: "anthropic-version: header is required")
        }
        guard http.method == "POST", http.path == "/v1/messages" else {
            return Self.error(404, type: "not_found_error", message: "Not found")
        }
        guard let body, body.object != nil else {
            return Self.error(400, type: "invalid_request_error", message: "There was an error parsing the body of your request. Please make sure it is valid JSON.")
        }
        for field in ["model", "max_tokens", "messages"] where body[field] == nil {
            return Self.error(400, type: "invalid_request_error", message: "\(field): Field required")
        }
        if let forced = body["tool_choice"], forced["type"]?.string == "tool" {
            let names = (body["tools"]?.array ?? []).compactMap { $0["name"]?.string }
            if let name = forced["name"]?.string, !names.contains(name) {
                return Self.error(400, type: "invalid_request_error", message: "tool_choice: tool '\(name)' not found in tools")
            }
        }
        let latency = script.latency
        if latency > .zero { try? await Task.sleep(for: latency) }
        return await render(script.nextOutcome(fault: .overloaded(retryAfterSeconds: 1)), request: received, body: body)
    }

    // MARK: Reading requests

    static func describe(_ http: FakeHTTPRequest, body: FakeJSON?) -> FakeReceivedRequest {
        let system = body?["system"]?.string
            ?? (body?["system"]?.array ?? []).compactMap { $0["text"]?.string }.joined(separator: "\n")
        let user = (body?["messages"]?.array ?? []).filter { $0["role"]?.string == "user" }
            .map { FakeOpenAIResponder.messageText($0["content"]) }.joined(separator: "\n")
        let tools = body?["tools"]?.array ?? []
        let forcedName = body?["tool_choice"]?["name"]?.string
        let forcedTool = tools.first(where: { forcedName != nil && $0["name"]?.string == forcedName })
        let recordTool = forcedTool ?? tools.first(where: { $0["input_schema"] != nil })
        let webSearch = tools.contains { $0["type"]?.string?.hasPrefix("web_search_") == true }
        return FakeReceivedRequest(method: http.method, path: http.path, headers: http.headers, rawBody: http.body, body: body,
                                   system: system, user: user, schema: recordTool?["input_schema"], webSearch: webSearch)
    }

    // MARK: Rendering outcomes

    private func render(_ outcome: FakeOutcome, request: FakeReceivedRequest, body: FakeJSON) async -> FakeHTTPResponse {
        switch outcome {
        case .delayed(let delay, let then):
            try? await Task.sleep(for: delay)
            return await render(then, request: request, body: body)
        case .keepAlive(_, let then):
            return await render(then, request: request, body: body)
        case .rateLimited(let milliseconds):
            let seconds = max(1, (milliseconds + 999) / 1_000)
            return Self.error(429, type: "rate_limit_error",
                              message: "Number of request tokens has exceeded your per-minute rate limit (https://docs.anthropic.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.",
                              headers: Self.rateLimitHeaders(retryAfterSeconds: seconds))
        case .quotaExhausted:
            return Self.error(402, type: "billing_error", message: "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.")
        case .overloaded(let seconds):
            return Self.error(529, type: "overloaded_error", message: "Overloaded",
                              headers: seconds.map { [FakeHeader("retry-after", String($0))] } ?? [])
        case .serverError:
            return Self.error(500, type: "api_error", message: "Internal server error")
        case .unauthorized:
            return Self.error(401, type: "authentication_error", message: "invalid x-api-key")
        case .badRequest(let message):
            return Self.error(400, type: "invalid_request_error", message: message)
        case .raw(let status, let headers, let text):
            return FakeHTTPResponse(status: status, headers: headers, body: text)
        default:
            return messageReply(outcome, request: request, body: body)
        }
    }

    private func messageReply(_ outcome: FakeOutcome, request: FakeReceivedRequest, body: FakeJSON) -> FakeHTTPResponse {
        let answer = outcome.answerText(script: script, request: request)
        var content: [FakeJSON] = []
        var stopReason = "end_turn"
        var searches = 0
        switch outcome {
        case .answer(_, let citing):
            if request.webSearch && !citing.isEmpty {
                content += searchBlocks(query: request.user, results: citing)
                content.append(Self.citingText(citing))
                searches = 1
            }
            stopReason = appendAnswer(answer, request: request, to: &content)
        case .pauseTurn(let text, let citing):
            content.append(["type": "text", "text": "Let me search for that."])
            content += searchBlocks(query: request.user, results: citing)
            searches = 1
            stopReason = "pause_turn"
            script.pushFront(.resumeAfterPause(text, citing: citing))
        case .resumeAfterPause(_, let citing):
            if !citing.isEmpty { content.append(Self.citingText(citing)) }
            stopReason = appendAnswer(answer, request: request, to: &content)
        case .searchError(let code, _):
            let toolID = script.nextID("srvtoolu_fake")
            let query = String(request.user.prefix(80))
            content.append(["type": "server_tool_use", "id": .string(toolID), "name": "web_search", "input": ["query": .string(query)]])
            let failure: FakeJSON = ["type": "web_search_tool_result_error", "error_code": .string(code)]
            content.append(["type": "web_search_tool_result", "tool_use_id": .string(toolID), "content": failure])
            searches = 1
            stopReason = appendAnswer(answer, request: request, to: &content)
        case .refusal:
            stopReason = "refusal"
        case .truncated:
            content.append(["type": "text", "text": .string(truncatedHalf(of: answer))])
            stopReason = "max_tokens"
        case .blank:
            break
        case .plainText(let text):
            content.append(["type": "text", "text": .string(text)])
        default:
            stopReason = appendAnswer(answer, request: request, to: &content)
        }
        return .json(200, reply(content: content, stopReason: stopReason, searches: searches, request: request, body: body),
                     headers: [FakeHeader("request-id", script.nextID("req_fake"))])
    }

    /// The answer as the forced tool's input when the request offers a tool and the answer is a
    /// JSON object, else as text (which the client must reject). Returns the stop reason.
    private func appendAnswer(_ answer: String, request: FakeReceivedRequest, to content: inout [FakeJSON]) -> String {
        let tools = request.body?["tools"]?.array ?? []
        let forcedName = request.body?["tool_choice"]?["name"]?.string
        let toolName = forcedName ?? tools.first(where: { $0["input_schema"] != nil })?["name"]?.string
        guard let toolName, let input = FakeJSON.parse(answer), input.object != nil else {
            content.append(["type": "text", "text": .string(answer)])
            return "end_turn"
        }
        content.append(["type": "tool_use", "id": .string(script.nextID("toolu_fake")), "name": .string(toolName), "input": input])
        return "tool_use"
    }

    private func searchBlocks(query: String, results: [FakeSearchResult]) -> [FakeJSON] {
        let toolID = script.nextID("srvtoolu_fake")
        let found: [FakeJSON] = results.map { result -> FakeJSON in
            ["type": "web_search_result", "url": .string(result.url), "title": .string(result.title),
             "encrypted_content": "RW5jcnlwdGVkIGZha2UgcGFnZSBjb250ZW50", "page_age": "April 30, 2025"]
        }
        let call: FakeJSON = ["type": "server_tool_use", "id": .string(toolID), "name": "web_search",
                              "input": ["query": .string(String(query.prefix(80)))]]
        let result: FakeJSON = ["type": "web_search_tool_result", "tool_use_id": .string(toolID), "content": .array(found)]
        return [call, result]
    }

    private static func citingText(_ results: [FakeSearchResult]) -> FakeJSON {
        let citations: [FakeJSON] = results.map { result -> FakeJSON in
            ["type": "web_search_result_location", "url": .string(result.url), "title": .string(result.title),
             "encrypted_index": "RmFrZSBpbmRleA==", "cited_text": .string(result.citedText)]
        }
        let text = results.map(\.citedText).joined(separator: " ")
        return ["type": "text", "text": .string(text), "citations": .array(citations)]
    }

    private func reply(content: [FakeJSON], stopReason: String, searches: Int, request: FakeReceivedRequest, body: FakeJSON) -> FakeJSON {
        let messages = body["messages"]?.array ?? []
        let continued = messages.filter { $0["role"]?.string == "assistant" }.map { $0.encoded() }
        let toolsText = body["tools"]?.encoded() ?? ""
        let prefixTokens = FakeTokens.count([toolsText, request.system])
        let restTokens = FakeTokens.count([request.user] + continued)
        let cachesPrefix = (body["system"]?.array ?? []).contains { $0["cache_control"] != nil }
        var uncachedInput = prefixTokens + restTokens
        var cacheRead = 0
        var cacheWrite = 0
        if cachesPrefix {
            let model = body["model"]?.string ?? ""
            cacheRead = script.cachedTokens(prefix: "messages|" + model + "\u{0}" + toolsText + "\u{0}" + request.system, tokens: prefixTokens)
            cacheWrite = cacheRead == 0 ? prefixTokens : 0
            uncachedInput = restTokens
        }
        var output = FakeTokens.count(content.map { $0.encoded() })
        if stopReason == "max_tokens" { output = body["max_tokens"]?.int ?? output }
        var usage: [String: FakeJSON] = [
            "input_tokens": .int(uncachedInput),
            "cache_creation_input_tokens": .int(cacheWrite),
            "cache_read_input_tokens": .int(cacheRead),
            "output_tokens": .int(output),
        ]
        if request.webSearch {
            usage["server_tool_use"] = ["web_search_requests": .int(searches)]
        }
        return [
            "id": .string(script.nextID("msg_fake")),
            "type": "message",
            "role": "assistant",
            "model": body["model"] ?? .string("claude"),
            "content": .array(content),
            "stop_reason": .string(stopReason),
            "stop_sequence": .null,
            "usage": .object(usage),
        ]
    }

    // MARK: Errors

    static func error(_ status: Int, type: String, message: String, headers: [FakeHeader] = []) -> FakeHTTPResponse {
        let detail: FakeJSON = ["type": .string(type), "message": .string(message)]
        let body: FakeJSON = ["type": "error", "error": detail, "request_id": "req_fake_error"]
        return .json(status, body, headers: headers)
    }

    /// `retry-after` in seconds and the documented `anthropic-ratelimit-*` headers.
    static func rateLimitHeaders(retryAfterSeconds seconds: Int) -> [FakeHeader] {
        let reset = ISO8601DateFormatter().string(from: Date().addingTimeInterval(TimeInterval(seconds)))
        return [
            FakeHeader("retry-after", String(seconds)),
            FakeHeader("anthropic-ratelimit-requests-limit", "50"),
            FakeHeader("anthropic-ratelimit-requests-remaining", "0"),
            FakeHeader("anthropic-ratelimit-requests-reset", reset),
            FakeHeader("anthropic-ratelimit-input-tokens-limit", "20000"),
            FakeHeader("anthropic-ratelimit-input-tokens-remaining", "0"),
            FakeHeader("anthropic-ratelimit-input-tokens-reset", reset),
            FakeHeader("anthropic-ratelimit-output-tokens-limit", "4000"),
            FakeHeader("anthropic-ratelimit-output-tokens-remaining", "4000"),
            FakeHeader("anthropic-ratelimit-output-tokens-reset", reset),
        ]
    }
}
