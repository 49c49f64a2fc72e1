import MIME

/// The part of a message a snippet is read from, chosen from BODYSTRUCTURE so that only a small
/// window of it is fetched (`BODY.PEEK[1.1]<0.2048>`) instead of the whole body or raw
/// multipart TEXT.
public struct TextPart: Sendable, Equatable {
    public var section: String
    public var isHTML: Bool
    public var charset: String?
    public var transferEncoding: String?
    /// The encoded size of the whole part, to tell a cut window from a complete one.
    public var size: Int

    /// Decodes a fetched window of this part to plain text. When the window was cut
    /// (`isCut`), the cut may split a base64 group, a quoted-printable escape or a UTF-8
    /// character: those trailing fragments are dropped instead of turning into garbage.
    public func decodedText(from encoded: [UInt8], isCut: Bool) -> String {
        var decoded: [UInt8]
        switch transferEncoding {
        case "base64":
            decoded = Base64Tolerant.decode(isCut ? Self.wholeBase64Groups(encoded) : encoded[...]).bytes
        case "quoted-printable":
            decoded = QuotedPrintable.decode(isCut ? Self.withoutBrokenEscape(encoded) : encoded[...]).bytes
        default:
            decoded = encoded
        }
        let declaredCharset = self.charset.flatMap { Charset(label: $0) } ?? .utf8
        if isCut, declaredCharset == .utf8 { decoded = Self.withoutPartialCharacter(decoded) }
        let text = declaredCharset.decode(decoded)
        return isHTML ? HTMLText.text(from: text) : text
    }

    /// Base64 up to the last complete 4-character group (line breaks do not count).
    private static func wholeBase64Groups(_ encoded: [UInt8]) -> ArraySlice<UInt8> {
        var alphabetCount = 0
        var end = 0
        for (index, byte) in encoded.enumerated() where isBase64Alphabet(byte) {
            alphabetCount += 1
            if alphabetCount % 4 == 0 { end = index + 1 }
        }
        return encoded[..<end]
    }

    private static func isBase64Alphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
            true
        default:
            false
        }
    }

    /// Quoted-printable without a trailing `=` or `=X` that lost the rest of its escape.
    private static func withoutBrokenEscape(_ encoded: [UInt8]) -> ArraySlice<UInt8> {
        let tail = encoded.suffix(2)
        if let equals = tail.lastIndex(of: UInt8(ascii: "=")) { return encoded[..<equals] }
        return encoded[...]
    }

    /// UTF-8 without a trailing multi-byte sequence that the cut left incomplete.
    private static func withoutPartialCharacter(_ bytes: [UInt8]) -> [UInt8] {
        var start = bytes.count - 1
        var continuationBytes = 0
        while start >= 0, continuationBytes < 3, bytes[start] & 0xC0 == 0x80 {
            start -= 1
            continuationBytes += 1
        }
        guard start >= 0 else { return bytes }
        let lead = bytes[start]
        let expected = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return expected > continuationBytes + 1 ? Array(bytes[..<start]) : bytes
    }
}

extension BodyStructure {
    /// The best part to read a snippet from: the first text/plain that is not an attachment,
    /// else the first such text/html. Attached messages are not looked into (a forwarded
    /// message's text is not this message's text), and a part with a file name or an
    /// `attachment` disposition is an attachment even when it is text.
    public var textPart: TextPart? {
        let candidates = leaves().filter { part in
            part.type == "text" && !part.isAttachment
        }
        guard let chosen = candidates.first(where: { $0.subtype == "plain" })
            ?? candidates.first(where: { $0.subtype == "html" }) else { return nil }
        return TextPart(section: chosen.section, isHTML: chosen.subtype == "html",
                        charset: chosen.parameters["charset"], transferEncoding: chosen.transferEncoding,
                        size: chosen.size)
    }

    var isAttachment: Bool {
        disposition == "attachment"
            || dispositionParameters["filename"] != nil || dispositionParameters["filename*"] != nil
            || parameters["name"] != nil || parameters["name*"] != nil
    }
}
