import Foundation

/// A structured answer that parsed as JSON. Refusals, truncated JSON and blank answers never
/// become an `LLMResponse`: the adapters throw `LLMError` for them.
public struct LLMResponse: Sendable, Hashable {
    public var provider: LLMProviderKind
    public var model: String
    /// The answer, already parsed; the caller checks it against what it asked for.
    public var output: JSONValue
    /// Sources the answer cites (web search only).
    public var citations: [LLMCitation]
    public var usage: LLMUsage

    public init(provider: LLMProviderKind, model: String, output: JSONValue, citations: [LLMCitation] = [], usage: LLMUsage) {
        self.provider = provider
        self.model = model
        self.output = output
        self.citations = citations
        self.usage = usage
    }
}

public struct LLMCitation: Sendable, Hashable {
    public var url: String
    public var title: String?

    public init(url: String, title: String?) {
        self.url = url
        self.title = title
    }
}

/// Tokens as the provider counted them.
public struct LLMUsage: Sendable, Hashable {
    public var inputTokens: Int
    public var outputTokens: Int
    /// Input tokens served from the provider's prompt cache (billed cheaper).
    public var cachedInputTokens: Int
    public var webSearches: Int

    public init(inputTokens: Int = 0, outputTokens: Int = 0, cachedInputTokens: Int = 0, webSearches: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedInputTokens = cachedInputTokens
        self.webSearches = webSearches
    }

    public static func + (lhs: LLMUsage, rhs: LLMUsage) -> LLMUsage {
        LLMUsage(inputTokens: lhs.inputTokens + rhs.inputTokens, outputTokens: lhs.outputTokens + rhs.outputTokens,
                 cachedInputTokens: lhs.cachedInputTokens + rhs.cachedInputTokens, webSearches: lhs.webSearches + rhs.webSearches)
    }
}

public enum LLMProviderKind: String, Sendable, Hashable, Codable, CaseIterable {
    case openAI = "openai"
    case anthropic
    case deepSeek = "deepseek"
}
