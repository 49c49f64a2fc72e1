/// Half of `text`: what a cut-off answer looks like.
func truncatedHalf(of text: String) -> String {
    String(text.prefix(max(1, text.count / 2)))
}

/// `sk-pr****************wxyz`: how providers show a key they refuse.
func maskedKey(_ key: String) -> String {
    guard key.count > 10 else { return String(repeating: "*", count: key.count) }
    return String(key.prefix(3)) + String(repeating: "*", count: key.count - 7) + String(key.suffix(4))
}
