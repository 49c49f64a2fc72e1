import Foundation

/// An RFC 3464 delivery status notification: the machine-readable `message/delivery-status`
/// (or RFC 6533 `message/global-delivery-status`) part that RFC 6522 `multipart/report` bounces
/// carry. Its body is header-like groups separated by blank lines — per-message fields first, then
/// one group per recipient — so each group is read with `HeaderBlock` and gets the same tolerance
/// for folding, bare LF and junk lines as a message header.
public struct DeliveryStatusReport: Sendable, Equatable {
    /// One per-recipient group. Typed values (`rfc822; a@b.ru`, `smtp; 550 …`) are split into
    /// their type and value.
    public struct Recipient: Sendable, Equatable {
        /// The address without its `rfc822;` type and angle brackets.
        public let finalRecipient: String?
        public let originalRecipient: String?
        /// Lower-cased: `failed`, `delayed`, `delivered`, `relayed`, `expanded`.
        public let action: String?
        /// The first token of `Status:` ("5.1.1"); trailing comments are dropped.
        public let status: String?
        /// `smtp`, `x-unix`, … from `Diagnostic-Code: smtp; 550 …`.
        public let diagnosticType: String?
        /// The diagnostic text after its type, whitespace collapsed.
        public let diagnosticCode: String?
        public let remoteMTA: String?

        public var address: String? { finalRecipient ?? originalRecipient }

        /// Sending to this recipient succeeded; a report of success is not a failure.
        public var reportsSuccess: Bool {
            if let action, ["delivered", "relayed", "expanded"].contains(action) { return true }
            return status?.hasPrefix("2") ?? false
        }
    }

    public let reportingMTA: String?
    public let recipients: [Recipient]

    public init(parsing bytes: some Collection<UInt8>) {
        var reportingMTA: String?
        var recipients: [Recipient] = []
        for group in Self.groups(Array(bytes)) {
            let block = HeaderBlock(parsing: group)
            if reportingMTA == nil, let mta = block.text("Reporting-MTA") {
                reportingMTA = Self.typedValue(mta).value
            }
            let finalAddress = block.text("Final-Recipient").map { Self.address(Self.typedValue($0).value) }
            let originalAddress = block.text("Original-Recipient").map { Self.address(Self.typedValue($0).value) }
            guard finalAddress != nil || originalAddress != nil else { continue }
            let diagnostic = block.text("Diagnostic-Code").map(Self.typedValue)
            recipients.append(Recipient(
                finalRecipient: finalAddress.flatMap { $0.isEmpty ? nil : $0 },
                originalRecipient: originalAddress.flatMap { $0.isEmpty ? nil : $0 },
                action: block.text("Action").map { $0.trimmingBlanks().lowercased() },
                status: block.text("Status").flatMap { $0.split(whereSeparator: \.isWhitespace).first.map(String.init) },
                diagnosticType: diagnostic?.type,
                diagnosticCode: diagnostic.map { Self.collapsingWhitespace($0.value) },
                remoteMTA: block.text("Remote-MTA").map { Self.typedValue($0).value }
            ))
        }
        self.reportingMTA = reportingMTA
        self.recipients = recipients
    }

    /// The first delivery-status part anywhere in the message, parsed.
    public static func find(in root: MIMEPart) -> DeliveryStatusReport? {
        root.allParts.first { isDeliveryStatus($0.contentType.value) }.map { DeliveryStatusReport(parsing: $0.body) }
    }

    public static func isDeliveryStatus(_ contentType: String) -> Bool {
        contentType == "message/delivery-status" || contentType == "message/global-delivery-status"
    }

    /// The `report-type` of an RFC 6522 `multipart/report` ("delivery-status",
    /// "feedback-report", "disposition-notification"), or `nil` for any other part.
    public static func reportType(of part: MIMEPart) -> String? {
        guard part.contentType.value == "multipart/report" else { return nil }
        return part.contentType.parameters["report-type"]?.lowercased() ?? ""
    }

    // MARK: - Reading the groups

    /// Splits at blank lines. Leading lines that cannot be fields (prose around a report pasted
    /// into a text part) are dropped, because `HeaderBlock` reads a block that starts with junk as
    /// having no header at all. Each group is handed over on its own, which keeps a huge body linear.
    static func groups(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var groups: [ArraySlice<UInt8>] = []
        var groupStart: Int?
        var lineStart = 0
        func close(at end: Int) {
            if let start = groupStart, start < end { groups.append(bytes[start..<end]) }
            groupStart = nil
        }
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let next = min(lineEnd + 1, bytes.count)
            let line = bytes[lineStart..<lineEnd]
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                close(at: lineStart)
            } else if groupStart == nil {
                if looksLikeField(line) { groupStart = lineStart }
            }
            lineStart = next
        }
        close(at: bytes.count)
        return groups
    }

    /// `Name: value` with a name of visible ASCII characters — the rule `HeaderBlock` applies.
    static func looksLikeField(_ line: ArraySlice<UInt8>) -> Bool {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else { return false }
        return line[line.startIndex..<colon].allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// `rfc822; a@b.ru` → ("rfc822", "a@b.ru"). A value without a `type;` prefix is all value.
    static func typedValue(_ text: String) -> (type: String?, value: String) {
        if let semicolon = text.firstIndex(of: ";") {
            let type = text[..<semicolon].trimmingCharacters(in: .whitespaces)
            if !type.isEmpty, type.utf8.allSatisfy(isTypeCharacter) {
                return (type.lowercased(), text[text.index(after: semicolon)...].trimmingCharacters(in: .whitespaces))
            }
        }
        return (nil, text.trimmingCharacters(in: .whitespaces))
    }

    /// Letters, digits and `-`: what an address or diagnostic type (`rfc822`, `x-unix`) is made of.
    static func isTypeCharacter(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D
    }

    static func address(_ value: String) -> String {
        var view = Substring(value)
        while let first = view.first, first == "<" || first == " " { view = view.dropFirst() }
        while let last = view.last, last == ">" || last == " " { view = view.dropLast() }
        return String(view)
    }

    static func collapsingWhitespace(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
