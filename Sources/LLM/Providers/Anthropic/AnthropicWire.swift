/// The Anthropic Messages wire format (`POST /v1/messages`). Content blocks are kept as
/// `JSONValue`: a paused turn must be sent back exactly as it came (server tool blocks carry
/// encrypted fields we must not drop), and only a few block types are read.
struct AnthropicMessagesRequest: Encodable {
    struct SystemBlock: Encodable {
        var type = "text"
        var text: String
        /// `{"type":"ephemeral"}`: everything up to here (tools, then system) is cached.
        var cacheControl: JSONValue?

        enum CodingKeys: String, CodingKey {
            case type, text
            case cacheControl = "cache_control"
        }
    }

    struct Message: Encodable {
        var role: String
        /// A string for our user turn, the reply's blocks for a continued assistant turn.
        var content: JSONValue
    }

    var model: String
    var maxTokens: Int
    var system: [SystemBlock]
    var messages: [Message]
    var tools: [JSONValue]
    var toolChoice: JSONValue

    enum CodingKeys: String, CodingKey {
        case model, system, messages, tools
        case maxTokens = "max_tokens"
        case toolChoice = "tool_choice"
    }
}

struct AnthropicMessagesReply: Decodable {
    struct Usage: Decodable {
        struct ServerToolUse: Decodable {
            var webSearchRequests: Int?

            enum CodingKeys: String, CodingKey {
                case webSearchRequests = "web_search_requests"
            }
        }

        /// Input after the last cache breakpoint only: not the whole prompt.
        var inputTokens: Int?
        var outputTokens: Int?
        var cacheCreationInputTokens: Int?
        var cacheReadInputTokens: Int?
        var serverToolUse: ServerToolUse?

        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens"
            case outputTokens = "output_tokens"
            case cacheCreationInputTokens = "cache_creation_input_tokens"
            case cacheReadInputTokens = "cache_read_input_tokens"
            case serverToolUse = "server_tool_use"
        }

        /// Normalised to the other providers' meaning: `inputTokens` is the whole prompt
        /// (uncached + written to cache + read from cache), `cachedInputTokens` the part read.
        var llmUsage: LLMUsage {
            let cacheRead = cacheReadInputTokens ?? 0
            return LLMUsage(
                inputTokens: (inputTokens ?? 0) + (cacheCreationInputTokens ?? 0) + cacheRead,
                outputTokens: outputTokens ?? 0,
                cachedInputTokens: cacheRead,
                webSearches: serverToolUse?.webSearchRequests ?? 0
            )
        }
    }

    var model: String?
    var content: [JSONValue]
    /// `end_turn`, `tool_use`, `max_tokens`, `pause_turn`, `refusal`, `stop_sequence`.
    var stopReason: String?
    var usage: Usage?

    enum CodingKeys: String, CodingKey {
        case model, content, usage
        case stopReason = "stop_reason"
    }
}
