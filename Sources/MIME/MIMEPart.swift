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
            if split.parts.isEmpty {
                // The boundary never occurs: the part keeps its content as its body (as text), so
                // its words still reach the snippet and the bounce reader, and the tree stays
                // what the message declared.
                defects.append(.boundaryNotFound)
                children = []
                body = Array(content)
                self.defects = defects
                return
            }
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
        var parts: [MIMEPart] = []
        appendAll(to: &parts)
        return parts
    }

    /// One array for the whole walk: concatenating per level copied every part once per level.
    private func appendAll(to parts: inout [MIMEPart]) {
        parts.append(self)
        for child in children { child.appendAll(to: &parts) }
    }

    public var isAttachment: Bool {
        guard children.isEmpty else { return false }
        let disposition = headers.raw("Content-Disposition").map(HeaderValueWithParameters.init(parsing:))
        if disposition?.value == "attachment" { return true }
        if filename != nil, !contentType.value.hasPrefix("text/") { return true }
        return !contentType.value.hasPrefix("text/") && !contentType.value.hasPrefix("multipart/") && contentType.value != "message/rfc822"
    }

    /// Meant to be shown in the body: declared inline, or an image with a Content-ID (what a
    /// `cid:` link in HTML points at) that is not declared an attachment.
    public var isInline: Bool {
        let disposition = headers.raw("Content-Disposition").map(HeaderValueWithParameters.init(parsing:))?.value
        if disposition == "inline" { return true }
        return disposition == nil && headers.raw("Content-ID") != nil
    }

    /// Outlook's Transport Neutral Encapsulation Format wrapper.
    public var isTNEF: Bool {
        contentType.value == "application/ms-tnef" || contentType.value == "application/vnd.ms-tnef"
            || filename?.lowercased() == "winmail.dat"
    }

    public var filename: String? {
        let disposition = headers.raw("Content-Disposition").map(HeaderValueWithParameters.init(parsing:))
        return disposition?.parameters["filename"] ?? contentType.parameters["name"]
    }

    /// The body as text in its declared charset, or guessed when none is declared or known.
    public var text: String { text(prefixBytes: nil) }

    /// The text of the first `prefixBytes` bytes of the body (all of it when `nil`), cut back to
    /// the last line break or ASCII byte so no multi-byte character is split in any charset.
    public func text(prefixBytes: Int?) -> String {
        var bytes = body[...]
        if let limit = prefixBytes, limit < body.count {
            var end = limit
            let floor = max(0, limit - 1024)
            if let newline = body[floor..<limit].lastIndex(of: 0x0A) {
                end = newline + 1
            } else {
                while end > 0, body[end - 1] >= 0x80 { end -= 1 }
            }
            bytes = body[..<end]
        }
        if let label = contentType.parameters["charset"], let charset = Charset(label: label) {
            return charset.decode(bytes)
        }
        return CharsetGuess.decode(bytes)
    }
}
