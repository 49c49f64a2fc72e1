/// One call for a structured answer: what every provider adapter turns into its own wire format.
///
/// The system part comes first and is kept byte-stable across calls so that providers' prompt
/// caches (OpenAI automatic, Anthropic `cache_control`, DeepSeek disk cache) can reuse it.
public struct LLMRequest: Sendable, Hashable {
    /// Instructions: stable across calls of the same kind.
    public var system: String
    /// The variable part (the data to work on), sent as the user turn.
    public var user: String
    /// The JSON schema the answer must match; for OpenAI it is sent as a strict `json_schema`,
    /// for Anthropic as a forced tool's `input_schema`, for DeepSeek described in the prompt
    /// (JSON mode) and checked on arrival.
    public var schema: LLMSchema
    /// Search the web while answering (OpenAI Responses `web_search`, Anthropic
    /// `web_search_20250305`); nil for plain structured output.
    public var webSearch: WebSearchOptions?
    public var maxOutputTokens: Int
    /// What the call is for, recorded with its usage (`classification`, `enrichment`, `outreach`).
    public var purpose: String

    public init(system: String, user: String, schema: LLMSchema, webSearch: WebSearchOptions? = nil,
                maxOutputTokens: Int = 2_048, purpose: String) {
        self.system = system
        self.user = user
        self.schema = schema
        self.webSearch = webSearch
        self.maxOutputTokens = maxOutputTokens
        self.purpose = purpose
    }
}

/// A named JSON schema. Strict-mode rules apply to every schema we write: every property listed
/// in `required`, `additionalProperties: false`, optional values as `["string", "null"]` unions.
public struct LLMSchema: Sendable, Hashable {
    public var name: String
    public var schema: JSONValue

    public init(name: String, schema: JSONValue) {
        self.name = name
        self.schema = schema
    }
}

public struct WebSearchOptions: Sendable, Hashable {
    /// Restrict results to these domains (empty: anywhere).
    public var allowedDomains: [String]
    /// Anthropic's `max_uses`.
    public var maxSearches: Int
    /// ISO country for the user location hint (`RU`).
    public var country: String?

    public init(allowedDomains: [String] = [], maxSearches: Int = 5, country: String? = "RU") {
        self.allowedDomains = allowedDomains
        self.maxSearches = maxSearches
        self.country = country
    }
}
