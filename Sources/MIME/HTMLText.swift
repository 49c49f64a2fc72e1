/// HTML reduced to readable text for snippets: tags dropped (block tags become line breaks),
/// script, style and head contents dropped, comments dropped, entities decoded, whitespace
/// collapsed. A single forward pass; malformed markup degrades to text, never to a hang.
public enum HTMLText {
    static let blockTags: Set<String> = ["p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "ul", "ol", "hr"]
    static let hiddenTags: Set<String> = ["script", "style", "head", "title"]

    public static func text(from html: String) -> String {
        var output = ""
        var hiddenUntil: String?
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            if character == "<" {
                if html[index...].hasPrefix("<!--") {
                    index = html[index...].range(of: "-->")?.upperBound ?? html.endIndex
                    continue
                }
                guard let close = html[index...].firstIndex(of: ">") else { break }
                let tag = tagName(html[html.index(after: index)..<close])
                index = html.index(after: close)
                if let hidden = hiddenUntil {
                    if tag.name == hidden, tag.closing { hiddenUntil = nil }
                    continue
                }
                if hiddenTags.contains(tag.name), !tag.closing {
                    hiddenUntil = tag.name
                } else if blockTags.contains(tag.name) {
                    output.append("\n")
                }
                continue
            }
            if hiddenUntil == nil {
                if character == "&", let (decoded, next) = entity(in: html, at: index) {
                    output.append(decoded)
                    index = next
                    continue
                }
                output.append(character)
            }
            index = html.index(after: index)
        }
        return Whitespace.collapse(output)
    }

    private static func tagName(_ inside: Substring) -> (name: String, closing: Bool) {
        var text = inside.drop { $0 == " " }
        let closing = text.first == "/"
        if closing { text = text.dropFirst() }
        let name = text.prefix { $0.isLetter || $0.isNumber }.lowercased()
        return (name, closing)
    }

    static let namedEntities: [String: Character] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "laquo": "«", "raquo": "»",
        "mdash": "—", "ndash": "–", "hellip": "…", "copy": "©", "reg": "®", "trade": "™", "euro": "€", "rsquo": "’",
        "lsquo": "‘", "rdquo": "”", "ldquo": "“", "bdquo": "„", "times": "×", "deg": "°", "middot": "·", "bull": "•", "numero": "№",
    ]

    private static func entity(in html: String, at start: String.Index) -> (Character, String.Index)? {
        guard let semicolon = html[start...].prefix(12).firstIndex(of: ";") else { return nil }
        let body = html[html.index(after: start)..<semicolon]
        let next = html.index(after: semicolon)
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, let scalar = Unicode.Scalar(value) else { return nil }
            return (Character(scalar), next)
        }
        return namedEntities[String(body)].map { ($0, next) }
    }
}

enum Whitespace {
    /// Runs of blanks become one space, runs of blank lines one line break; ends trimmed.
    static func collapse(_ text: String) -> String {
        var output = ""
        var pendingSpace = false, pendingBreak = false
        for character in text {
            if character == "\n" || character == "\r" || character == "\r\n" {
                pendingBreak = true
            } else if character.isWhitespace {
                pendingSpace = true
            } else {
                if !output.isEmpty {
                    if pendingBreak { output.append("\n") } else if pendingSpace { output.append(" ") }
                }
                pendingSpace = false
                pendingBreak = false
                output.append(character)
            }
        }
        return output
    }
}
