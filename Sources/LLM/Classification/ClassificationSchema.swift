/// The JSON schema of a classification answer:
///
///     {"results": [{"key": "m1", "category": "invoice", "confidence": 0.9, "reason": "…"}]}
///
/// Both `key` and `category` are enums — of this request's message keys and of the tenant's
/// category ids plus `"none"` — so a schema-constrained provider (OpenAI strict `json_schema`,
/// Anthropic's forced tool) cannot answer a message that was not asked about or a category that
/// does not exist, whatever a message says. Strict-mode rules: every property in `required`,
/// `additionalProperties: false`, no keywords strict mode rejects (no `minimum`/`maximum`: the
/// engine clamps the confidence instead).
///
/// Keys are numbered from `m1` in every request, so every full batch of one tenant sends the same
/// schema bytes, and the schema — which providers place ahead of the prompt (Anthropic renders
/// tools before the system part) — does not spoil the prompt cache.
public enum ClassificationSchema {
    /// The category answer meaning "no category fits". It can never be a category id.
    public static let noneCategoryID = "none"
    public static let name = "message_categories"

    public static func schema(keys: [String], categoryIDs: [String]) -> LLMSchema {
        let result: JSONValue = .object([
            "type": .string("object"),
            "properties": .object([
                "key": .object(["type": .string("string"), "enum": .array(keys.map(JSONValue.string))]),
                "category": .object([
                    "type": .string("string"),
                    "enum": .array((categoryIDs + [noneCategoryID]).map(JSONValue.string)),
                ]),
                "confidence": .object(["type": .string("number")]),
                "reason": .object(["type": .string("string")]),
            ]),
            "required": .array(["key", "category", "confidence", "reason"].map(JSONValue.string)),
            "additionalProperties": .bool(false),
        ])
        let schema: JSONValue = .object([
            "type": .string("object"),
            "properties": .object(["results": .object(["type": .string("array"), "items": result])]),
            "required": .array([.string("results")]),
            "additionalProperties": .bool(false),
        ])
        return LLMSchema(name: name, schema: schema)
    }
}
