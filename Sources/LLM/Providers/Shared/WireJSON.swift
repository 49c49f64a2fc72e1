import Foundation

/// How request bodies are written: sorted keys, so the same request is the same bytes (the
/// prefix providers cache on), and no escaped slashes, so URLs in prompts stay as written.
/// Key strategies are deliberately not used: they would rewrite the property names inside the
/// tenant's JSON schema too.
enum WireJSON {
    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
