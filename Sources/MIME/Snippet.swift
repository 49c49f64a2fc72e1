/// The snippet we store for an inbound message: the first 500 characters of its best text —
/// the first inline text/plain part, else the first text/html part reduced to text — with
/// whitespace collapsed, and quoted replies dropped when asked. The full body is never kept;
/// this is all of it we promise to store.
///
/// Only as much of the body as the snippet needs is decoded: a window of bytes, widened only
/// while it yields fewer than 500 characters. Decoding and collapsing whole bodies to keep 500
/// characters of them was 99% of the parser's time on a real mail stream.
public enum Snippet {
    public static let length = 500

    public static func of(_ message: MIMEPart, trimQuotedReplies: Bool = false) -> String {
        of(parts: message.allParts, trimQuotedReplies: trimQuotedReplies)
    }

    /// The same from the message's parts in document order (``MIMEPart/allParts``), for a caller
    /// that has them already.
    static func of(parts: [MIMEPart], trimQuotedReplies: Bool = false) -> String {
        let leaves = parts.filter { $0.children.isEmpty && !$0.isAttachment }
        // A multipart whose boundary never occurs keeps its content as a body: plain text too.
        if let plain = leaves.first(where: { $0.contentType.value == "text/plain" || ($0.contentType.value.hasPrefix("multipart/") && !$0.body.isEmpty) }) {
            return widening(plain, firstWindow: 4096) { text in
                Whitespace.collapse(trimQuotedReplies ? QuotedReply.trim(text) : text, limit: length)
            }
        }
        if let html = leaves.first(where: { $0.contentType.value == "text/html" }) {
            return widening(html, firstWindow: 16384) { text in
                HTMLText.text(from: text, dropQuotes: trimQuotedReplies, limit: length)
            }
        }
        return ""
    }

    /// Decodes a growing prefix of the part until `reduce` gives a full snippet or the body ends.
    private static func widening(_ part: MIMEPart, firstWindow: Int, reduce: (String) -> String) -> String {
        var window = firstWindow
        while true {
            let whole = window >= part.body.count
            let reduced = reduce(part.text(prefixBytes: whole ? nil : window))
            // Scalars, not characters, to decide: counting characters means grapheme breaking.
            if whole || reduced.unicodeScalars.count >= length { return clip(reduced) }
            window *= 4
        }
    }

    static func clip(_ text: String) -> String {
        // A string of no more bytes than the limit has no more characters either.
        text.utf8.count <= length ? text : String(text.prefix(length))
    }
}
