/// How to leave a mailing list (RFC 2369 List-Unsubscribe, RFC 8058 one-click): what the inbox
/// offers on a newsletter, and what our own outreach must carry.
public struct ListUnsubscribe: Sendable, Equatable {
    /// The URIs in the order given: `mailto:` and `https:` (others are kept as written).
    public let uris: [String]
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`: an HTTPS POST unsubscribes at once.
    public let oneClick: Bool

    public var mailto: String? { uris.first { $0.lowercased().hasPrefix("mailto:") } }
    public var https: String? { uris.first { $0.lowercased().hasPrefix("https:") } }

    public init?(headers: HeaderBlock) {
        guard let raw = headers.text("List-Unsubscribe") else { return nil }
        let uris = Self.bracketed(raw)
        guard !uris.isEmpty else { return nil }
        self.uris = uris
        let post = headers.text("List-Unsubscribe-Post")?.filter { !$0.isWhitespace }.lowercased()
        oneClick = post == "list-unsubscribe=one-click" && uris.contains { $0.lowercased().hasPrefix("https:") }
    }

    /// The `<…>` items of the field, blanks inside removed (folding may have put them there);
    /// comments and text outside brackets are ignored, as RFC 2369 says.
    static func bracketed(_ value: String) -> [String] {
        var uris: [String] = []
        var current: String?
        for character in value {
            switch character {
            case "<": current = ""
            case ">":
                if let uri = current, !uri.isEmpty { uris.append(uri) }
                current = nil
            default:
                if !character.isWhitespace { current?.append(character) }
            }
        }
        return uris
    }
}
