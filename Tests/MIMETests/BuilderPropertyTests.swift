import PropertyBased
import Testing
@testable import MIME

/// Build → parse round trips on random text: whatever a user types into a subject, a contact's
/// name, a file name or a body must come back from our parser as it went in, and the bytes must
/// keep the wire rules (CRLF lines within 998 octets, encoded words within 75 characters, each
/// holding whole UTF-8 characters, 7-bit clean without 8BITMIME).
@Suite struct BuilderPropertyTests {
    /// Printable ASCII (all the specials a header can trip on), Cyrillic, and characters that
    /// span several scalars or four UTF-8 bytes.
    static let alphabet: [Character] = {
        var characters = (UInt32(0x20)...0x7E).compactMap { Unicode.Scalar($0).map { Character($0) } }
        characters += (UInt32(0x400)...0x45F).compactMap { Unicode.Scalar($0).map { Character($0) } }
        characters += ["ё", "Ё", "№", "«", "»", "—", "…", "€", "ß", "e\u{301}", "\t", "😀", "👍🏽", "👨‍👩‍👧‍👦", "中"]
        return characters
    }()

    static let character = Gen<Character?>.element(of: alphabet).map { $0! }
    static let bodyCharacter = Gen<Character?>.element(of: alphabet + ["\n", "\n"]).map { $0! }

    /// How our parser reads a display name back: blanks collapsed, none at the ends, and a
    /// name of blanks only is no name.
    static func expectedName(_ name: String) -> String? {
        if name.allSatisfy(\.isWhitespace) { return nil }
        let collapsed = name.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        return collapsed.isEmpty ? nil : collapsed
    }

    @Test func headersAndFilenamesReadBackAsWritten() async {
        await propertyCheck(
            count: 300,
            input: Self.character.string(of: 0...160), Self.character.string(of: 0...60), Self.character.string(of: 0...60),
            Self.character.string(of: 1...120), Gen.bool
        ) { subject, fromName, toName, filename, allows8bit in
            let message = OutgoingMessage(
                from: MailAddress(name: fromName, address: "anna@romashka.ru"),
                to: [MailAddress(name: toName, address: "boris@example.ru"), MailAddress(name: fromName + toName, address: "sales@example.ru")],
                subject: subject, textBody: "text",
                attachments: [.init(filename: filename, contentType: "application/pdf", data: Array(filename.utf8))])
            let bytes = MessageBuilder(allows8bit: allows8bit).build(message)
            checkWireRules(bytes, allows8bit: allows8bit, encodedWordsIn: bytes.count)

            let summary = MessageSummary(parsing: bytes)
            #expect(summary.subject == subject)
            #expect(summary.from.map(\.name) == [Self.expectedName(fromName)])
            #expect(summary.to.map(\.name) == [Self.expectedName(toName), Self.expectedName(fromName + toName)])
            #expect(summary.to.map(\.address) == ["boris@example.ru", "sales@example.ru"])
            let attachment = MIMEPart(parsing: bytes[...]).allParts.first(where: \.isAttachment)
            #expect(attachment?.filename == filename)
            #expect(attachment?.contentType.parameters["name"] == filename)
            #expect(attachment?.body == Array(filename.utf8))
        }
    }

    @Test func bodiesReadBackAsWrittenWhateverTheirEncoding() async {
        await propertyCheck(
            count: 300,
            input: Self.bodyCharacter.string(of: 0...400), Gen.int(in: 0...1200), Self.bodyCharacter.string(of: 0...100), Gen.bool, Gen.bool
        ) { start, longLine, end, allows8bit, withHTML in
            // A run of one character makes lines past 998 octets, which must not go as 7bit or 8bit.
            let text = start + String(repeating: "ж", count: longLine / 2) + String(repeating: "x", count: longLine / 2) + end
            let message = OutgoingMessage(
                from: MailAddress(name: nil, address: "anna@romashka.ru"), to: [], subject: "", textBody: text,
                htmlBody: withHTML ? "<p>" + end + "</p>" : nil)
            let bytes = MessageBuilder(allows8bit: allows8bit).build(message)
            // Only the header has encoded words: an 8bit body may hold text that looks like one.
            checkWireRules(bytes, allows8bit: allows8bit, encodedWordsIn: HeaderBlock(parsing: bytes).bodyStart)

            let leaves = MIMEPart(parsing: bytes[...]).allParts.filter { $0.children.isEmpty }
            #expect(leaves.first { $0.contentType.value == "text/plain" }?.body == Self.crlf(text))
            if withHTML {
                #expect(leaves.first { $0.contentType.value == "text/html" }?.body == Self.crlf("<p>" + end + "</p>"))
            }
        }
    }

    /// The text as sent: LF becomes CRLF and a final CRLF is added (the generators make no CR).
    static func crlf(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            if byte == 0x0A { bytes += [0x0D, 0x0A] } else { bytes.append(byte) }
        }
        if let last = bytes.last, last != 0x0A { bytes += [0x0D, 0x0A] }
        return bytes
    }

    /// CRLF lines within 998 octets, 7-bit clean without 8BITMIME, and encoded words (among the
    /// first `encodedWordsIn` bytes) within 75 characters, each holding whole UTF-8 characters.
    func checkWireRules(_ bytes: [UInt8], allows8bit: Bool, encodedWordsIn end: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(bytes.suffix(2).elementsEqual([0x0D, 0x0A]), sourceLocation: sourceLocation)
        if !allows8bit { #expect(bytes.allSatisfy { $0 < 0x80 }, "8-bit bytes without 8BITMIME", sourceLocation: sourceLocation) }
        var lineStart = 0
        for index in bytes.indices where bytes[index] == 0x0A || bytes[index] == 0x0D {
            if bytes[index] == 0x0D {
                #expect(index + 1 < bytes.count && bytes[index + 1] == 0x0A, "bare CR", sourceLocation: sourceLocation)
                continue
            }
            #expect(index > 0 && bytes[index - 1] == 0x0D, "bare LF", sourceLocation: sourceLocation)
            #expect(index - 1 - lineStart <= 998, "line of \(index - 1 - lineStart) octets", sourceLocation: sourceLocation)
            lineStart = index + 1
        }
        let searched = Array(bytes[..<end])
        var index = 0
        while index + 1 < searched.count {
            if searched[index] == UInt8(ascii: "="), searched[index + 1] == UInt8(ascii: "?"),
               let word = EncodedWords.parseWord(searched, from: index) {
                #expect(word.end - index <= 75, "encoded word of \(word.end - index) characters", sourceLocation: sourceLocation)
                #expect(CharsetGuess.isValidUTF8(Base64Tolerant.decode(word.payload).bytes), "part of a character", sourceLocation: sourceLocation)
                index = word.end
            } else {
                index += 1
            }
        }
    }
}
