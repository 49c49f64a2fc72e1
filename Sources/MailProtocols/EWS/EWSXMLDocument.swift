import Foundation
import Synchronization
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An element of a parsed reply: local name, namespace, attributes, children and its own text.
/// EWS replies are small enough to hold whole, and a tree lets each operation's reader ask
/// for what it needs in any order without a state machine per operation.
struct EWSXMLElement: Sendable, Equatable {
    var name: String
    var namespace: String?
    var attributes: [String: String]
    var children: [EWSXMLElement]
    /// The character data directly inside this element, entities decoded.
    var text: String

    func child(_ name: String) -> EWSXMLElement? {
        children.first { $0.name == name }
    }

    func children(named name: String) -> [EWSXMLElement] {
        children.filter { $0.name == name }
    }

    /// The first element named `name` at any depth below this one, searched breadth-first.
    func descendant(_ name: String) -> EWSXMLElement? {
        var queue = children[...]
        while let next = queue.popFirst() {
            if next.name == name { return next }
            queue += next.children
        }
        return nil
    }

    /// The text of the child `name`, if there is such a child.
    func text(of name: String) -> String? {
        child(name)?.text
    }

    /// The text without the blanks and line breaks that pretty-printed XML puts around values.
    var trimmedText: String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func trimmedText(of name: String) -> String? {
        child(name)?.trimmedText
    }
}

/// Parses a whole reply into `EWSXMLElement`s with Foundation's XMLParser. Replies with a DTD
/// are refused before parsing: SOAP forbids them, and entity declarations are how a hostile
/// document makes a parser expand itself into gigabytes.
enum EWSXMLDocument {
    enum Failure: Error, Equatable {
        case hasDoctype
        case malformed(String)
    }

    /// swift-corelibs-foundation's XMLParser keeps libxml2 state that is not safe to use from
    /// two threads at once (parallel tests crashed inside its element callback), so parses take
    /// turns. EWS replies are small; the wait is negligible next to the network.
    private static let turn = Mutex(())

    static func parse(_ bytes: [UInt8]) throws -> EWSXMLElement {
        if EWSXMLProlog.declaresDoctype(bytes) { throw Failure.hasDoctype }
        // Exchange always answers in UTF-8. Anything else is refused here: XMLParser on Linux
        // force-unwraps names it cannot decode and would take the process down with it.
        guard String(validating: bytes, as: UTF8.self) != nil else { throw Failure.malformed("not UTF-8") }
        return try turn.withLock { _ in try parseAlone(bytes) }
    }

    private static func parseAlone(_ bytes: [UInt8]) throws -> EWSXMLElement {
        let builder = EWSXMLTreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        let succeeded = parser.parse()
        guard succeeded, builder.failure == nil, let root = builder.root else {
            let reason = builder.failure ?? parser.parserError.map { String(describing: $0) } ?? "incomplete document"
            throw Failure.malformed(reason)
        }
        return root
    }
}

/// The XMLParser delegate that stacks open elements and attaches each to its parent when it ends.
private final class EWSXMLTreeBuilder: NSObject, XMLParserDelegate {
    private var openElements: [EWSXMLElement] = []
    private(set) var root: EWSXMLElement?
    private(set) var failure: String?

    /// Far deeper than any EWS reply, shallow enough that walking the tree stays cheap.
    private static let maximumDepth = 256

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        guard openElements.count < Self.maximumDepth else {
            failure = "elements nested deeper than \(Self.maximumDepth)"
            parser.abortParsing()
            return
        }
        openElements.append(EWSXMLElement(
            name: Self.localName(elementName), namespace: namespaceURI.flatMap { $0.isEmpty ? nil : $0 },
            attributes: Self.localAttributes(attributeDict), children: [], text: ""))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard let finished = openElements.popLast() else { return }
        if openElements.isEmpty {
            root = finished
        } else {
            openElements[openElements.count - 1].children.append(finished)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !openElements.isEmpty else { return }
        openElements[openElements.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !openElements.isEmpty else { return }
        openElements[openElements.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if failure == nil { failure = String(describing: parseError) }
    }

    /// Some XMLParser builds report `m:Items` even with namespace processing on; the prefix
    /// carries nothing the namespace URI does not.
    private static func localName(_ name: String) -> String {
        name.split(separator: ":", maxSplits: 1).last.map(String.init) ?? name
    }

    /// Attributes by local name; namespace declarations are not attributes of the document.
    private static func localAttributes(_ attributes: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in attributes where name != "xmlns" && !name.hasPrefix("xmlns:") {
            result[localName(name)] = value
        }
        return result
    }
}

/// Looks at what comes before the root element without parsing it: BOM, XML declaration,
/// comments, processing instructions, whitespace. Enough to tell SOAP from an HTML page, and
/// to refuse a DTD before any parser sees it.
enum EWSXMLProlog {
    enum Markup: Equatable {
        /// The root element's qualified name (`s:Envelope`, `html`).
        case root(String)
        /// A `<!DOCTYPE name …` (the name as written: `html`, `s:Envelope`).
        case doctype(String)
        /// Neither: empty, text, or the prolog never ends.
        case nothing
    }

    static func rootName(_ bytes: [UInt8]) -> String? {
        guard case .root(let name) = firstMarkup(bytes) else { return nil }
        return name
    }

    static func declaresDoctype(_ bytes: [UInt8]) -> Bool {
        if case .doctype = firstMarkup(bytes) { return true }
        return false
    }

    static func firstMarkup(_ bytes: [UInt8]) -> Markup {
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func starts(_ text: String) -> Bool {
            let pattern = Array(text.utf8)
            return index + pattern.count <= bytes.count && Array(bytes[index..<(index + pattern.count)]) == pattern
        }
        func skip(past terminator: String) -> Bool {
            let pattern = Array(terminator.utf8)
            guard let range = bytes[index...].firstRange(of: pattern) else { return false }
            index = range.upperBound
            return true
        }
        func name(after prefixLength: Int) -> String {
            let start = min(index + prefixLength, bytes.count)
            let nameBytes = bytes[start...].drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
                .prefix { $0 > 0x20 && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "[") }
            return String(decoding: nameBytes, as: UTF8.self)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                index += 1
            } else if starts("<?") {
                guard skip(past: "?>") else { return .nothing }
            } else if starts("<!--") {
                guard skip(past: "-->") else { return .nothing }
            } else if starts("<!") {
                // "<!DOCTYPE" in any case; anything else after "<!" is not a prolog either way.
                return .doctype(name(after: min(9, bytes.count - index)))
            } else if byte == UInt8(ascii: "<") {
                return .root(name(after: 1))
            } else {
                return .nothing
            }
        }
        return .nothing
    }
}
