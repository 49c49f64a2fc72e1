import Foundation

/// The DeepSeek fake's behaviour: an OpenAI-compatible chat endpoint that only does JSON mode.
/// The schema is whatever JSON object ends the system prompt (that is where a JSON-mode prompt
/// shows it), so the answer function can still build a fitting answer.
struct FakeDeepSeekResponder: Sendable {
    let apiKey: String
    let script: FakeScript

    func respond(to http: FakeHTTPRequest) async -> FakeHTTPResponse {
        let body = FakeJSON.parse(http.body)
        let received = Self.describe(http, body: body)
        script.record(received)

        guard let authorization = http.header("authorization"), authorization == "Bearer \(apiKey)" else {
            let presented = http.header("authorization").map { String($0.dropFirst("Bearer ".count)) } ?? ""
            return Self.error(401, message: "Authentication Fails, Your api key: \(maskedKey(presented)) is invalid", type: "authentication_error",
                              code: "invalid_request_error")
        }
        guard http.method == "POST", http.path == "/chat/completions" || http.path == "/v1/chat/completions" else {
            return Self.error(404, message: "Not Found", type: "invalid_request_error")
        }
        guard let body, body.object != nil, let model = body["model"]?.string else {
            return Self.error(400, message: "Invalid Format: the body is not a JSON object with a model", type: "invalid_request_error")
        }
        let messages = body["messages"]?.array ?? []
        guard !messages.isEmpty else {
            return Self.error(422, message: "Invalid Parameters: messages must not be empty", type: "invalid_request_error")
        }
        switch body["response_format"]?["type"]?.string {
        case nil, "text":
            break
        case "json_object":
            let text = messages.map { FakeOpenAIResponder.messageText($0["content"]) }.joined(separator: "\n")
            if !text.lowercased().contains("json") {
                return Self.error(400, message: "Prompt must contain the word 'json' in some form to use 'response_format' of type 'json_object'.",
                                  type: "invalid_request_error")
            }
        case let other:
            return Self.error(400, message: "This response_format type is unavailable now: \(other ?? "")", type: "invalid_request_error")
        }
        let latency = script.latency
        if latency > .zero { try? await Task.sleep(for: latency) }
        return await render(script.nextOutcome(fault: .overloaded()), request: received, body: body, model: model)
    }

    static func describe(_ http: FakeHTTPRequest, body: FakeJSON?) -> FakeReceivedRequest {
        var system: [String] = []
        var user: [String] = []
        for message in body?["messages"]?.array ?? [] {
            let text = FakeOpenAIResponder.messageText(message["content"])
            switch message["role"]?.string {
            case "system": system.append(text)
            case "user": user.append(text)
            default: break
            }
        }
        let systemText = system.joined(separator: "\n")
        return FakeReceivedRequest(method: http.method, path: http.path, headers: http.headers, rawBody: http.body, body: body,
                                   system: systemText, user: user.joined(separator: "\n"),
                                   schema: FakeJSON.trailingObject(in: systemText), webSearch: false)
    }

    private func render(_ outcome: FakeOutcome, request: FakeReceivedRequest, body: FakeJSON, model: String) async -> FakeHTTPResponse {
        switch outcome {
        case .delayed(let delay, let then):
            try? await Task.sleep(for: delay)
            return await render(then, request: request, body: body, model: model)
        case .keepAlive(let lines, let then):
            var response = await render(then, request: request, body: body, model: model)
            response.keepAliveLines = lines
            return response
        case .rateLimited:
            return Self.error(429, message: "Rate Limit Reached", type: "rate_limit_error")
        case .quotaExhausted:
            return Self.error(402, message: "Insufficient Balance", type: "unknown_error", code: "invalid_request_error")
        case .overloaded(let seconds):
            return Self.error(503, message: "Server Overloaded", type: "server_error",
                              headers: seconds.map { [FakeHeader("retry-after", String($0))] } ?? [])
        case .serverError:
            return Self.error(500, message: "Server Error", type: "server_error")
        case .unauthorized:
            return Self.error(401, message: "Authentication Fails, Your api key: \(maskedKey(apiKey)) is invalid", type: "authentication_error",
                              code: "invalid_request_error")
        case .badRequest(let message):
            return Self.error(400, message: message, type: "invalid_request_error")
        case .raw(let status, let headers, let text):
            return FakeHTTPResponse(status: status, headers: headers, body: text)
        default:
            return completion(outcome, request: request, body: body, model: model)
        }
    }

    private func completion(_ outcome: FakeOutcome, request: FakeReceivedRequest, body: FakeJSON, model: String) -> FakeHTTPResponse {
        let answer = outcome.answerText(script: script, request: request)
        var content = answer
        var finishReason = "stop"
        switch outcome {
        case .truncated:
            content = truncatedHalf(of: answer)
            finishReason = "length"
        case .blank:
            content = ""
        case .refusal(let message):
            content = message
        default:
            break
        }
        // DeepSeek's disk cache works on the prompt prefix: here, the system message.
        var usage = FakeUsage(script: script, cacheKey: "deepseek|" + model, prefix: [request.system], rest: [request.user], answer: content)
        if finishReason == "length" { usage.output = body["max_tokens"]?.int ?? usage.output }
        let total = usage.input + usage.output
        let missed = usage.input - usage.cached
        let usageJSON: FakeJSON = [
            "prompt_tokens": .int(usage.input),
            "completion_tokens": .int(usage.output),
            "total_tokens": .int(total),
            "prompt_tokens_details": ["cached_tokens": .int(usage.cached)],
            "prompt_cache_hit_tokens": .int(usage.cached),
            "prompt_cache_miss_tokens": .int(missed),
        ]
        let message: FakeJSON = ["role": "assistant", "content": .string(content)]
        let choice: FakeJSON = ["index": 0, "message": message, "logprobs": .null, "finish_reason": .string(finishReason)]
        let reply: FakeJSON = [
            "id": .string(script.nextID("fake-deepseek-")),
            "object": "chat.completion",
            "created": .int(Int(Date().timeIntervalSince1970)),
            "model": .string(model),
            "choices": .array([choice]),
            "usage": usageJSON,
            "system_fingerprint": "fp_fake_deepseek",
        ]
        return .json(200, reply)
    }

    static func error(_ status: Int, message: String, type: String, code: String? = nil, headers: [FakeHeader] = []) -> FakeHTTPResponse {
        let detail: FakeJSON = [
            "message": .string(message),
            "type": .string(type),
            "param": .null,
            "code": code.map(FakeJSON.string) ?? .null,
        ]
        return .json(status, ["error": detail], headers: headers)
    }
}
