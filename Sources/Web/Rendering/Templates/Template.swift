/// A parsed Mustache template.
///
/// The language of our pages: variables (`{{name}}`, `{{a.b}}`, `{{.}}`, escaped; `{{{…}}}` and
/// `{{&…}}` raw), sections and inverted sections, comments, partials, inheritance (`{{<parent}}`
/// with `{{$block}}` overrides), and the `first(…)` and `empty(…)` transforms, with the spec's
/// rule that a line holding nothing but a section, comment, partial or block tag leaves no
/// trace in the output. Anything else (set delimiters, pragmas, other transforms) is refused
/// when the template is loaded, so a page never renders half-understood.
struct Template: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case variable(TemplatePath, escaped: Bool)
        case section(TemplatePath, [Node])
        case inverted(TemplatePath, [Node])
        case partial(String)
        /// `{{$name}}default{{/name}}`: the default, or what an inheriting template puts there.
        case block(String, [Node])
        /// `{{<name}}…{{/name}}`: the named template, with the blocks given inside replacing its own.
        case parent(String, [String: [Node]])
    }

    let nodes: [Node]

    init(parsing source: String, name: String) throws {
        var parser = TemplateParser(bytes: Array(source.utf8), template: name)
        nodes = try parser.parse()
    }
}

/// What a tag names: a dotted path from the context stack, maybe under a transform.
struct TemplatePath: Equatable, Sendable {
    enum Transform: String, Sendable {
        /// A list's first item (absent when the list is empty).
        case first
        /// Whether a list or a text is empty.
        case empty
    }

    /// The names to follow; empty for `.`, the current item.
    let names: [String]
    let transform: Transform?

    init(_ raw: String) throws(TemplateSyntaxError.Reason) {
        var path = Substring(raw)
        var transform: Transform?
        if let open = path.firstIndex(of: "("), path.last == ")" {
            let transformName = String(path[..<open])
            guard let known = Transform(rawValue: transformName) else { throw .unknownTransform(transformName) }
            transform = known
            path = path[path.index(after: open)..<path.index(before: path.endIndex)]
        }
        self.transform = transform
        if path == "." {
            names = []
            return
        }
        let names = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } }) else {
            throw .badName(raw)
        }
        self.names = names
    }
}

struct TemplateSyntaxError: Error, CustomStringConvertible {
    enum Reason: Error, Equatable {
        case unclosedTag
        case unclosedSection(String)
        case unexpectedClose(String)
        case unsupportedTag(String)
        case unknownTransform(String)
        case badName(String)
    }

    let template: String
    let line: Int
    let reason: Reason

    var description: String { "template \(template), line \(line): \(reason)" }
}

/// Turns template text into nodes, one pass over its bytes.
private struct TemplateParser {
    let bytes: [UInt8]
    let template: String

    /// What opened a frame; the root frame is never closed.
    private enum Opener {
        case root, section(TemplatePath), inverted(TemplatePath), block, parent
    }

    private struct Frame {
        let opener: Opener
        let tag: String
        var nodes: [Template.Node] = []
    }

    init(bytes: [UInt8], template: String) {
        self.bytes = bytes
        self.template = template
    }

    mutating func parse() throws(TemplateSyntaxError) -> [Template.Node] {
        var frames = [Frame(opener: .root, tag: "")]
        var textStart = 0
        var index = 0
        while let open = find([0x7B, 0x7B], from: index) {
            let sigil = open + 2 < bytes.count ? bytes[open + 2] : 0
            let triple = sigil == UInt8(ascii: "{")
            let closer: [UInt8] = triple ? [0x7D, 0x7D, 0x7D] : [0x7D, 0x7D]
            guard let close = find(closer, from: open + 2) else { throw error(.unclosedTag, at: open) }
            let tagEnd = close + closer.count
            let kind: UInt8? = Self.sigils.contains(sigil) ? sigil : nil
            let inner = String(decoding: bytes[(open + 2 + (kind == nil ? 0 : 1))..<close], as: UTF8.self).trimmingBlanks

            // A standalone tag takes its line with it: the indentation before and the line break after.
            var textEnd = open
            var next = tagEnd
            if let kind, Self.standaloneSigils.contains(kind), let (lineStart, lineEnd) = standaloneLine(textStart: textStart, open: open, tagEnd: tagEnd) {
                textEnd = lineStart
                next = lineEnd
            }
            if textEnd > textStart {
                frames[frames.count - 1].nodes.append(.text(String(decoding: bytes[textStart..<textEnd], as: UTF8.self)))
            }

            do throws(TemplateSyntaxError.Reason) {
                switch kind {
                case nil:
                    frames[frames.count - 1].nodes.append(.variable(try TemplatePath(inner), escaped: true))
                case UInt8(ascii: "{"), UInt8(ascii: "&"):
                    frames[frames.count - 1].nodes.append(.variable(try TemplatePath(inner), escaped: false))
                case UInt8(ascii: "!"):
                    break
                case UInt8(ascii: "#"):
                    frames.append(Frame(opener: .section(try TemplatePath(inner)), tag: inner))
                case UInt8(ascii: "^"):
                    frames.append(Frame(opener: .inverted(try TemplatePath(inner)), tag: inner))
                case UInt8(ascii: "$"):
                    frames.append(Frame(opener: .block, tag: inner))
                case UInt8(ascii: "<"):
                    frames.append(Frame(opener: .parent, tag: inner))
                case UInt8(ascii: ">"):
                    frames[frames.count - 1].nodes.append(.partial(inner))
                case UInt8(ascii: "/"):
                    guard frames.count > 1, frames[frames.count - 1].tag == inner else { throw .unexpectedClose(inner) }
                    let frame = frames.removeLast()
                    frames[frames.count - 1].nodes.append(Self.node(closing: frame))
                default:
                    throw .unsupportedTag(String(decoding: bytes[open..<tagEnd], as: UTF8.self))
                }
            } catch {
                throw self.error(error, at: open)
            }
            textStart = next
            index = next
        }
        if textStart < bytes.count {
            frames[frames.count - 1].nodes.append(.text(String(decoding: bytes[textStart...], as: UTF8.self)))
        }
        guard frames.count == 1 else { throw error(.unclosedSection(frames[frames.count - 1].tag), at: bytes.count) }
        return frames[0].nodes
    }

    /// Tags after `{{`: raw, comment, section, inverted, close, block, parent, partial; `=` and `%` are refused.
    private static let sigils: Set<UInt8> = Set("{&!#^/$<>=%".utf8)
    private static let standaloneSigils: Set<UInt8> = Set("!#^/$<>".utf8)

    private static func node(closing frame: Frame) -> Template.Node {
        switch frame.opener {
        case .section(let path): return .section(path, frame.nodes)
        case .inverted(let path): return .inverted(path, frame.nodes)
        case .block: return .block(frame.tag, frame.nodes)
        case .parent:
            // Inside an inheriting tag only the blocks count; the spec ignores anything else there.
            var overrides: [String: [Template.Node]] = [:]
            for case .block(let name, let nodes) in frame.nodes { overrides[name] = nodes }
            return .parent(frame.tag, overrides)
        case .root: preconditionFailure("the root frame is never closed: `parse` checks there is a frame above it")
        }
    }

    /// The line around a tag, when the tag is alone on it: from the line's start (blanks only
    /// before the tag, and no other tag) to just after its line break (blanks only after).
    private func standaloneLine(textStart: Int, open: Int, tagEnd: Int) -> (Int, Int)? {
        var lineStart = open
        while lineStart > textStart, bytes[lineStart - 1] == 0x20 || bytes[lineStart - 1] == 0x09 { lineStart -= 1 }
        // Blanks reaching back to where the text started (the end of the tag before) are on this
        // line only when that tag took its own line break with it.
        guard lineStart == 0 || bytes[lineStart - 1] == 0x0A else { return nil }
        var lineEnd = tagEnd
        while lineEnd < bytes.count, bytes[lineEnd] == 0x20 || bytes[lineEnd] == 0x09 { lineEnd += 1 }
        if lineEnd == bytes.count { return (lineStart, lineEnd) }
        if bytes[lineEnd] == 0x0A { return (lineStart, lineEnd + 1) }
        if bytes[lineEnd] == 0x0D, lineEnd + 1 < bytes.count, bytes[lineEnd + 1] == 0x0A { return (lineStart, lineEnd + 2) }
        return nil
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], bytes[index + 1] == needle[1], needle.count < 3 || bytes[index + 2] == needle[2] { return index }
            index += 1
        }
        return nil
    }

    private func error(_ reason: TemplateSyntaxError.Reason, at offset: Int) -> TemplateSyntaxError {
        TemplateSyntaxError(template: template, line: 1 + bytes[..<min(offset, bytes.count)].count { $0 == 0x0A }, reason: reason)
    }
}

private extension String {
    var trimmingBlanks: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
