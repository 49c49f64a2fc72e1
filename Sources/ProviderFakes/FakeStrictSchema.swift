/// OpenAI's strict structured-output rules, checked the way the API checks them before
/// answering: every object lists all its properties in `required` and sets
/// `additionalProperties: false`. A schema that breaks them gets the same 400 the real API
/// sends, so the bug shows in tests rather than in production.
enum FakeStrictSchema {
    /// The API's message for the first violation, nil when the schema is acceptable.
    static func violation(in schema: FakeJSON, name: String) -> String? {
        violation(in: schema, context: []).map { "Invalid schema for response_format '\(name)': \($0)" }
    }

    private static func violation(in schema: FakeJSON, context: [String]) -> String? {
        let place = "In context=(" + context.map { "'\($0)'" }.joined(separator: ", ") + (context.count == 1 ? ",)" : ")")
        let types = schema["type"]?.array?.compactMap(\.string) ?? schema["type"]?.string.map { [$0] } ?? []
        if types.contains("object") || schema["properties"] != nil {
            if schema["additionalProperties"]?.bool != false {
                return "\(place), 'additionalProperties' is required to be supplied and to be false."
            }
            let properties = schema["properties"]?.object ?? [:]
            let required = Set(schema["required"]?.array?.compactMap(\.string) ?? [])
            if let missing = properties.keys.sorted().first(where: { !required.contains($0) }) {
                return "\(place), 'required' is required to be supplied and to be an array including every key in properties. Missing '\(missing)'."
            }
            for name in properties.keys.sorted() {
                if let property = properties[name], let problem = violation(in: property, context: context + ["properties", name]) {
                    return problem
                }
            }
        }
        if let items = schema["items"], let problem = violation(in: items, context: context + ["items"]) {
            return problem
        }
        for keyword in ["anyOf", "$defs", "definitions"] {
            if let alternatives = schema[keyword]?.array {
                for (index, alternative) in alternatives.enumerated() {
                    if let problem = violation(in: alternative, context: context + [keyword, String(index)]) { return problem }
                }
            }
            if let definitions = schema[keyword]?.object {
                for name in definitions.keys.sorted() {
                    if let definition = definitions[name], let problem = violation(in: definition, context: context + [keyword, name]) {
                        return problem
                    }
                }
            }
        }
        return nil
    }
}
