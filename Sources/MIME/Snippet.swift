/// The snippet we store for an inbound message: the first 500 characters of its best text —
/// the first inline text/plain part, else the first text/html part reduced to text — with
/// whitespace collapsed. The full body is never kept; this is all of it we promise to store.
public enum Snippet {
    public static let length = 500

    public static func of(_ message: MIMEPart) -> String {
        let leaves = message.allParts.filter { $0.children.isEmpty && !$0.isAttachment }
        if let plain = leaves.first(where: { $0.contentType.value == "text/plain" }) {
            return clip(Whitespace.collapse(plain.text))
        }
        if let html = leaves.first(where: { $0.contentType.value == "text/html" }) {
            return clip(HTMLText.text(from: html.text))
        }
        return ""
    }

    static func clip(_ text: String) -> String {
        String(text.prefix(length))
    }
}
