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
        let post = headers.text("List-Unsubscribe-Post").map(Self.compactLowercased)
        oneClick = post == "list-unsubscribe=one-click" && uris.contains { $0.lowercased().hasPrefix("https:") }
    }

    /// The `<…>` items of the field, blanks inside removed (folding may have put them there);
    /// comments and text outside brackets are ignored, as RFC 2369 says.
    static func bracketed(_ value: String) -> [String] {
        // ASCII (every real field) is read byte by byte, where a character is a byte, and CR LF,
        // the one character of two bytes, is whitespace either way.
        guard ASCIIFastPath.isASCII(value) else { return bracketedCharacters(value) }
        var uris: [String] = []
        var current: [UInt8] = []
        var inBrackets = false
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "<"):
                inBrackets = true
                current.removeAll(keepingCapacity: true)
            case UInt8(ascii: ">"):
                if inBrackets, !current.isEmpty { uris.append(String(decoding: current, as: UTF8.self)) }
                inBrackets = false
            default:
                if inBrackets, !ASCIIFastPath.isWhitespace(byte) { current.append(byte) }
            }
        }
        return uris
    }

    private static func bracketedCharacters(_ value: String) -> [String] {
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

    /// The value without whitespace, lower-cased (`List-Unsubscribe = One-Click` reads as
    /// `list-unsubscribe=one-click`).
    static func compactLowercased(_ value: String) -> String {
        guard ASCIIFastPath.isASCII(value) else { return value.filter { !$0.isWhitespace }.lowercased() }
        return String(unsafeUninitializedCapacity: value.utf8.count) { buffer in
            var count = 0
            for byte in value.utf8 where !ASCIIFastPath.isWhitespace(byte) {
                buffer[count] = ASCIIFastPath.lowercased(byte)
                count += 1
            }
            return count
        }
    }
}
