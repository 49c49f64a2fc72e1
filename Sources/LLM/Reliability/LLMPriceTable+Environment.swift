import Foundation

extension LLMPriceTable {
    /// The environment variable naming the price table file: JSON of this type, for example
    /// `{"currency": "USD", "models": {"gpt-4.1-mini": {"inputPerMillion": 0.4, "outputPerMillion": 1.6}}}`.
    public static let environmentVariable = "SMARTYSALES_LLM_PRICES"

    /// The table the file in `SMARTYSALES_LLM_PRICES` holds, or an empty one (calls are then
    /// recorded without a cost). Read once at start-up so a broken file stops the process there,
    /// with its path in the message, rather than at the first call.
    public static func load(environment: [String: String]) throws -> LLMPriceTable {
        guard let path = environment[environmentVariable], !path.isEmpty else { return LLMPriceTable() }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode(LLMPriceTable.self, from: data)
        } catch {
            throw LLMPriceTableError(path: path, reason: String(describing: error))
        }
    }
}

public struct LLMPriceTableError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public var description: String { "the LLM price table \(path) (\(LLMPriceTable.environmentVariable)) cannot be read: \(reason)" }
}
