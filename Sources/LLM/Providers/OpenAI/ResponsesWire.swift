/// The OpenAI Responses wire format (`POST /responses`): the API that offers the `web_search`
/// tool. Only the fields we send or read are modelled.
struct ResponsesRequest: Encodable {
    var model: String
    /// The system part: instructions stay out of the conversation and keep the cached prefix.
    var instructions: String
    var input: String
    /// Absent (not empty) when the call does not search.
    var tools: [JSONValue]?
    /// `{"format":{"type":"json_schema","name":…,"strict":true,"schema":…}}`.
    var text: JSONValue
    var maxOutputTokens: Int

    enum CodingKeys: String, CodingKey {
        case model, instructions, input, tools, text
        case maxOutputTokens = "max_output_tokens"
    }
}

struct ResponsesReply: Decodable {
    struct OutputItem: Decodable {
        /// `message`, `web_search_call`, `reasoning`, …
        var type: String
        var content: [ContentPart]?
    }

    struct ContentPart: Decodable {
        /// `output_text` or `refusal`.
        var type: String
        var text: String?
        var refusal: String?
        var annotations: [Annotation]?
    }

    struct Annotation: Decodable {
        var type: String
        var url: String?
        var title: String?
    }

    struct IncompleteDetails: Decodable {
        var reason: String?
    }

    struct ResponseError: Decodable {
        var code: String?
        var message: String?
    }

    struct Usage: Decodable {
        struct InputDetails: Decodable {
            var cachedTokens: Int?

            enum CodingKeys: String, CodingKey {
                case cachedTokens = "cached_tokens"
            }
        }

        var inputTokens: Int?
        var outputTokens: Int?
        var inputTokensDetails: InputDetails?

        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens"
            case outputTokens = "output_tokens"
            case inputTokensDetails = "input_tokens_details"
        }
    }

    var model: String?
    /// `completed`, `incomplete`, `failed`, …
    var status: String?
    var incompleteDetails: IncompleteDetails?
    var error: ResponseError?
    var output: [OutputItem]?
    var usage: Usage?

    enum CodingKeys: String, CodingKey {
        case model, status, error, output, usage
        case incompleteDetails = "incomplete_details"
    }
}
