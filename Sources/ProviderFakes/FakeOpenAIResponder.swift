import Foundation

/// The OpenAI fake's behaviour: reads a request the way the API does, then renders the next
/// scripted outcome as a Chat Completions or Responses reply.
struct FakeOpenAIResponder: Sendable {
    let apiKey: String
    let script: FakeScript

    func respond(to http: FakeHTTPRequest) async -> FakeHTTPResponse {
        let body = FakeJSON.parse(http.body)
        let usesResponsesAPI = http.path == "/v1/responses"
        let received = Self.describe(http, body: body, responsesAPI: usesResponsesAPI)
        script.record(received)

        if let refusal = authenticationFailure(http) { return refusal }
        guard http.method == "POST", http.path == "/v1/chat/completions" || usesResponsesAPI else {
            return Self.error(404, message: "Invalid URL (\(http.method) \(http.path))", type: "invalid_request_error", code: "unknown_url")
        }
        guard let body, body.object != nil else {
            return Self.error(400, message: "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)", type: "invalid_request_error")
        }
        guard let model = body["model"]?.string else {
            return Self.error(400, message: "you must provide a model parameter", type: "invalid_request_error")
        }
        if let problem = usesResponsesAPI ? Self.responsesProblem(body) : Self.chatProblem(body) {
            return problem
        }
        let latency = script.latency
        if latency > .zero { try? await Task.sleep(for: latency) }
        return await render(script.nextOutcome(fault: .serverError), request: received, body: body, model: model,
                            responsesAPI: usesResponsesAPI)
    }

    // MARK: Reading requests

    static func describe(_ http: FakeHTTPRequest, body: FakeJSON?, responsesAPI: Bool) -> FakeReceivedRequest {
        var system: [String] = []
        var user: [String] = []
        let schema: FakeJSON?
        var webSearch = false
        if responsesAPI {
            if let instructions = body?["instructions"]?.string { system.append(instructions) }
            if let input = body?["input"]?.string {
                user.append(input)
            } else {
                for message in body?["input"]?.array ?? [] {
                    let text = messageText(message["content"])
                    switch message["role"]?.string {
                    case "system", "developer": system.append(text)
                    case "user": user.append(text)
                    default: break
                    }
                }
            }
            schema = body?["text"]?["format"]?["schema"]
            webSearch = (body?["tools"]?.array ?? []).contains { $0["type"]?.string?.hasPrefix("web_search") == true }
        } else {
            for message in body?["messages"]?.array ?? [] {
                let text = messageText(message["content"])
                switch message["role"]?.string {
                case "system", "developer": system.append(text)
                case "user": user.append(text)
                default: break
                }
            }
            schema = body?["response_format"]?["json_schema"]?["schema"]
        }
        return FakeReceivedRequest(method: http.method, path: http.path, headers: http.headers, rawBody: http.body, body: body,
                                   system: system.joined(separator: "\n"), user: user.joined(separator: "\n"),
                                   schema: schema, webSearch: webSearch)
    }

    /// A message's content: a string, or text parts (`text`, `input_text`).
    static func messageText(_ content: FakeJSON?) -> String {
        if let text = content?.string { return text }
        return (content?.array ?? []).compactMap { $0["text"]?.string }.joined(separator: "\n")
    }

    private func authenticationFailure(_ http: FakeHTTPRequest) -> FakeHTTPResponse? {
        guard let authorization = http.header("authorization") else {
            return Self.error(401, message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.", type: "invalid_request_error")
        }
        let presented = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst("Bearer ".count)) : authorization
        guard presented == apiKey else { return Self.invalidKey(presented) }
        return nil
    }

    private static func invalidKey(_ presented: String) -> FakeHTTPResponse {
        error(401, message: "Incorrect API key provided: \(maskedKey(presented)). You can find your API key at https://platform.openai.com/account/api-keys.",
              type: "invalid_request_error", code: "invalid_api_key")
    }

    private static func chatProblem(_ body: FakeJSON) -> FakeHTTPResponse? {
        guard let messages = body["messages"]?.array, !messages.isEmpty else {
            return error(400, message: "Missing required parameter: 'messages'.", type: "invalid_request_error", param: "messages", code: "missing_required_parameter")
        }
        switch body["response_format"]?["type"]?.string {
        case "json_schema":
            guard let format = body["response_format"]?["json_schema"], let name = format["name"]?.string else {
                return error(400, message: "Missing required parameter: 'response_format.json_schema.name'.", type: "invalid_request_error",
                             param: "response_format.json_schema.name", code: "missing_required_parameter")
            }
            if format["strict"]?.bool == true, let schema = format["schema"], let problem = FakeStrictSchema.violation(in: schema, name: name) {
                return error(400, message: problem, type: "invalid_request_error", param: "response_format", code: "invalid_json_schema")
            }
        case "json_object":
            let text = messages.map { messageText($0["content"]) }.joined(separator: "\n")
            if !text.lowercased().contains("json") {
                return error(400, message: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
                             type: "invalid_request_error", param: "messages")
            }
        default:
            break
        }
        return nil
    }

    private static func responsesProblem(_ body: FakeJSON) -> FakeHTTPResponse? {
        guard body["input"] != nil else {
            return error(400, message: "Missing required parameter: 'input'.", type: "invalid_request_error", param: "input", code: "missing_required_parameter")
        }
        if let format = body["text"]?["format"], format["type"]?.string == "json_schema" {
            guard let name = format["name"]?.string else {
                return error(400, message: "Missing required parameter: 'text.format.name'.", type: "invalid_request_error",
                             param: "text.format.name", code: "missing_required_parameter")
            }
            if format["strict"]?.bool == true, let schema = format["schema"], let problem = FakeStrictSchema.violation(in: schema, name: name) {
                return error(400, message: problem, type: "invalid_request_error", param: "text.format.schema", code: "invalid_json_schema")
            }
        }
        return nil
    }

    // MARK: Rendering outcomes

    private func render(_ outcome: FakeOutcome, request: FakeReceivedRequest, body: FakeJSON, model: String, responsesAPI: Bool) async -> FakeHTTPResponse {
        switch outcome {
        case .delayed(let delay, let then):
            try? await Task.sleep(for: delay)
            return await render(then, request: request, body: body, model: model, responsesAPI: responsesAPI)
        case .keepAlive(let lines, let then):
            var response = await render(then, request: request, body: body, model: model, responsesAPI: responsesAPI)
            response.keepAliveLines = lines
            return response
        case .rateLimited(let milliseconds):
            return Self.error(429, message: "Rate limit reached for \(model) in organization org-fake on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in \(Self.resetText(milliseconds)). Visit https://platform.openai.com/account/rate-limits to learn more.",
                              type: "requests", code: "rate_limit_exceeded", headers: Self.rateLimitHeaders(retryAfterMilliseconds: milliseconds))
        case .quotaExhausted:
            return Self.error(429, message: "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
                              type: "insufficient_quota", code: "insufficient_quota")
        case .overloaded(let seconds):
            return Self.error(503, message: "The engine is currently overloaded, please try again later.", type: "server_error",
                              headers: seconds.map { [FakeHeader("retry-after", String($0))] } ?? [])
        case .serverError:
            return Self.error(500, message: "The server had an error while processing your request. Sorry about that!", type: "server_error")
        case .unauthorized:
            return Self.invalidKey(apiKey + "-revoked")
        case .badRequest(let message):
            return Self.error(400, message: message, type: "invalid_request_error")
        case .raw(let status, let headers, let text):
            return FakeHTTPResponse(status: status, headers: headers, body: text)
        default:
            return responsesAPI
                ? responsesReply(outcome, request: request, body: body, model: model)
                : chatReply(outcome, request: request, body: body, model: model)
        }
    }

    private func chatReply(_ outcome: FakeOutcome, request: FakeReceivedRequest, body: FakeJSON, model: String) -> FakeHTTPResponse {
        let answer = outcome.answerText(script: script, request: request)
        var content = FakeJSON.string(answer)
        var refusal = FakeJSON.null
        var finishReason = "stop"
        switch outcome {
        case .refusal(let message):
            content = .null
            refusal = .string(message)
        case .truncated:
            content = .string(truncatedHalf(of: answer))
            finishReason = "length"
        case .blank:
            content = .string("")
        default:
            break
        }
        let schemaText = request.schema?.encoded() ?? ""
        var usage = FakeUsage(script: script, cacheKey: "chat|" + model, prefix: [request.system, schemaText], rest: [request.user],
                              answer: content.string ?? refusal.string ?? "")
        if finishReason == "length" { usage.output = body["max_completion_tokens"]?.int ?? body["max_tokens"]?.int ?? usage.output }
        let total = usage.input + usage.output
        let usageJSON: FakeJSON = [
            "prompt_tokens": .int(usage.input),
            "completion_tokens": .int(usage.output),
            "total_tokens": .int(total),
            "prompt_tokens_details": ["cached_tokens": .int(usage.cached), "audio_tokens": 0],
            "completion_tokens_details": ["reasoning_tokens": 0, "audio_tokens": 0],
        ]
        let message: FakeJSON = ["role": "assistant", "content": content, "refusal": refusal, "annotations": []]
        let choice: FakeJSON = ["index": 0, "message": message, "logprobs": .null, "finish_reason": .string(finishReason)]
        let reply: FakeJSON = [
            "id": .string(script.nextID("chatcmpl-fake")),
            "object": "chat.completion",
            "created": .int(Int(Date().timeIntervalSince1970)),
            "model": .string(model),
            "choices": .array([choice]),
            "usage": usageJSON,
            "service_tier": "default",
            "system_fingerprint": "fp_fake0001",
        ]
        return .json(200, reply, headers: [FakeHeader("x-request-id", script.nextID("req_"))])
    }

    private func responsesReply(_ outcome: FakeOutcome, request: FakeReceivedRequest, body: FakeJSON, model: String) -> FakeHTTPResponse {
        let answer = outcome.answerText(script: script, request: request)
        var status = "completed"
        var incompleteDetails = FakeJSON.null
        var output: [FakeJSON] = []
        var content: [FakeJSON]
        var text = answer
        switch outcome {
        case .refusal(let message):
            content = [["type": "refusal", "refusal": .string(message)]]
            text = message
        case .truncated:
            text = truncatedHalf(of: answer)
            status = "incomplete"
            incompleteDetails = ["reason": "max_output_tokens"]
            content = [["type": "output_text", "text": .string(text), "annotations": [], "logprobs": []]]
        case .blank:
            text = ""
            content = [["type": "output_text", "text": "", "annotations": [], "logprobs": []]]
        default:
            var citing: [FakeSearchResult] = []
            if case .answer(_, let results) = outcome { citing = results }
            if !request.webSearch { citing = [] }
            if !citing.isEmpty {
                let query = String(request.user.prefix(80))
                let searchCall: FakeJSON = [
                    "type": "web_search_call",
                    "id": .string(script.nextID("ws_fake")),
                    "status": "completed",
                    "action": ["type": "search", "query": .string(query)],
                ]
                output.append(searchCall)
            }
            let end = answer.count
            let annotations: [FakeJSON] = citing.map { result -> FakeJSON in
                ["type": "url_citation", "start_index": 0, "end_index": .int(end), "url": .string(result.url), "title": .string(result.title)]
            }
            let part: FakeJSON = ["type": "output_text", "text": .string(answer), "annotations": .array(annotations), "logprobs": []]
            content = [part]
        }
        let messageItem: FakeJSON = [
            "type": "message",
            "id": .string(script.nextID("msg_fake")),
            "status": .string(status),
            "role": "assistant",
            "content": .array(content),
        ]
        output.append(messageItem)
        let toolsText = body["tools"]?.encoded() ?? ""
        let schemaText = request.schema?.encoded() ?? ""
        var usage = FakeUsage(script: script, cacheKey: "responses|" + model, prefix: [toolsText, request.system, schemaText],
                              rest: [request.user], answer: text)
        if status == "incomplete" { usage.output = body["max_output_tokens"]?.int ?? usage.output }
        let total = usage.input + usage.output
        let usageJSON: FakeJSON = [
            "input_tokens": .int(usage.input),
            "input_tokens_details": ["cached_tokens": .int(usage.cached)],
            "output_tokens": .int(usage.output),
            "output_tokens_details": ["reasoning_tokens": 0],
            "total_tokens": .int(total),
        ]
        let reply: FakeJSON = [
            "id": .string(script.nextID("resp_fake")),
            "object": "response",
            "created_at": .int(Int(Date().timeIntervalSince1970)),
            "status": .string(status),
            "error": .null,
            "incomplete_details": incompleteDetails,
            "instructions": body["instructions"] ?? .null,
            "max_output_tokens": body["max_output_tokens"] ?? .null,
            "model": .string(model),
            "output": .array(output),
            "tools": body["tools"] ?? .array([]),
            "usage": usageJSON,
        ]
        return .json(200, reply, headers: [FakeHeader("x-request-id", script.nextID("req_"))])
    }

    // MARK: Errors

    static func error(_ status: Int, message: String, type: String, param: String? = nil, code: String? = nil,
                      headers: [FakeHeader] = []) -> FakeHTTPResponse {
        let body: FakeJSON = ["error": [
            "message": .string(message),
            "type": .string(type),
            "param": param.map(FakeJSON.string) ?? .null,
            "code": code.map(FakeJSON.string) ?? .null,
        ]]
        return .json(status, body, headers: headers)
    }

    /// The documented `x-ratelimit-*` headers plus `retry-after-ms` and `retry-after`.
    static func rateLimitHeaders(retryAfterMilliseconds milliseconds: Int) -> [FakeHeader] {
        [
            FakeHeader("x-ratelimit-limit-requests", "500"),
            FakeHeader("x-ratelimit-remaining-requests", "0"),
            FakeHeader("x-ratelimit-reset-requests", resetText(milliseconds)),
            FakeHeader("x-ratelimit-limit-tokens", "200000"),
            FakeHeader("x-ratelimit-remaining-tokens", "199450"),
            FakeHeader("x-ratelimit-reset-tokens", "6m0s"),
            FakeHeader("retry-after-ms", String(milliseconds)),
            FakeHeader("retry-after", String((milliseconds + 999) / 1_000)),
        ]
    }

    /// OpenAI's reset format: `12ms`, `1.5s`, `6m0s`.
    static func resetText(_ milliseconds: Int) -> String {
        if milliseconds < 1_000 { return "\(milliseconds)ms" }
        if milliseconds < 60_000 {
            let tenths = milliseconds / 100
            return tenths % 10 == 0 ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s"
        }
        return "\(milliseconds / 60_000)m\((milliseconds % 60_000) / 1_000)s"
    }
}
