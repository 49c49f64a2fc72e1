/// Token counts a fake reports, worked out from what the request carried.
struct FakeUsage {
    var input: Int
    var cached: Int
    var output: Int

    /// `prefix` is the stable part a provider caches (system part, schema, tools), `rest` the
    /// variable part; `cacheKey` identifies the prefix (model included: caches are per model).
    init(script: FakeScript, cacheKey: String, prefix: [String], rest: [String], answer: String) {
        let prefixTokens = FakeTokens.count(prefix)
        input = prefixTokens + FakeTokens.count(rest)
        cached = script.cachedTokens(prefix: cacheKey + "\u{0}" + prefix.joined(separator: "\u{0}"), tokens: prefixTokens)
        output = FakeTokens.count(answer)
    }
}
