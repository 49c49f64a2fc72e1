/// One node of a message's part tree. Leaves carry their decoded body; multiparts carry children;
/// `message/rfc822` carries the enclosed message as its single child.
public struct MIMEPart: Sendable {
    public let headers: HeaderBlock
    public let contentType: HeaderValueWithParameters
    public let children: [MIMEPart]
    /// Transfer-decoded bytes of a leaf (empty for multiparts).
    public let body: [UInt8]
    public let defects: [MIMEDefect]

    /// Deeper nesting than this is read as an opaque leaf: a bomb of nested multiparts must not
    /// exhaust the stack.
    static let maximumDepth = 32

    public init(parsing bytes: ArraySlice<UInt8>, depth: Int = 0, defaultType: String = "text/plain") {
        let headers = HeaderBlock(parsing: bytes)
        self.headers = headers
        var defects = headers.defects
        let rawType = headers.raw("Content-Type")
        let type = rawType.map(HeaderValueWithParameters.init(parsing:))
            ?? HeaderValueWithParameters(parsing: Array(defaultType.utf8))
        self.contentType = type
        defects += type.defects
        let content = bytes[(bytes.startIndex + headers.bodyStart)...]

        if type.value.hasPrefix("multipart/"), depth < Self.maximumDepth {
            guard let boundary = type.parameters["boundary"], !boundary.isEmpty else {
                defects.append(.missingBoundary)
                children = []
                body = Array(content)
                self.defects = defects
                return
            }
            let split = MultipartSplitter.split(content, boundary: Array(boundary.utf8))
            if !split.sawClosingBoundary { defects.append(.missingClosingBoundary) }
            let childDefault = type.value == "multipart/digest" ? "message/rfc822" : "text/plain"
            children = split.parts.map { MIMEPart(parsing: $0, depth: depth + 1, defaultType: childDefault) }
            body = []
        } else if type.value == "message/rfc822", depth < Self.maximumDepth {
            let decoded = TransferEncoding.decode(content, encoding: headers.text("Content-Transfer-Encoding"))
            children = [MIMEPart(parsing: decoded.bytes[...], depth: depth + 1)]
            body = []
        } else {
            let decoded = TransferEncoding.decode(content, encoding: headers.text("Content-Transfer-Encoding"))
            if decoded.sawGarbage { defects.append(.malformedTransferEncoding) }
            children = []
            body = decoded.bytes
        }
        self.defects = defects
    }

    /// Every part in document order, this one first.
    public var allParts: [MIMEPart] {
        [self] + children.flatMap(\.allParts)
    }

    public var isAttachment: Bool {
        guard children.isEmpty else { return false }
        let disposition = headers.raw("Content-Disposition").map(HeaderValueWithParameters.init(parsing:))
        if disposition?.value == "attachment" { return true }
        if filename != nil, !contentType.value.hasPrefix("text/") { return true }
        return !contentType.value.hasPrefix("text/") && !contentType.value.hasPrefix("multipart/") && contentType.value != "message/rfc822"
    }

    public var filename: String? {
        let disposition = headers.raw("Content-Disposition").map(HeaderValueWithParameters.init(parsing:))
        return disposition?.parameters["filename"] ?? contentType.parameters["name"]
    }

    /// The body as text in its declared charset, or guessed when none is declared or known.
    public var text: String {
        if let label = contentType.parameters["charset"], let charset = Charset(label: label) {
            return charset.decode(body)
        }
        return CharsetGuess.decode(body)
    }
}
