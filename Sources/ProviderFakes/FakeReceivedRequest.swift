/// A request a fake received, kept so tests can check what the client really sent: the
/// headers (the key must be in the auth header and nowhere else), the JSON body, and the parts
/// each provider's format puts in different places, pulled out the same way for all three.
public struct FakeReceivedRequest: Sendable {
    public let method: String
    public let path: String
    public let headers: [FakeHeader]
    public let rawBody: String
    /// Nil when the body is not JSON.
    public let body: FakeJSON?
    /// System text: OpenAI chat system/developer messages, Responses `instructions`, Anthropic
    /// `system` (a string or text blocks), DeepSeek's system message.
    public let system: String
    /// The user turn's text.
    public let user: String
    /// The answer's schema: `json_schema.schema`, `text.format.schema`, the Anthropic tool's
    /// `input_schema`, or the JSON object that ends a DeepSeek system prompt.
    public let schema: FakeJSON?
    /// The request enables a web search tool.
    public let webSearch: Bool

    public func header(_ name: String) -> String? {
        let name = name.lowercased()
        return headers.first { $0.name == name }?.value
    }
}
