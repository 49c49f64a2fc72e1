import Foundation

/// Turns the text a model produced into the structured answer, or says why it cannot.
enum StructuredAnswer {
    /// The JSON document in `text`; blank or unparsable text is a malformed answer.
    static func parse(_ text: String?, provider: LLMProviderKind) throws -> JSONValue {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw LLMError.malformedAnswer(provider: provider, message: "the answer is blank")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8))
        } catch {
            throw LLMError.malformedAnswer(provider: provider, message: "the answer is not JSON (\(trimmed.count) characters)")
        }
    }

    /// A cheap shape check for providers that cannot enforce the schema (DeepSeek's JSON mode):
    /// the answer is an object holding every key the schema's top level requires.
    static func checkRequiredKeys(of answer: JSONValue, schema: JSONValue, provider: LLMProviderKind) throws {
        guard case .object(let object) = answer else {
            throw LLMError.malformedAnswer(provider: provider, message: "the answer is not a JSON object")
        }
        let required = schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let missing = required.filter { object[$0] == nil }
        guard missing.isEmpty else {
            throw LLMError.malformedAnswer(provider: provider, message: "the answer lacks required keys: \(missing.joined(separator: ", "))")
        }
    }
}
