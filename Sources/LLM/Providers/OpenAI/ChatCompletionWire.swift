/// The Chat Completions wire format (`POST /chat/completions`), shared by OpenAI and DeepSeek,
/// whose API is OpenAI-compatible. Only the fields we send or read are modelled; unknown reply
/// fields are ignored so provider additions do not break us.
struct ChatCompletionRequest: Encodable {
    struct Message: Encodable {
        var role: String
        var content: String
    }

    var model: String
    var messages: [Message]
    /// `{"type":"json_schema",…}` for OpenAI, `{"type":"json_object"}` for DeepSeek.
    var responseFormat: JSONValue
    /// OpenAI's current name for the output limit.
    var maxCompletionTokens: Int?
    /// DeepSeek's (and older OpenAI models') name for it.
    var maxTokens: Int?

    enum CodingKeys: String, CodingKey {
        case model, messages
        case responseFormat = "response_format"
        case maxCompletionTokens = "max_completion_tokens"
        case maxTokens = "max_tokens"
    }
}

struct ChatCompletionReply: Decodable {
    struct Choice: Decodable {
        var message: Message?
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case message
            case finishReason = "finish_reason"
        }
    }

    struct Message: Decodable {
        /// The JSON answer as a string; null when the model refused.
        var content: String?
        /// Non-null when the model declined (OpenAI structured outputs).
        var refusal: String?
    }

    struct Usage: Decodable {
        struct PromptDetails: Decodable {
            var cachedTokens: Int?

            enum CodingKeys: String, CodingKey {
                case cachedTokens = "cached_tokens"
            }
        }

        var promptTokens: Int?
        var completionTokens: Int?
        var promptTokensDetails: PromptDetails?
        /// DeepSeek's own count of prompt tokens served from its disk cache.
        var promptCacheHitTokens: Int?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case promptTokensDetails = "prompt_tokens_details"
            case promptCacheHitTokens = "prompt_cache_hit_tokens"
        }

        var llmUsage: LLMUsage {
            LLMUsage(inputTokens: promptTokens ?? 0, outputTokens: completionTokens ?? 0,
                     cachedInputTokens: promptCacheHitTokens ?? promptTokensDetails?.cachedTokens ?? 0)
        }
    }

    var model: String?
    var choices: [Choice]
    var usage: Usage?
}
