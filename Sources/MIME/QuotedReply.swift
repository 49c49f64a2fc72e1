/// The earlier messages a reply quotes, recognised so a snippet shows what is new: lines quoted
/// with `>`, and everything after an attribution ("On … wrote:", "… пишет:"), an "Original
/// Message" separator, Outlook's underscore rule, or an Outlook header block ("From:" followed by
/// "Sent:" / "От:" followed by "Отправлено:"). Forwarded messages are kept: they are the news.
public enum QuotedReply {
    static let attributionEndings = ["wrote:", "writes:", "пишет:", "написал:", "написала:", "написал(а):", "писал:", "писал(а):", "schrieb:"]
    static let separators = ["-----original message-----", "----- original message -----", "-----исходное сообщение-----", "-------- исходное сообщение --------", "----- исходное сообщение -----"]
    static let headerStarts = ["from:", "от:"]
    static let headerFollowers = ["sent:", "date:", "отправлено:", "дата:", "to:", "кому:"]

    public static func trim(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var kept: [Substring] = []
        var index = 0
        scan: while index < lines.count {
            let line = lines[index]
            let plain = line.trimmingBlanks.lowercased()
            if plain.hasPrefix(">") { index += 1; continue }
            if separators.contains(where: { plain.hasPrefix($0) }) { break scan }
            if plain.count >= 20, plain.allSatisfy({ $0 == "_" }) { break scan }
            if attributionEndings.contains(where: { plain.hasSuffix($0) }) { break scan }
            if headerStarts.contains(where: { plain.hasPrefix($0) }), index + 1 < lines.count {
                let next = lines[index + 1].trimmingBlanks.lowercased()
                if headerFollowers.contains(where: { next.hasPrefix($0) }) { break scan }
            }
            kept.append(line)
            index += 1
        }
        let result = kept.joined(separator: "\n")
        // A message that is nothing but quotation keeps it: an empty snippet helps no one.
        return result.contains(where: { !$0.isWhitespace }) ? result : text
    }
}

private extension Substring {
    var trimmingBlanks: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<Swift.max(start, end)]
    }
}
