/// HTML reduced to readable text for snippets: tags dropped (block tags become line breaks),
/// script, style and head contents dropped, comments dropped, entities decoded, whitespace
/// collapsed. A single forward pass; malformed markup degrades to text, never to a hang.
public enum HTMLText {
    static let blockTagNames: [String] = ["p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "ul", "ol", "hr"]
    static let hiddenTagNames: [String] = ["script", "style", "head", "title"]
    static let blockTags: [TagName] = blockTagNames.map { TagName($0) }
    static let hiddenTags: [TagName] = hiddenTagNames.map { TagName($0) }
    static let blockquote = TagName("blockquote")

    /// - Parameters:
    ///   - dropQuotes: leave out `<blockquote>` contents and what ``QuotedReply`` recognises.
    ///   - limit: stop once this many characters of text are certain; `nil` reads everything.
    ///
    /// Scans UTF-8 bytes rather than `Character`s: every byte that matters here (`<`, `>`, `&`,
    /// `;`, tag names) is ASCII, and grapheme breaking made this the slowest step of a parse.
    public static func text(from html: String, dropQuotes: Bool = false, limit: Int? = nil) -> String {
        var html = html
        return html.withUTF8 { bytes in
            let raw = visibleText(bytes, dropQuotes: dropQuotes, limit: limit)
            return Whitespace.collapse(dropQuotes ? QuotedReply.trim(raw) : raw, limit: limit)
        }
    }

    private static func visibleText(_ bytes: UnsafeBufferPointer<UInt8>, dropQuotes: Bool, limit: Int?) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(min(bytes.count, 8192))
        // Bytes of text that are not blanks: a character is at most four, so `limit * 4` of them
        // guarantee `limit` characters after whitespace is collapsed.
        var solid = 0
        let enough = limit.map { $0 * 4 } ?? Int.max
        var hiddenUntil: TagName?
        var quoteDepth = 0
        var index = 0
        let count = bytes.count
        while index < count, solid < enough {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                if index + 3 < count, bytes[index + 1] == UInt8(ascii: "!"), bytes[index + 2] == UInt8(ascii: "-"), bytes[index + 3] == UInt8(ascii: "-") {
                    index = endOfComment(bytes, from: index + 4)
                    continue
                }
                guard let close = firstIndex(of: UInt8(ascii: ">"), in: bytes, from: index + 1) else { break }
                let tag = tagName(bytes, from: index + 1, to: close)
                index = close + 1
                if let hidden = hiddenUntil {
                    if tag.name == hidden, tag.closing { hiddenUntil = nil }
                    continue
                }
                if dropQuotes, tag.name == blockquote {
                    quoteDepth = tag.closing ? max(0, quoteDepth - 1) : quoteDepth + 1
                    output.append(0x0A)
                } else if hiddenTags.contains(tag.name), !tag.closing {
                    hiddenUntil = tag.name
                } else if blockTags.contains(tag.name) {
                    output.append(0x0A)
                }
                continue
            }
            if hiddenUntil == nil, quoteDepth == 0 {
                if byte == UInt8(ascii: "&"), let (decoded, next) = entity(bytes, at: index) {
                    output.append(contentsOf: String(decoded).utf8)
                    solid += 1
                    index = next
                    continue
                }
                output.append(byte)
                if byte > 0x20 { solid += 1 }
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func firstIndex(of target: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == target { return index }
            index += 1
        }
        return nil
    }

    private static func endOfComment(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index + 2 < bytes.count {
            if bytes[index] == UInt8(ascii: "-"), bytes[index + 1] == UInt8(ascii: "-"), bytes[index + 2] == UInt8(ascii: ">") { return index + 3 }
            index += 1
        }
        return bytes.count
    }

    /// The tag's name (lower-cased letters and digits, at most 16) and whether it closes.
    private static func tagName(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (name: TagName, closing: Bool) {
        var index = start
        while index < end, bytes[index] == UInt8(ascii: " ") { index += 1 }
        let closing = index < end && bytes[index] == UInt8(ascii: "/")
        if closing { index += 1 }
        var name = TagName()
        while index < end, name.count < TagName.capacity {
            var byte = bytes[index]
            if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { byte += 32 }
            guard (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) else { break }
            name.append(byte)
            index += 1
        }
        return (name, closing)
    }

    /// A tag name of up to 16 bytes packed into two words, so that reading one costs no
    /// allocation and comparing one costs two integer comparisons: an HTML part has hundreds of
    /// tags. The bytes of a name are never zero, so names of different lengths differ.
    struct TagName: Equatable, Sendable {
        static let capacity = 16
        private var low: UInt64 = 0
        private var high: UInt64 = 0
        private(set) var count = 0

        init() {}

        init(_ name: String) {
            for byte in name.utf8.prefix(Self.capacity) { append(byte) }
        }

        mutating func append(_ byte: UInt8) {
            if count < 8 {
                low |= UInt64(byte) << (count * 8)
            } else {
                high |= UInt64(byte) << ((count - 8) * 8)
            }
            count += 1
        }
    }

    static let namedEntities: [String: Character] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "laquo": "«", "raquo": "»",
        "mdash": "—", "ndash": "–", "hellip": "…", "copy": "©", "reg": "®", "trade": "™", "euro": "€", "rsquo": "’",
        "lsquo": "‘", "rdquo": "”", "ldquo": "“", "bdquo": "„", "times": "×", "deg": "°", "middot": "·", "bull": "•", "numero": "№",
    ]

    private static func entity(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (Character, Int)? {
        let end = min(bytes.count, start + 12)
        guard let semicolon = firstIndex(of: UInt8(ascii: ";"), in: UnsafeBufferPointer(rebasing: bytes[..<end]), from: start + 1) else { return nil }
        let body = String(decoding: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<semicolon]), as: UTF8.self)
        let next = semicolon + 1
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, let scalar = Unicode.Scalar(value) else { return nil }
            return (Character(scalar), next)
        }
        return namedEntities[body].map { ($0, next) }
    }
}

enum Whitespace {
    /// Runs of blanks become one space, runs of blank lines one line break; ends trimmed. With a
    /// `limit`, stops once that many characters are certain (a character is at least a scalar).
    ///
    /// Works on the UTF-8 bytes: appending scalar by scalar to a `String` was half the time of a
    /// whole parse.
    static func collapse(_ text: String, limit: Int? = nil) -> String {
        var text = text
        return text.withUTF8 { bytes in
            let enough = limit ?? Int.max
            // The output never outgrows the input (whitespace runs only shrink), nor four bytes
            // a character beyond the limit; it is written straight into the string's storage,
            // as short appends to an array cost more than the bytes they move.
            let capacity = enough >= bytes.count ? bytes.count : min(bytes.count, enough * 4 + 4)
            return String(unsafeUninitializedCapacity: capacity) { output in
                collapse(bytes, into: output, enough: enough)
            }
        }
    }

    /// Writes the collapsed text into `output` (at least as long as `bytes`, or four bytes a
    /// character of `enough`) and returns the bytes written.
    private static func collapse(_ bytes: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>, enough: Int) -> Int {
        var count = 0
        var pendingSpace = false, pendingBreak = false
        var written = 0
        var index = 0
        func separate() {
            if written > 0 {
                if pendingBreak {
                    output[count] = 0x0A; count += 1; written += 1
                } else if pendingSpace {
                    output[count] = 0x20; count += 1; written += 1
                }
            }
            pendingSpace = false
            pendingBreak = false
        }
        while index < bytes.count {
            let lead = bytes[index]
            // Printable ASCII, most of any text, needs no classification: a character is a byte.
            if lead > 0x20, lead < 0x80 {
                separate()
                var runEnd = index + 1
                let runLimit = index + min(bytes.count - index, max(enough - written, 1))
                while runEnd < runLimit, bytes[runEnd] > 0x20, bytes[runEnd] < 0x80 { runEnd += 1 }
                for position in index..<runEnd {
                    output[count] = bytes[position]
                    count += 1
                }
                written += runEnd - index
                if written >= enough { break }
                index = runEnd
                continue
            }
            let length = sequenceLength(lead)
            let end = min(index + length, bytes.count)
            switch kind(bytes, index, end) {
            case .lineBreak:
                pendingBreak = true
            case .blank:
                pendingSpace = true
            case .text:
                separate()
                for position in index..<end {
                    output[count] = bytes[position]
                    count += 1
                }
                written += 1
            }
            if written >= enough { break }
            index = end
        }
        return count
    }

    private enum Kind { case lineBreak, blank, text }

    private static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }

    /// Unicode's White_Space characters by their UTF-8 bytes: line breaks (LF, CR, U+2028,
    /// U+2029) and blanks (space, tab, VT, FF, U+0085, U+00A0, U+1680, U+2000–U+200A, U+202F,
    /// U+205F, U+3000).
    private static func kind(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Kind {
        let lead = bytes[start]
        switch end - start {
        case 1:
            switch lead {
            case 0x0A, 0x0D: return .lineBreak
            case 0x20, 0x09, 0x0B, 0x0C: return .blank
            default: return .text
            }
        case 2:
            return lead == 0xC2 && (bytes[start + 1] == 0x85 || bytes[start + 1] == 0xA0) ? .blank : .text
        case 3:
            let second = bytes[start + 1], third = bytes[start + 2]
            switch (lead, second) {
            case (0xE2, 0x80):
                if third == 0xA8 || third == 0xA9 { return .lineBreak }
                return (0x80...0x8A).contains(third) || third == 0xAF ? .blank : .text
            case (0xE2, 0x81): return third == 0x9F ? .blank : .text
            case (0xE1, 0x9A): return third == 0x80 ? .blank : .text
            case (0xE3, 0x80): return third == 0x80 ? .blank : .text
            default: return .text
            }
        default:
            return .text
        }
    }
}
