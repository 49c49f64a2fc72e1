import AsyncHTTPClient
import Logging

/// Where and how to reach one provider for one tenant: what the settings page stores (with the
/// key encrypted at rest) and what `makeAdapter` turns into an `LLMClient`.
///
/// The key is a secret: `description`, `debugDescription` and the mirror (`dump`, string
/// interpolation of the whole value) leave it out, so logging a configuration cannot leak it.
public struct LLMProviderConfiguration: Sendable {
    public var kind: LLMProviderKind
    /// Without a trailing slash, e.g. `https://api.openai.com/v1`; the adapter appends the
    /// endpoint path (`/chat/completions`, `/responses`, `/messages`).
    public var baseURL: String
    /// Model ids change often (e.g. `deepseek-v4-flash`), so they are configuration, not code.
    public var model: String
    public var apiKey: String
    /// The whole exchange, connection to last byte. Web search answers take tens of seconds.
    public var requestTimeout: Duration
    /// Bodies above this are refused rather than buffered: a runaway reply must not eat memory.
    public var maxResponseBytes: Int
    /// OpenAI only: send every request to `/responses`, not only those with web search.
    public var useResponsesAPI: Bool

    public init(kind: LLMProviderKind, model: String, apiKey: String, baseURL: String? = nil,
                requestTimeout: Duration = .seconds(120), maxResponseBytes: Int = 4 << 20,
                useResponsesAPI: Bool = false) {
        self.kind = kind
        self.model = model
        self.apiKey = apiKey
        self.baseURL = baseURL ?? Self.defaultBaseURL(for: kind)
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.useResponsesAPI = useResponsesAPI
    }

    public static func defaultBaseURL(for kind: LLMProviderKind) -> String {
        switch kind {
        case .openAI: "https://api.openai.com/v1"
        case .anthropic: "https://api.anthropic.com/v1"
        case .deepSeek: "https://api.deepseek.com"
        }
    }

    /// The adapter that speaks this provider's wire format. `httpClient` is the application's
    /// shared client: adapters never create or shut one down.
    public func makeAdapter(httpClient: HTTPClient, logger: Logger = Logger(label: "smartysales.llm")) -> any LLMClient {
        switch kind {
        case .openAI: return OpenAIAdapter(configuration: self, httpClient: httpClient, logger: logger)
        case .anthropic: return AnthropicAdapter(configuration: self, httpClient: httpClient, logger: logger)
        case .deepSeek: return DeepSeekAdapter(configuration: self, httpClient: httpClient, logger: logger)
        }
    }

    /// `baseURL` joined with an endpoint path, whatever slashes either side carries.
    func endpoint(_ path: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/" + String(path.drop(while: { $0 == "/" }))
    }
}

extension LLMProviderConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "\(kind.rawValue) \(model) at \(baseURL)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "kind": kind, "baseURL": baseURL, "model": model, "apiKey": "[redacted]",
            "requestTimeout": requestTimeout, "maxResponseBytes": maxResponseBytes, "useResponsesAPI": useResponsesAPI,
        ])
    }
}
