/// What a model costs, per million tokens and per web search, in the table's currency.
public struct LLMModelPrice: Sendable, Hashable, Codable {
    public var inputPerMillion: Double
    /// Input tokens read from the provider's prompt cache (typically a tenth of the input price).
    public var cachedInputPerMillion: Double
    public var outputPerMillion: Double
    public var perWebSearch: Double

    public init(inputPerMillion: Double, cachedInputPerMillion: Double? = nil, outputPerMillion: Double, perWebSearch: Double = 0) {
        self.inputPerMillion = inputPerMillion
        self.cachedInputPerMillion = cachedInputPerMillion ?? inputPerMillion
        self.outputPerMillion = outputPerMillion
        self.perWebSearch = perWebSearch
    }

    /// Configuration files may leave out the cached price (then: the input price) and the
    /// search price (then: free).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let input = try container.decode(Double.self, forKey: .inputPerMillion)
        self.init(
            inputPerMillion: input,
            cachedInputPerMillion: try container.decodeIfPresent(Double.self, forKey: .cachedInputPerMillion),
            outputPerMillion: try container.decode(Double.self, forKey: .outputPerMillion),
            perWebSearch: try container.decodeIfPresent(Double.self, forKey: .perWebSearch) ?? 0
        )
    }
}

/// Prices by model id, kept in configuration (providers change them; we do not ship them in
/// code). Costs come out in millionths of the currency unit as an integer, so sums are exact.
public struct LLMPriceTable: Sendable, Hashable, Codable {
    /// ISO 4217, e.g. `USD` or `RUB`.
    public var currency: String
    public var models: [String: LLMModelPrice]

    public init(currency: String = "USD", models: [String: LLMModelPrice] = [:]) {
        self.currency = currency
        self.models = models
    }

    /// The exact model id, else the longest listed id it starts with, so `gpt-4o-mini` prices
    /// the dated snapshot `gpt-4o-mini-2024-07-18` a provider reports back.
    public func price(for model: String) -> LLMModelPrice? {
        if let exact = models[model] { return exact }
        return models.filter { model.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }?.value
    }

    /// Micro-units of `currency` (a price per million tokens is exactly micro-units per token);
    /// nil when the model has no price here.
    public func costMicros(model: String, usage: LLMUsage) -> Int64? {
        guard let price = price(for: model) else { return nil }
        let cached = min(max(usage.cachedInputTokens, 0), max(usage.inputTokens, 0))
        let uncached = max(usage.inputTokens - cached, 0)
        let micros = Double(uncached) * price.inputPerMillion
            + Double(cached) * price.cachedInputPerMillion
            + Double(max(usage.outputTokens, 0)) * price.outputPerMillion
            + Double(max(usage.webSearches, 0)) * price.perWebSearch * 1_000_000
        return Int64(micros.rounded())
    }
}
