/// Parses one framed server response (RFC 3501 §7, with the ESEARCH, CONDSTORE, ENABLE, ID and
/// Gmail extensions). Pure: bytes in, values out, no I/O and no `String` work until a value is
/// known to be text, because FETCH of thousands of messages runs through here.
///
/// Lenient where servers are known to stray (extra spaces, a code after the text, numbers in
/// quotes); strict where leniency would hide a desynchronised stream (a literal that does not
/// end its line, bytes after a closed FETCH list). Nesting is bounded so a hostile server cannot
/// exhaust the stack.
struct IMAPResponseParser {
    /// With `ENABLE UTF8=ACCEPT`, mailbox and label names are UTF-8; otherwise modified UTF-7.
    struct Options: Sendable {
        var namesAreUTF8 = false
    }

    private let lines: [[UInt8]]
    private let literals: [[UInt8]]
    private let options: Options
    private var lineIndex = 0
    private var line: [UInt8]
    private var position = 0
    private var depth = 0
    private static let deepestNesting = 64

    static func parse(_ raw: IMAPRawResponse, options: Options = Options()) throws -> IMAPResponse {
        var parser = IMAPResponseParser(raw: raw, options: options)
        return try parser.parseResponse()
    }

    private init(raw: IMAPRawResponse, options: Options) {
        lines = raw.lines
        literals = raw.literals
        line = raw.lines.first ?? []
        self.options = options
    }

    // MARK: - Responses

    private mutating func parseResponse() throws -> IMAPResponse {
        guard let first = peek() else { throw violation("an empty response") }
        switch first {
        case IMAPByte.plus:
            position += 1
            if peek() == IMAPByte.space { position += 1 }
            return .continuation(restOfLine())
        case IMAPByte.star:
            position += 1
            try expect(IMAPByte.space)
            return .untagged(try parseUntagged())
        default:
            let tag = try readTag()
            try expect(IMAPByte.space)
            let keyword = try readAtom()
            guard let status = Self.status(keyword), status == .ok || status == .no || status == .bad else {
                throw violation("a tagged response without OK, NO or BAD")
            }
            return .tagged(tag: tag, parseStatusText(status))
        }
    }

    private mutating func parseUntagged() throws -> IMAPUntaggedResponse {
        if let first = peek(), IMAPByte.isDigit(first) {
            let number = try readSmallNumber()
            try expect(IMAPByte.space)
            let keyword = try readAtom()
            if Self.equals(keyword, "FETCH") {
                try expect(IMAPByte.space)
                return .fetch(try parseFetch(sequenceNumber: number))
            }
            let response: IMAPUntaggedResponse
            if Self.equals(keyword, "EXISTS") {
                response = .exists(number)
            } else if Self.equals(keyword, "RECENT") {
                response = .recent(number)
            } else if Self.equals(keyword, "EXPUNGE") {
                response = .expunge(number)
            } else {
                return .other(keyword: "\(number) " + Self.upper(keyword), values: try readValuesToEnd())
            }
            try expectEnd()
            return response
        }

        let keyword = Self.upper(try readAtom())
        switch keyword {
        case "OK", "NO", "BAD", "BYE", "PREAUTH":
            return .status(parseStatusText(IMAPStatus(rawValue: keyword)!))
        case "CAPABILITY":
            return .capability(try readAtomsToEnd())
        case "ENABLED":
            return .enabled(try readAtomsToEnd())
        case "LIST", "LSUB", "XLIST":
            return .list(try parseListing())
        case "FLAGS":
            skipSpaces()
            let flags = try readFlagList()
            try expectEnd()
            return .flags(flags)
        case "SEARCH":
            return try parseSearch()
        case "ESEARCH":
            return .extendedSearch(try parseExtendedSearch())
        case "ID":
            return .id(try parseID())
        case "STATUS":
            return try parseMailboxStatus()
        case "VANISHED":
            return try parseVanished()
        default:
            return .other(keyword: keyword, values: try readValuesToEnd())
        }
    }

    /// `[CODE args] text` after a status; a code that does not parse stays in the text.
    private mutating func parseStatusText(_ status: IMAPStatus) -> IMAPStatusResponse {
        skipSpaces()
        var code: IMAPResponseCode?
        if peek() == IMAPByte.openBracket {
            let start = position
            do {
                code = try parseResponseCode()
            } catch {
                position = start
            }
        }
        skipSpaces()
        let text = String(decoding: restOfLine(), as: UTF8.self)
        return IMAPStatusResponse(status: status, code: code, text: text)
    }

    private mutating func parseResponseCode() throws -> IMAPResponseCode {
        try expect(IMAPByte.openBracket)
        let name = Self.upper(try readAtom())
        let code: IMAPResponseCode
        switch name {
        case "ALERT": code = .alert
        case "AUTHENTICATIONFAILED": code = .authenticationFailed
        case "AUTHORIZATIONFAILED": code = .authorizationFailed
        case "UNAVAILABLE": code = .unavailable
        case "EXPIRED": code = .expired
        case "PRIVACYREQUIRED": code = .privacyRequired
        case "THROTTLED": code = .throttled
        case "READ-ONLY": code = .readOnly
        case "READ-WRITE": code = .readWrite
        case "TRYCREATE": code = .tryCreate
        case "NONEXISTENT": code = .nonexistent
        case "ALREADYEXISTS": code = .alreadyExists
        case "CLOSED": code = .closed
        case "NOMODSEQ": code = .noModSeq
        case "LIMIT": code = .limit
        case "OVERQUOTA": code = .overQuota
        case "UIDVALIDITY":
            skipSpaces()
            code = .uidValidity(try readUInt32())
        case "UIDNEXT":
            skipSpaces()
            code = .uidNext(try readUInt32())
        case "UNSEEN":
            skipSpaces()
            code = .unseen(try readUInt32())
        case "HIGHESTMODSEQ":
            skipSpaces()
            code = .highestModSeq(try readNumber())
        case "PERMANENTFLAGS":
            skipSpaces()
            code = .permanentFlags(try readFlagList())
        case "CAPABILITY":
            var names: [String] = []
            while true {
                skipSpaces()
                guard let byte = peek(), byte != IMAPByte.closeBracket else { break }
                names.append(Self.upper(try readAtom()))
            }
            code = .capability(names)
        case "APPENDUID":
            skipSpaces()
            let validity = try readUInt32()
            skipSpaces()
            guard let uids = IMAPSequenceSet(parsing: try readAtom()) else { throw violation("a bad APPENDUID set") }
            code = .appendUID(uidValidity: validity, uids: uids)
        case "COPYUID":
            skipSpaces()
            let validity = try readUInt32()
            skipSpaces()
            guard let source = IMAPSequenceSet(parsing: try readAtom()) else { throw violation("a bad COPYUID source set") }
            skipSpaces()
            guard let destination = IMAPSequenceSet(parsing: try readAtom()) else { throw violation("a bad COPYUID destination set") }
            code = .copyUID(uidValidity: validity, sourceUIDs: source, destinationUIDs: destination)
        default:
            var argument: [UInt8] = []
            if peek() == IMAPByte.space {
                position += 1
                while let byte = peek(), byte != IMAPByte.closeBracket {
                    argument.append(byte)
                    position += 1
                }
            }
            code = .other(name: name, argument: argument.isEmpty ? nil : String(decoding: argument, as: UTF8.self))
        }
        skipSpaces()
        try expect(IMAPByte.closeBracket)
        return code
    }

    // MARK: - FETCH

    private mutating func parseFetch(sequenceNumber: Int) throws -> FetchedMessage {
        var message = FetchedMessage(sequenceNumber: sequenceNumber)
        skipSpaces()
        try expect(IMAPByte.openParen)
        while true {
            skipSpaces()
            guard let byte = peek() else { throw violation("an unterminated FETCH") }
            if byte == IMAPByte.closeParen {
                position += 1
                break
            }
            let name = try readAtom(allowingSections: true)
            guard Self.isFetchItemName(name) else { throw violation("a FETCH item name expected") }
            skipSpaces()
            try parseFetchItem(name, into: &message)
        }
        try expectEnd()
        return message
    }

    private mutating func parseFetchItem(_ name: ArraySlice<UInt8>, into message: inout FetchedMessage) throws {
        if let bracket = name.firstIndex(of: IMAPByte.openBracket) {
            // BODY[1.1]<0>, BODY[HEADER], BINARY[2]: keyed by the specifier, origin dropped.
            let close = name[bracket...].firstIndex(of: IMAPByte.closeBracket) ?? name.endIndex
            let key = Self.upper(name[(bracket + 1)..<close])
            if let data = try readNString() { message.sections[key] = data }
        } else if Self.equals(name, "UID") {
            message.uid = try readUInt32()
        } else if Self.equals(name, "FLAGS") {
            message.flags = try readFlagList()
        } else if Self.equals(name, "RFC822.SIZE") {
            message.size = try readInt()
        } else if Self.equals(name, "INTERNALDATE") {
            message.internalDate = try readNString().flatMap(IMAPDate.parse)
        } else if Self.equals(name, "BODYSTRUCTURE") || Self.equals(name, "BODY") {
            message.bodyStructure = BodyStructure(try readValue())
        } else if Self.equals(name, "MODSEQ") {
            try expect(IMAPByte.openParen)
            skipSpaces()
            message.modSeq = try readNumber()
            skipSpaces()
            try expect(IMAPByte.closeParen)
        } else if Self.equals(name, "X-GM-MSGID") {
            message.gmailMessageID = try readNumber()
        } else if Self.equals(name, "X-GM-THRID") {
            message.gmailThreadID = try readNumber()
        } else if Self.equals(name, "X-GM-LABELS") {
            message.gmailLabels = try readLabelList()
        } else if Self.equals(name, "RFC822.HEADER") {
            if let data = try readNString() { message.sections["HEADER"] = data }
        } else if Self.equals(name, "RFC822.TEXT") {
            if let data = try readNString() { message.sections["TEXT"] = data }
        } else if Self.equals(name, "RFC822") {
            if let data = try readNString() { message.sections[""] = data }
        } else {
            message.otherItems[Self.upper(name)] = try readValue()
        }
    }

    /// Gmail sends system labels either quoted with the backslash escaped (`"\\Important"`) or
    /// as bare atoms (`\Important`); both end up as `\Important`.
    private mutating func readLabelList() throws -> [String] {
        try expect(IMAPByte.openParen)
        var labels: [String] = []
        while true {
            skipSpaces()
            guard let byte = peek() else { throw violation("an unterminated label list") }
            if byte == IMAPByte.closeParen {
                position += 1
                return labels
            }
            labels.append(decodeName(try readAString()))
        }
    }

    // MARK: - Other untagged data

    private mutating func parseListing() throws -> IMAPListing {
        skipSpaces()
        let attributes = try readFlagList()
        skipSpaces()
        var delimiter: UInt8?
        if peek() == IMAPByte.quote {
            delimiter = try readQuoted().first
        } else {
            let atom = try readAtom()
            guard Self.equals(atom, "NIL") else { throw violation("a bad LIST delimiter") }
        }
        skipSpaces()
        let name = try readAString()
        _ = try readValuesToEnd()  // LIST-EXTENDED data such as CHILDINFO
        return IMAPListing(attributes: attributes, delimiter: delimiter, rawName: name)
    }

    private mutating func parseSearch() throws -> IMAPUntaggedResponse {
        var uids: [UInt32] = []
        var modSeq: UInt64?
        while true {
            skipSpaces()
            guard let byte = peek() else { break }
            if byte == IMAPByte.openParen {
                // CONDSTORE: `(MODSEQ 917162500)` closes the list.
                if let items = try readValue().list, items.count == 2, items[0].text?.uppercased() == "MODSEQ" {
                    modSeq = items[1].number
                }
            } else {
                uids.append(try readUInt32())
            }
        }
        return .search(uids: uids, modSeq: modSeq)
    }

    private mutating func parseExtendedSearch() throws -> IMAPExtendedSearch {
        var result = IMAPExtendedSearch(tag: nil, isUID: false)
        skipSpaces()
        if peek() == IMAPByte.openParen, let items = try readValue().list,
           items.count == 2, items[0].text?.uppercased() == "TAG" {
            result.tag = items[1].text
        }
        while true {
            skipSpaces()
            guard peek() != nil else { return result }
            let name = Self.upper(try readAtom())
            if name == "UID" {
                result.isUID = true
                continue
            }
            skipSpaces()
            switch name {
            case "ALL":
                guard let set = IMAPSequenceSet(parsing: try readAtom()) else { throw violation("a bad ESEARCH ALL set") }
                result.all = set
            case "MIN": result.min = try readUInt32()
            case "MAX": result.max = try readUInt32()
            case "COUNT": result.count = try readInt()
            case "MODSEQ": result.modSeq = try readNumber()
            default: _ = try readValue()
            }
        }
    }

    private mutating func parseID() throws -> [String: String] {
        skipSpaces()
        guard let items = try readValue().list else { return [:] }  // `* ID NIL`
        var fields: [String: String] = [:]
        var index = 0
        while index + 1 < items.count {
            if let key = items[index].text, let value = items[index + 1].text { fields[key] = value }
            index += 2
        }
        try expectEnd()
        return fields
    }

    private mutating func parseMailboxStatus() throws -> IMAPUntaggedResponse {
        skipSpaces()
        let name = try readAString()
        skipSpaces()
        var items: [String: UInt64] = [:]
        let values = try readValue().list ?? []
        var index = 0
        while index + 1 < values.count {
            if let key = values[index].text?.uppercased(), let number = values[index + 1].number { items[key] = number }
            index += 2
        }
        try expectEnd()
        return .mailboxStatus(rawName: name, items: items)
    }

    private mutating func parseVanished() throws -> IMAPUntaggedResponse {
        skipSpaces()
        var earlier = false
        if peek() == IMAPByte.openParen {
            earlier = try readValue().list?.first?.text?.uppercased() == "EARLIER"
            skipSpaces()
        }
        guard let uids = IMAPSequenceSet(parsing: try readAtom()) else { throw violation("a bad VANISHED set") }
        try expectEnd()
        return .vanished(earlier: earlier, uids: uids)
    }

    // MARK: - Values

    /// Any value: list, quoted string, literal, NIL, number or atom.
    private mutating func readValue() throws -> IMAPValue {
        guard let byte = peek() else { throw violation("a missing value") }
        switch byte {
        case IMAPByte.openParen:
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.deepestNesting else { throw violation("lists nested too deep") }
            position += 1
            var items: [IMAPValue] = []
            while true {
                skipSpaces()
                guard let next = peek() else { throw violation("an unterminated list") }
                if next == IMAPByte.closeParen {
                    position += 1
                    return .list(items)
                }
                items.append(try readValue())
            }
        case IMAPByte.quote:
            return .string(try readQuoted())
        case IMAPByte.openBrace, IMAPByte.tilde:
            return .string(try readLiteral())
        default:
            let atom = try readAtom(allowingSections: true)
            if Self.equals(atom, "NIL") { return .nilValue }
            if let number = IMAPValue.decimal(atom) { return .number(number) }
            return .atom(Array(atom))
        }
    }

    private mutating func readValuesToEnd() throws -> [IMAPValue] {
        var values: [IMAPValue] = []
        while true {
            skipSpaces()
            guard peek() != nil else { return values }
            values.append(try readValue())
        }
    }

    private mutating func readAtomsToEnd() throws -> [String] {
        var atoms: [String] = []
        while true {
            skipSpaces()
            guard peek() != nil else { return atoms }
            atoms.append(Self.upper(try readAtom()))
        }
    }

    /// A string or NIL (nstring); `nil` for NIL.
    private mutating func readNString() throws -> [UInt8]? {
        switch peek() {
        case IMAPByte.quote: return try readQuoted()
        case IMAPByte.openBrace, IMAPByte.tilde: return try readLiteral()
        default:
            let atom = try readAtom()
            guard Self.equals(atom, "NIL") else { throw violation("a string or NIL expected") }
            return nil
        }
    }

    /// An atom, a quoted string or a literal (astring).
    private mutating func readAString() throws -> [UInt8] {
        switch peek() {
        case IMAPByte.quote: return try readQuoted()
        case IMAPByte.openBrace, IMAPByte.tilde: return try readLiteral()
        default: return Array(try readAtom(allowingSections: true))
        }
    }

    /// `(\Seen $Lead \*)`; a quoted flag is accepted too.
    private mutating func readFlagList() throws -> [String] {
        try expect(IMAPByte.openParen)
        var flags: [String] = []
        while true {
            skipSpaces()
            guard let byte = peek() else { throw violation("an unterminated flag list") }
            if byte == IMAPByte.closeParen {
                position += 1
                return flags
            }
            let flag = try byte == IMAPByte.quote ? readQuoted() : Array(readAtom())
            flags.append(String(decoding: flag, as: UTF8.self))
        }
    }

    private mutating func readQuoted() throws -> [UInt8] {
        try expect(IMAPByte.quote)
        let start = position
        // Fast path: no escapes, one copy.
        while position < line.count {
            let byte = line[position]
            if byte == IMAPByte.quote {
                let value = Array(line[start..<position])
                position += 1
                return value
            }
            if byte == IMAPByte.backslash { break }
            position += 1
        }
        var value = Array(line[start..<position])
        while position < line.count {
            let byte = line[position]
            position += 1
            if byte == IMAPByte.quote { return value }
            if byte == IMAPByte.backslash {
                guard position < line.count else { break }
                value.append(line[position])
                position += 1
            } else {
                value.append(byte)
            }
        }
        throw violation("an unterminated quoted string")
    }

    /// `{n}` (or `~{n}` for BINARY) at the end of the line; the bytes are the framer's literal.
    private mutating func readLiteral() throws -> [UInt8] {
        if peek() == IMAPByte.tilde { position += 1 }
        try expect(IMAPByte.openBrace)
        let digitsStart = position
        while let byte = peek(), IMAPByte.isDigit(byte) { position += 1 }
        let announced = IMAPValue.decimal(line[digitsStart..<position])
        if peek() == IMAPByte.plus { position += 1 }
        try expect(IMAPByte.closeBrace)
        guard position == line.count, lineIndex < literals.count, lineIndex + 1 < lines.count,
              announced == UInt64(literals[lineIndex].count) else {
            throw violation("a literal that does not end its line")
        }
        let value = literals[lineIndex]
        lineIndex += 1
        line = lines[lineIndex]
        position = 0
        return value
    }

    /// An atom. With `allowingSections`, a bracketed section and a partial origin belong to it
    /// (`BODY[HEADER.FIELDS (FROM TO)]<0>`), spaces and parentheses included; Gmail's
    /// unquoted `[Gmail]/Sent` reads the same way.
    private mutating func readAtom(allowingSections: Bool = false) throws -> ArraySlice<UInt8> {
        let start = position
        while position < line.count {
            let byte = line[position]
            if allowingSections, byte == IMAPByte.openBracket {
                guard let close = line[position...].firstIndex(of: IMAPByte.closeBracket) else {
                    throw violation("an unterminated section")
                }
                position = close + 1
                if position < line.count, line[position] == IMAPByte.lessThan {
                    guard let end = line[position...].firstIndex(of: IMAPByte.greaterThan) else {
                        throw violation("an unterminated partial origin")
                    }
                    position = end + 1
                }
                continue
            }
            if IMAPByte.endsAtom(byte) { break }
            position += 1
        }
        guard position > start else { throw violation("an atom expected") }
        return line[start..<position]
    }

    private mutating func readTag() throws -> String {
        let start = position
        while position < line.count, line[position] != IMAPByte.space {
            guard IMAPByte.isTagCharacter(line[position]) else { throw violation("a malformed tag") }
            position += 1
        }
        guard position > start else { throw violation("a missing tag") }
        return String(decoding: line[start..<position], as: UTF8.self)
    }

    private mutating func readNumber() throws -> UInt64 {
        let start = position
        while let byte = peek(), IMAPByte.isDigit(byte) { position += 1 }
        guard let value = IMAPValue.decimal(line[start..<position]) else { throw violation("a number expected") }
        return value
    }

    private mutating func readUInt32() throws -> UInt32 {
        guard let value = UInt32(exactly: try readNumber()) else { throw violation("a number beyond 32 bits") }
        return value
    }

    private mutating func readInt() throws -> Int {
        guard let value = Int(exactly: try readNumber()) else { throw violation("a number beyond Int") }
        return value
    }

    private mutating func readSmallNumber() throws -> Int {
        Int(try readUInt32())
    }

    // MARK: - Cursor

    private func peek() -> UInt8? {
        position < line.count ? line[position] : nil
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard peek() == byte else {
            throw violation("'\(Character(Unicode.Scalar(byte)))' expected")
        }
        position += 1
    }

    private mutating func skipSpaces() {
        while position < line.count, line[position] == IMAPByte.space { position += 1 }
    }

    private mutating func restOfLine() -> [UInt8] {
        defer { position = line.count }
        return Array(line[min(position, line.count)...])
    }

    /// Trailing spaces are forgiven; anything else after a complete response is not.
    private mutating func expectEnd() throws {
        skipSpaces()
        guard position == line.count, lineIndex == lines.count - 1 else {
            throw violation("unexpected data after the response")
        }
    }

    private func violation(_ what: String) -> IMAPError {
        let excerpt = line.prefix(120).map { $0 >= 0x20 && $0 < 0x7F ? Character(Unicode.Scalar($0)) : "?" }
        return .protocolViolation("\(what) at byte \(position) of \"\(String(excerpt))\"")
    }

    /// Mailbox and label names: UTF-8 under UTF8=ACCEPT, else modified UTF-7 (falling back to
    /// UTF-8 for servers that send raw UTF-8 anyway).
    private func decodeName(_ bytes: [UInt8]) -> String {
        ModifiedUTF7.decodeName(bytes, namesAreUTF8: options.namesAreUTF8)
    }

    // MARK: - Byte helpers

    static func status(_ keyword: ArraySlice<UInt8>) -> IMAPStatus? {
        IMAPStatus(rawValue: upper(keyword))
    }

    /// Case-insensitive comparison with an upper-case ASCII constant, without building a String.
    static func equals(_ bytes: ArraySlice<UInt8>, _ constant: StaticString) -> Bool {
        guard bytes.count == constant.utf8CodeUnitCount else { return false }
        return constant.withUTF8Buffer { expected in
            var index = bytes.startIndex
            for wanted in expected {
                var byte = bytes[index]
                if byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z") { byte -= 0x20 }
                if byte != wanted { return false }
                index += 1
            }
            return true
        }
    }

    /// `UID`, `RFC822.SIZE`, `X-GM-LABELS`, `BODY[…]<…>`: a letter, then letters, digits, `.`
    /// and `-` up to the section. Anything else where a name belongs means the stream is out of
    /// step (typically: a literal longer than it was announced).
    static func isFetchItemName(_ name: ArraySlice<UInt8>) -> Bool {
        guard let first = name.first, (first | 0x20) >= UInt8(ascii: "a"), (first | 0x20) <= UInt8(ascii: "z") else { return false }
        for byte in name {
            if byte == IMAPByte.openBracket { return true }
            let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            guard letter || IMAPByte.isDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") else { return false }
        }
        return true
    }

    static func upper(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self).uppercased()
    }
}

/// The bytes the grammar turns on.
enum IMAPByte {
    static let space = UInt8(ascii: " ")
    static let plus = UInt8(ascii: "+")
    static let star = UInt8(ascii: "*")
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let openParen = UInt8(ascii: "(")
    static let closeParen = UInt8(ascii: ")")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let lessThan = UInt8(ascii: "<")
    static let greaterThan = UInt8(ascii: ">")
    static let tilde = UInt8(ascii: "~")

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Atoms end at a space, a parenthesis, a quote, a brace, `]` or a control character.
    /// `\` and `*` stay inside so that flags (`\Seen`, `\*`) read as atoms.
    static func endsAtom(_ byte: UInt8) -> Bool {
        byte <= space || byte == 0x7F || byte == openParen || byte == closeParen || byte == quote
            || byte == openBrace || byte == closeBracket
    }

    static func isTagCharacter(_ byte: UInt8) -> Bool {
        byte > space && byte < 0x7F && byte != openParen && byte != closeParen && byte != openBrace
            && byte != quote && byte != backslash && byte != plus && byte != star && byte != UInt8(ascii: "%")
    }
}
