/// Plausible token counts: a quarter of the UTF-8 bytes, rounded up — close to what real
/// tokenizers give for English, low for Russian, and stable, which is what benchmarks need.
enum FakeTokens {
    static func count(_ text: String) -> Int {
        (text.utf8.count + 3) / 4
    }

    static func count(_ texts: [String]) -> Int {
        texts.reduce(0) { $0 + count($1) }
    }
}
