/// The smallest JSON a schema allows: the default answer of the fakes, so a test that does not
/// care what the model says still gets a well-formed one.
public enum FakeSchemaAnswer {
    public static func minimal(for schema: FakeJSON?) -> FakeJSON {
        guard let schema else { return .object([:]) }
        if let first = schema["enum"]?.array?.first { return first }
        if let constant = schema["const"] { return constant }
        if let alternatives = schema["anyOf"]?.array ?? schema["oneOf"]?.array {
            let nonNull = alternatives.first { $0["type"]?.string != "null" }
            return minimal(for: nonNull ?? alternatives.first)
        }
        let types = schema["type"]?.array?.compactMap(\.string) ?? schema["type"]?.string.map { [$0] } ?? []
        let type = types.first { $0 != "null" } ?? types.first ?? (schema["properties"] == nil ? "string" : "object")
        switch type {
        case "object":
            var object: [String: FakeJSON] = [:]
            for (name, property) in schema["properties"]?.object ?? [:] {
                object[name] = minimal(for: property)
            }
            return .object(object)
        case "array":
            let count = schema["minItems"]?.int ?? 0
            return .array(Array(repeating: minimal(for: schema["items"]), count: max(0, count)))
        case "integer", "number":
            return .int(schema["minimum"]?.int ?? 0)
        case "boolean":
            return .bool(false)
        case "null":
            return .null
        default:
            return .string("")
        }
    }
}
