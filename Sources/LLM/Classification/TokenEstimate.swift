/// A deterministic estimate of how many tokens a provider will count for a text: used to compare
/// ways of building the same prompts (`scripts/bench tokens`) and to budget batches, never to
/// bill — the bill uses the provider's own counts (`LLMUsage`).
///
/// The rule, per Unicode scalar:
/// - ASCII: ¼ token. OpenAI's published rule of thumb is about four characters of English per
///   token, and an ASCII character is one UTF-8 byte: one token per 4 bytes.
/// - Cyrillic (U+0400–U+052F): 0.4 token, one token per 2.5 letters. Byte-level BPE vocabularies
///   (OpenAI's o200k, Anthropic's, DeepSeek's) hold far fewer Russian merges than English ones,
///   and a Cyrillic letter is two UTF-8 bytes; 2–3 letters a token is the usual observation for
///   Russian prose, and we take the middle: 0.2 token per UTF-8 byte.
/// - Anything else (typographic quotes and dashes, №, emoji, other scripts): one token each, the
///   common case for characters rare in the training text.
///
/// The sum is rounded up. These constants are rules of thumb, not measurements on our text; the
/// benchmark compares two ways of sending the same text, so an error in them moves both figures
/// alike and largely cancels in the ratio.
public enum TokenEstimate {
    /// The framing a chat request adds around its turns (role markers, the reply primer):
    /// OpenAI's cookbook counts 3 tokens per message plus 3 for the reply, so 9 for a system and
    /// a user turn.
    public static let requestOverhead = 9

    public static func tokens(in text: String) -> Int {
        // In twentieths of a token, so the sum is exact: ASCII 5, Cyrillic 8, the rest 20.
        var twentieths = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0..<0x80: twentieths += 5
            case 0x400..<0x530: twentieths += 8
            default: twentieths += 20
            }
        }
        return (twentieths + 19) / 20
    }

    /// What a provider reads for a request: both turns, the schema (providers feed it to the
    /// model as text) and the framing.
    public static func tokens(in request: LLMRequest) -> Int {
        tokens(in: request.system) + tokens(in: request.user) + tokens(in: request.schema.schema) + requestOverhead
    }

    /// A JSON value as compact JSON text: a schema, or a structured answer.
    public static func tokens(in value: JSONValue) -> Int {
        tokens(in: value.encodedString())
    }
}
