/// A page a web search "found": what the fakes put in search results and citations.
public struct FakeSearchResult: Sendable, Hashable {
    public var url: String
    public var title: String
    /// The passage an answer cites from it.
    public var citedText: String

    public init(url: String, title: String, citedText: String = "") {
        self.url = url
        self.title = title
        self.citedText = citedText.isEmpty ? title : citedText
    }
}

/// What a fake does with the next request. Each provider fake renders an outcome in its own
/// documented wire format: the same `.rateLimited` is an OpenAI 429 `rate_limit_exceeded` with
/// `retry-after-ms`, an Anthropic 429 `rate_limit_error` with `retry-after` in seconds, and a
/// DeepSeek 429 without either.
public indirect enum FakeOutcome: Sendable, Hashable {
    /// A successful structured answer (JSON text); nil asks the script's answer function. When
    /// the request enables web search and `citing` is not empty, the reply also carries the
    /// search (OpenAI `web_search_call`, Anthropic `server_tool_use` + `web_search_tool_result`)
    /// and cites these pages.
    case answer(String? = nil, citing: [FakeSearchResult] = [])
    /// The model declines: OpenAI `message.refusal` / a `refusal` content part, Anthropic
    /// `stop_reason: "refusal"`.
    case refusal(String = "I'm sorry, but I can't help with that request.")
    /// The output limit cut the answer: `finish_reason: "length"`, `status: "incomplete"` with
    /// `max_output_tokens`, `stop_reason: "max_tokens"`. Carries half the answer.
    case truncated
    /// Blank content with a normal finish (DeepSeek does this now and then).
    case blank
    /// Text that is not the structured answer: not JSON for OpenAI and DeepSeek, a text block
    /// without the `record` tool call for Anthropic.
    case plainText(String)
    /// DeepSeek: blank keep-alive lines before the JSON body of `then`.
    case keepAlive(lines: Int, then: FakeOutcome)
    /// Anthropic: the first reply stops with `pause_turn` after a search; the continuation (the
    /// request that sends the paused turn back) gets the answer citing `citing`.
    case pauseTurn(String? = nil, citing: [FakeSearchResult])
    /// Queued by `.pauseTurn` for the continuation; not meant to be enqueued by hand.
    case resumeAfterPause(String?, citing: [FakeSearchResult])
    /// Anthropic: the search fails inside HTTP 200 (`web_search_tool_result_error` with this
    /// `error_code`, e.g. `max_uses_exceeded`) and the model answers anyway.
    case searchError(code: String, answer: String? = nil)
    /// 429 rate limit with the provider's headers.
    case rateLimited(retryAfterMilliseconds: Int = 1_500)
    /// OpenAI 429 `insufficient_quota`, Anthropic 402 billing, DeepSeek 402 insufficient balance.
    case quotaExhausted
    /// Anthropic 529 `overloaded_error`, OpenAI and DeepSeek 503.
    case overloaded(retryAfterSeconds: Int? = nil)
    /// 500 in the provider's format.
    case serverError
    /// 401 as if the key were wrong.
    case unauthorized
    /// 400 `invalid_request_error` with this message.
    case badRequest(String = "Invalid request.")
    /// Anything else, byte for byte.
    case raw(status: Int, headers: [FakeHeader] = [], body: String)
    /// Wait, then answer with `then` (on top of the script's latency).
    case delayed(Duration, then: FakeOutcome)
}

extension FakeOutcome {
    /// The answer text of a successful outcome, or of a cut-off one before it is cut.
    func answerText(script: FakeScript, request: FakeReceivedRequest) -> String {
        switch self {
        case .answer(let text, _), .pauseTurn(let text, _), .resumeAfterPause(let text, _), .searchError(_, let text):
            return text ?? script.answer(for: request)
        case .plainText(let text):
            return text
        default:
            return script.answer(for: request)
        }
    }
}
