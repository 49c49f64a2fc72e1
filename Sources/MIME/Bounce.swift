import Foundation

/// A non-delivery report read from an inbound message: which recipients failed, the SMTP reply
/// code and RFC 3463 enhanced status the remote server gave, and why, as one reason word in the
/// vocabulary of the sisimai bounce library (`userunknown`, `mailboxfull`, `expired`, `filtered`,
/// `blocked`, …), so outreach can stop writing to dead addresses and keep retrying full ones.
///
/// Reports are read in this order: ARF feedback reports (RFC 5965) and Hotmail complaints,
/// Amazon SES notifications, RFC 3464 `message/delivery-status` parts, and finally the plain-text
/// reports of common mail servers (Postfix, Exim, Sendmail, qmail, Exchange, Gmail, Yandex,
/// Mail.ru, …), where recipients and codes are found in the human-readable text.
public struct Bounce: Sendable, Equatable {
    public struct Recipient: Sendable, Equatable {
        public let address: String
        /// Enhanced status code such as "5.1.1"; derived from the reply code ("550" → "5.0.0") when
        /// the report gives none; "" when neither is known.
        public let status: String
        /// SMTP reply code such as "550", or "".
        public let replyCode: String
        /// A permanent failure of the address itself: stop sending to it.
        public let hard: Bool
        /// sisimai-style reason word, see ``BounceReasonClassifier``.
        public let reason: String
        /// What the remote server said, whitespace collapsed.
        public let diagnostic: String?

        public init(address: String, status: String, replyCode: String, hard: Bool, reason: String, diagnostic: String?) {
            self.address = address
            self.status = status
            self.replyCode = replyCode
            self.hard = hard
            self.reason = reason
            self.diagnostic = diagnostic
        }
    }

    public let recipients: [Recipient]

    public init(recipients: [Recipient]) {
        self.recipients = recipients
    }

    /// The bounce this message reports, or `nil` for an ordinary message, an auto-reply, or a
    /// report that every recipient was delivered.
    public static func detect(in root: MIMEPart) -> Bounce? {
        detect(in: root, parts: root.allParts)
    }

    /// The same, given the message's parts in document order and, when the caller has it
    /// already, the subject folded by `BounceText.folded`.
    static func detect(in message: MIMEPart, parts: [MIMEPart], foldedSubject: [UInt8]? = nil) -> Bounce? {
        if let feedback = feedbackReport(in: parts) { return feedback }
        if let amazon = AmazonSESNotification.read(message) { return amazon.bounce }
        return BounceReport(message: message, parts: parts, foldedSubject: foldedSubject)?.bounce()
    }

    /// ARF (RFC 5965) abuse and feedback-loop reports, and Hotmail's JMRP complaints, which enclose
    /// the complained-about message with an `X-HmXmrOriginalRecipient` header instead.
    static func feedbackReport(in parts: [MIMEPart]) -> Bounce? {
        for part in parts {
            if part.contentType.value == "message/feedback-report" {
                let fields = DeliveryStatusReport.groups(part.body).first.map { HeaderBlock(parsing: $0) }
                let address = fields?.text("Original-Rcpt-To").flatMap { BounceText.addresses(in: $0).first }
                    ?? BounceReport.enclosedRecipients(parts).first ?? ""
                return feedback(address: address, diagnostic: fields?.text("Feedback-Type"))
            }
            if part.contentType.value == "message/rfc822", let enclosed = part.children.first,
               let complainant = enclosed.headers.text("X-HmXmrOriginalRecipient") {
                return feedback(address: BounceText.addresses(in: complainant).first ?? "", diagnostic: "abuse")
            }
        }
        return nil
    }

    static func feedback(address: String, diagnostic: String?) -> Bounce {
        Bounce(recipients: [Recipient(address: address, status: "", replyCode: "", hard: false, reason: "feedback", diagnostic: diagnostic?.trimmingBlanks())])
    }

    static func recipient(address: String, status: String, replyCode: String, reason: String, diagnostic: String?) -> Recipient {
        Recipient(
            address: address,
            status: !status.isEmpty ? status : replyCode.isEmpty ? statusImplied(by: reason) : derivedStatus(replyCode: replyCode),
            replyCode: replyCode,
            hard: BounceReasonClassifier.hardReasons.contains(reason),
            reason: reason,
            diagnostic: diagnostic.flatMap { $0.isEmpty ? nil : String($0.prefix(1000)) }
        )
    }

    /// A report with neither an enhanced status nor a reply code still says what went wrong in
    /// words; the reason we read from them implies the RFC 3463 status a server would have sent
    /// for a final failure. Reasons that imply nothing in particular leave it empty.
    static func statusImplied(by reason: String) -> String {
        switch reason {
        case "userunknown": "5.1.1"
        case "hostunknown": "5.1.2"
        case "notaccept": "5.1.10"
        case "hasmoved": "5.1.6"
        case "suspend": "5.2.1"
        case "mailboxfull": "5.2.2"
        case "systemfull": "5.3.1"
        case "mesgtoobig": "5.3.4"
        case "networkerror": "5.4.0"
        case "expired": "5.4.7"
        case "filtered", "contenterror": "5.6.0"
        case "blocked", "rejected", "spamdetected", "norelaying", "policyviolation", "securityerror", "virusdetected", "badreputation", "requireptr", "authfailure": "5.7.1"
        case "systemerror", "mailererror": "5.3.0"
        default: ""
        }
    }

    /// A report without an enhanced status still has its reply code's class: 550 → 5.0.0.
    static func derivedStatus(replyCode: String) -> String {
        guard let first = replyCode.first, first == "4" || first == "5" else { return "" }
        return "\(first).0.0"
    }
}

// MARK: - Reading a report

/// One candidate bounce: its report text (the human-readable part, cut where the returned
/// message begins) and whatever machine-readable fields came with it.
struct BounceReport {
    let message: MIMEPart
    let parts: [MIMEPart]
    /// The report text before the returned message, line by line.
    let lines: [Substring]
    /// The lines after it (the returned message, when it was pasted in as text).
    let remainder: [Substring]
    let reportText: String
    let foldedReport: [UInt8]
    let statusFields: [DeliveryStatusReport.Recipient]

    /// `nil` unless the message carries some sign of being a bounce. Header signs are checked
    /// first so an ordinary message costs no body scan.
    init?(message: MIMEPart, parts: [MIMEPart], foldedSubject: [UInt8]? = nil) {
        let headers = message.headers
        let from = (headers.text("From") ?? "").lowercased().trimmingBlanks()
        let subject = foldedSubject ?? BounceText.folded(headers.text("Subject") ?? "")
        let returnPath = headers.raw("Return-Path").map { String(decoding: $0, as: UTF8.self).trimmingBlanks() }
        let emptySender = returnPath == "<>" || returnPath == "" || from == "<>" || from.isEmpty
        let autoSubmitted = (headers.text("Auto-Submitted") ?? "no").trimmingBlanks().lowercased()
        let machineSender = ASCIIFastPath.containsAny(BounceVocabulary.systemSenders, in: from) || emptySender || !autoSubmitted.hasPrefix("no")
        let bounceSubject = BounceText.containsAny(BounceVocabulary.subjects, in: subject)
        let failedRecipientsHeader = headers.raw("X-Failed-Recipients") != nil
        let statusPart = parts.first { DeliveryStatusReport.isDeliveryStatus($0.contentType.value) }
        guard statusPart != nil || machineSender || bounceSubject || failedRecipientsHeader else { return nil }

        // A report is a few dozen lines; the cap bounds the work when a whole message was pasted in.
        let allLines = Array(BounceText.lines(Self.reportText(of: message)).prefix(5000))
        let cut = allLines.firstIndex(where: Self.startsReturnedMessage) ?? allLines.endIndex
        lines = Array(allLines[..<cut])
        remainder = Array(allLines[cut...])
        reportText = lines.joined(separator: "\n")
        foldedReport = BounceText.folded(reportText)

        var fields = statusPart.map { DeliveryStatusReport(parsing: $0.body).recipients } ?? []
        if fields.isEmpty { fields = Self.pastedStatusFields(allLines) }
        statusFields = fields

        let bounceBody = BounceText.containsAny(BounceVocabulary.bodyPhrases, in: foldedReport)
        // An out-of-office reply is machine-made too; its subject tells it apart.
        let autoReplyOnly = !bounceSubject && BounceText.containsAny(AutoReplyVocabulary.subjects, in: subject)
        let evidence = BounceText.containsAny(BounceVocabulary.mailerSignatures, in: foldedReport) || !fields.isEmpty || failedRecipientsHeader
            || (machineSender && !autoReplyOnly && (bounceSubject || bounceBody))
        guard evidence else { return nil }
        self.message = message
        self.parts = parts
    }

    func bounce() -> Bounce? {
        let candidates: [(address: String, fields: DeliveryStatusReport.Recipient?)] = statusFields.isEmpty
            ? textCandidates()
            : statusFields.map { (address: Self.address(of: $0), fields: $0) }
        let allAddresses = candidates.map(\.address)
        var recipients: [Bounce.Recipient] = []
        for candidate in candidates where !candidate.address.isEmpty {
            if candidate.fields?.reportsSuccess == true { continue }
            var segment = self.segment(for: candidate.address, others: allAddresses)
            if segment.isEmpty, candidates.count == 1 { segment = reportText }
            let diagnostic = candidate.fields?.diagnosticCode ?? ""

            var reportStatus = candidate.fields?.status ?? ""
            if BounceText.enhancedStatus(in: reportStatus) != reportStatus { reportStatus = BounceText.enhancedStatus(in: reportStatus) ?? "" }
            // What the remote server said beats the reporting MTA's summary of it; a generic
            // x.0.0 summary is refined by the text around the recipient.
            var status = BounceText.enhancedStatus(in: diagnostic) ?? reportStatus
            if status.isEmpty || status.hasSuffix(".0.0"), let textStatus = BounceText.enhancedStatus(in: segment),
               status.isEmpty || textStatus.first == status.first {
                status = textStatus
            }
            var replyCode = BounceText.replyCode(in: diagnostic) ?? BounceText.replyCode(in: segment) ?? ""
            // "554 4.4.7 Message expired: …<421 4.4.2 Connection timed out>": the reporting MTA
            // quotes the remote server's own answer, which is the more precise one.
            if let quoted = BounceText.quotedReply(in: diagnostic) {
                replyCode = quoted.code
                status = quoted.status
            }
            let reason = BounceReasonClassifier.classify(
                diagnostic: BounceText.folded(diagnostic), segment: BounceText.folded(segment),
                report: foldedReport, status: status, diagnosticType: candidate.fields?.diagnosticType
            )
            let said = diagnostic.isEmpty ? DeliveryStatusReport.collapsingWhitespace(segment) : diagnostic
            recipients.append(Bounce.recipient(address: candidate.address, status: status, replyCode: replyCode, reason: reason, diagnostic: said))
        }
        return recipients.isEmpty ? nil : Bounce(recipients: recipients)
    }

    // MARK: Recipients

    static func address(of fields: DeliveryStatusReport.Recipient) -> String {
        if let finalAddress = fields.finalRecipient, let address = BounceText.addresses(in: finalAddress).first { return address }
        if let originalAddress = fields.originalRecipient, let address = BounceText.addresses(in: originalAddress).first { return address }
        return (fields.address ?? "").lowercased()
    }

    /// Recipients of a plain-text report: addresses in the text other than the sender's and the
    /// mail system's own, in order of appearance; Exim's `X-Failed-Recipients` when present; the
    /// returned message's `To:` as the last resort.
    func textCandidates() -> [(address: String, fields: DeliveryStatusReport.Recipient?)] {
        var addresses = textRecipients(excluding: excludedAddresses())
        // The sender may have written to their own address: then nothing is left but them.
        if addresses.isEmpty { addresses = textRecipients(excluding: []) }
        let failed = message.headers.all("X-Failed-Recipients").flatMap { BounceText.addresses(in: String(decoding: $0.raw, as: UTF8.self)) }
        if !failed.isEmpty { addresses = failed }
        if addresses.isEmpty {
            addresses = Array(Self.enclosedRecipients(parts).prefix(1))
        }
        if addresses.isEmpty, let toLine = remainder.first(where: { $0.lowercased().hasPrefix("to:") }) {
            addresses = Array(BounceText.addresses(in: toLine.dropFirst(3)).prefix(1))
        }
        return addresses.map { (address: $0, fields: nil) }
    }

    func textRecipients(excluding excluded: Set<String>) -> [String] {
        var seen = Set<String>()
        var ordered: [String] = []
        for line in lines {
            let lowerLine = Array(line.lowercased().utf8)
            for address in BounceText.addresses(in: line) {
                guard !excluded.contains(address), !BounceVocabulary.isSystemMailbox(address),
                      !BounceText.isForwardingSource(address, in: lowerLine), seen.insert(address).inserted else { continue }
                ordered.append(address)
            }
        }
        return ordered
    }

    /// The bounce's own sender and recipient and the returned message's sender are never the
    /// failed recipient.
    func excludedAddresses() -> Set<String> {
        var excluded = Set<String>()
        func add(_ headers: HeaderBlock, _ names: [String]) {
            for name in names {
                if let value = headers.text(name) { excluded.formUnion(BounceText.addresses(in: value)) }
            }
        }
        add(message.headers, ["From", "To", "Reply-To", "Return-Path", "Sender"])
        for part in parts {
            if part.contentType.value == "message/rfc822", let enclosed = part.children.first {
                add(enclosed.headers, ["From", "Return-Path", "Sender", "Reply-To"])
            } else if Self.headerOnlyTypes.contains(part.contentType.value) {
                add(HeaderBlock(parsing: part.body), ["From", "Return-Path", "Sender"])
            }
        }
        return excluded
    }

    /// `To:` of the returned message (whole or headers only).
    static func enclosedRecipients(_ parts: [MIMEPart]) -> [String] {
        for part in parts {
            if part.contentType.value == "message/rfc822", let to = part.children.first?.headers.text("To") {
                return BounceText.addresses(in: to)
            }
            if headerOnlyTypes.contains(part.contentType.value), let to = HeaderBlock(parsing: part.body).text("To") {
                return BounceText.addresses(in: to)
            }
        }
        return []
    }

    static let headerOnlyTypes: Set<String> = ["text/rfc822-headers", "text/rfc822-header", "message/global-headers"]

    /// The report lines about one recipient: from its first mention to the first mention of
    /// another recipient, at most 15 lines.
    func segment(for address: String, others: [String]) -> String {
        guard let start = lines.firstIndex(where: { ASCIIFastPath.contains(address, in: $0.lowercased()) }) else { return "" }
        var end = min(lines.count, start + 15)
        for index in (start + 1)..<max(start + 1, end) {
            let lower = lines[index].lowercased()
            if others.contains(where: { !$0.isEmpty && $0 != address && ASCIIFastPath.contains($0, in: lower) }) {
                end = index
                break
            }
        }
        return lines[start..<end].joined(separator: "\n")
    }

    // MARK: Report text

    /// Types that are never part of the human-readable report.
    static let machineReadableTypes: Set<String> = [
        "message/rfc822", "message/global", "text/rfc822-headers", "text/rfc822-header", "message/global-headers",
        "message/delivery-status", "message/global-delivery-status", "message/feedback-report",
    ]

    /// The human-readable report: its plain-text parts (a multipart whose boundary never showed up
    /// counts as text), or its HTML parts reduced to text when there is no plain text.
    static func reportText(of message: MIMEPart) -> String {
        var leaves: [MIMEPart] = []
        func collect(_ part: MIMEPart) {
            guard !machineReadableTypes.contains(part.contentType.value) else { return }
            if part.children.isEmpty { leaves.append(part) } else { part.children.forEach(collect) }
        }
        collect(message)
        let textual = leaves.filter { $0.contentType.value.hasPrefix("text/") || ($0.contentType.value.hasPrefix("multipart/") && !$0.body.isEmpty) }
        let plain = textual.filter { !$0.contentType.value.hasPrefix("text/html") }
        if !plain.isEmpty { return plain.map(\.text).joined(separator: "\n") }
        return textual.map { HTMLText.text(from: $0.text) }.joined(separator: "\n")
    }

    /// Where the copy of the returned message starts: a mailer's separator line, or the first
    /// trace header of the copy.
    static func startsReturnedMessage(_ line: Substring) -> Bool {
        let lower = line.lowercased()
        if ASCIIFastPath.containsAny(BounceVocabulary.returnedMessageMarkers, in: lower) { return true }
        let unquoted = lower.drop { $0 == ">" || $0 == " " }
        return BounceVocabulary.returnedHeaderNames.contains { unquoted.hasPrefix($0 + ":") }
    }

    /// RFC 3464 fields pasted into a text part (Amazon WorkMail) or quoted in a forwarded bounce.
    static func pastedStatusFields(_ lines: [Substring]) -> [DeliveryStatusReport.Recipient] {
        let hasFields = lines.contains { line in
            var rest = line.drop(while: \.isWhitespace)
            if rest.first == ">" { rest = rest.dropFirst().drop(while: \.isWhitespace) }
            let lower = rest.lowercased()
            for name in ["final-recipient", "original-recipient"] where lower.hasPrefix(name) {
                if lower.dropFirst(name.count).drop(while: \.isWhitespace).first == ":" { return true }
            }
            return false
        }
        guard hasFields else { return [] }
        let unquoted = lines.map { line -> Substring in
            guard line.first == ">" else { return line }
            let rest = line.dropFirst()
            return rest.first == " " ? rest.dropFirst() : rest
        }
        return DeliveryStatusReport(parsing: Array(unquoted.joined(separator: "\n").utf8)).recipients
    }
}

// MARK: - Vocabulary

/// Words that mark a message as a bounce. Matched lower-cased with whitespace collapsed.
enum BounceVocabulary {
    static let systemSenders = ["mailer-daemon", "postmaster", "mail delivery", "mail.delivery", "mailer daemon", "post_master"]
    static let systemMailboxPrefixes = ["mailer-daemon", "postmaster", "mail.delivery.system", "no-reply", "noreply", "mailerdaemon"]

    static func isSystemMailbox(_ address: String) -> Bool {
        let local = address.split(separator: "@", maxSplits: 1).first.map(String.init) ?? address
        return systemMailboxPrefixes.contains { local.hasPrefix($0) }
    }

    static let subjects = BounceText.phrases([
        "undeliver", "returned mail", "mail delivery failed", "delivery status notification", "delivery failure", "failure notice",
        "delivery notification", "mail system error", "failure delivery", "returning message to sender", "delivery has failed",
        "could not be delivered", "non remis", "unzustellbar", "error sending your mail", "mail failed", "delayed mail", "warning: message",
        "delivery status", "nondeliverable", "mail error", "message delivery has failed", "undelivered mail",
        "недоставлен", "не доставлен", "недоставк", "ошибка доставки", "не удалось доставить", "возврат письма",
    ])

    static let bodyPhrases = BounceText.phrases([
        "this is the mail system at host", "this is the postfix program", "could not be delivered", "delivery has failed",
        "transcript of session follows", "qmail-send program", "delivery to the following recipient",
        "message was created automatically by mail delivery software", "permanent error", "unable to deliver", "not delivered",
        "could not deliver", "the following addresses had", "delivery failed", "undeliverable", "message was not accepted",
        "error delivering", "failure reasons", "returned message", "following recipients", "was not delivered",
        "delivery status notification", "mailer-daemon", "an error occurred while trying to deliver", "failed permanently",
        "delivery incomplete", "temporary failure", "retry timeout exceeded",
        "не удалось доставить", "не доставлено", "не было доставлено", "не может быть доставлено", "не доставлено",
        "ошибка доставки", "письмо не доставлено", "сообщение не доставлено",
    ])

    /// Sentences only a mail server writes; enough on their own once a header looked suspicious.
    static let mailerSignatures = BounceText.phrases([
        "this is the mail system at host", "this is the postfix program", "message was created automatically by mail delivery software",
        "transcript of session follows", "qmail-send program", "delivery has failed to these recipients", "delivery to the following recipient",
        "could not be delivered to:", "the following addresses had permanent fatal errors", "your message couldn't be delivered",
        "delivery status notification", "ваше сообщение не было доставлено", "не удалось доставить письмо",
    ])

    /// Separator lines after which a mailer pastes the returned message.
    static let returnedMessageMarkers = [
        "this is a copy of the message", "below this line is a copy of the message", "----- original message -----",
        "original message headers", "returned message --", "message headers follow", "original message follows",
        "-------original message", "below is a copy of the original message", "----- message header follows",
        "the attachment contains the original message", "оригинал вашего сообщения", "-----исходное сообщение",
    ]

    static let returnedHeaderNames = [
        "received", "return-path", "dkim-signature", "x-received", "arc-seal", "authentication-results", "delivered-to", "x-original-to",
    ]
}

// MARK: - Reasons

/// Turns a diagnostic into a sisimai-style reason word: first by the wording of the diagnostic,
/// then of the text around the recipient, then by the enhanced status code, then by the whole
/// report. Only `userunknown`, `hostunknown`, `notaccept` and `hasmoved` are hard: the address or
/// its domain is gone; everything else (a full mailbox, a spam filter, a timeout) may pass later.
enum BounceReasonClassifier {
    static let hardReasons: Set<String> = ["userunknown", "hostunknown", "notaccept", "hasmoved"]

    /// Checked in order; the first phrase found decides, so specific wording precedes generic words.
    static let phraseTable: [(reason: String, phrases: [[UInt8]])] = wordings.map { (reason: $0.0, phrases: BounceText.phrases($0.1)) }

    private static let wordings: [(String, [String])] = [
        ("hostunknown", ["account or domain may not exist", "домен не существует", "домен не найден"]),
        ("networkerror", ["host not found, try again"]),
        ("contenterror", ["headers too large", "duplicate header", "improper use of 8-bit", "media error", "header size exceeds", "invalid header"]),
        ("exceedlimit", ["message length exceeds", "exceeds limit set by recipient"]),
        ("mailboxfull", [
            "mailbox full", "mailbox is full", "mailbox was full", "over quota", "quota exceeded", "exceeded quota", "exceeds quota",
            "quota full", "mailfolder is full", "out of storage", "insufficient storage", "mailbox exceeded", "mailbox size limit",
            "storage limit", "disk full", "not enough space", "переполнен", "превышена квота", "превышен лимит ящика", "нет места",
        ]),
        ("mesgtoobig", [
            "message too large", "message is too large", "message too big", "message is too big", "size limit exceeded",
            "message size exceeds", "exceeds the maximum message size", "line limit exceeded", "message size limit", "mail size limit",
            "слишком большой размер", "слишком большое", "превышен максимальный размер", "размер письма превышает",
        ]),
        ("suspend", [
            "disabled", "discontinued", "mailbox is frozen", "account has been suspended", "account is suspended", "account suspended",
            "mailbox is inactive", "ящик заблокирован", "ящик отключен", "аккаунт заблокирован", "учетная запись заблокирована",
            "учётная запись заблокирована",
        ]),
        ("hasmoved", ["has moved", "no longer on server", "address has changed"]),
        ("norelaying", [
            "relay access denied", "relaying denied", "relay not permitted", "no relaying", "unable to relay", "relaying not allowed",
            "not permitted to relay", "relaying is not allowed",
        ]),
        ("authfailure", ["dmarc", "spf record", "spf check", "authentication checks fail", "unauthenticated email", "dkim check", "sender policy framework"]),
        ("requireptr", ["ptr record", "reverse dns", "rdns", "ip name lookup failed", "unverifyable sending ip", "mismatches client ip", "reverse lookup", "no ptr"]),
        ("securityerror", ["unauthenticated senders", "authentication required", "must authenticate", "tls required", "encryption required"]),
        ("blocked", ["spamhaus", "blocked using", "dnsbl", "banned sending ip", "realtime blackhole"]),
        ("virusdetected", ["virus", "вирус"]),
        ("spamdetected", ["spam", "ube,", "message content rejected", "mail rejete", "junk mail", "спам"]),
        ("policyviolation", ["policy reasons", "policy violation", "denied by policy", "protocol violation", "local policy", "content presents a potential"]),
        ("rejected", [
            "sender address rejected", "domain of sender address", "sender rejected", "unroutable sender", "domain is invalid", "sender domain",
            "address that has been blacklisted", "can't determine purported responsible address", "group you tried to contact",
            "permission to post", "user complaints", "sender verify failed", "sender verification",
        ]),
        ("blocked", [
            "blacklist", "blocklist", "black list", "block list", " rbl", "/rbl/", "client host rejected", "please use the smtp server of your isp", "invalid ip for sending", "weren't sent", "relay quota",
            "my name was rejected", "not accepting connections", "service not available", "has been blocked", "ip address is blocked",
            "черный список", "чёрный список", "заблокирован",
        ]),
        ("userunknown", [
            "user unknown", "unknown user", "no such user", "user not found", "user not exist", "user does not exist", "unknown recipient",
            "recipient not found", "recipnotfound", "recipientnotfound", "invalid recipient", "not listed in domino directory",
            "not listed in public name", "recipient name is not recognized", "no mailbox here", "mailbox unavailable", "mailbox not found",
            "mailbox does not exist", "doesn't have a", "illegal user", "illegal alias", "unknown or illegal", "invalid mailbox",
            "email address wasn't found", "email address you entered couldn't be found", "no such recipient", "no such mailbox",
            "address not found", "account that you tried to reach does not exist", "inactive email address", "unknown address",
            "no valid recipients", "нет такого пользователя", "пользователь не найден", "не существует", "адрес не найден",
            "адресат не найден", "неизвестный пользователь", "нет такого адреса", "несуществующ", "нет такого ящика", "ящик не найден",
        ]),
        ("hostunknown", [
            "host unknown", "unknown host", "host not found", "domain not found", "no such domain", "couldn't find any host",
            "bad destination system", "host or domain name not found", "illegal host/domain", "domain does not exist", "unrouteable address",
        ]),
        ("notaccept", ["couldn't find a mail exchanger", "no mx record", "not accepting network messages", "does not accept mail", "null mx"]),
        ("networkerror", [
            "hop count exceeded", "too many hops", "routing loop", "mail loop", "name server reply", "no route to host", "network error",
            "dns query failed", "establish an smtp connection", "hop count",
        ]),
        ("expired", [
            "retry timeout exceeded", "message expired", "queue.expired", "envelope expired", "could not deliver for the last",
            "message will be retried", "failing for a long time", "connection timed out", "host not reachable",
            "did not accept our requests to connect", "could not find a gateway", "delivery time expired", "queue too long", "timed out",
            "истек срок", "истёк срок",
        ]),
        ("toomanyconn", ["too many recipients", "connection rate limit", "too many connections", "rate limit"]),
        ("badreputation", ["reputation"]),
        ("syntaxerror", ["command parameter not implemented", "syntax error"]),
        ("systemerror", [
            "internal system error", "system error", "could not load drd", "service currently unavailable", "service refused",
            "unable to contact ldap", "temporarily unavailable", "loop alert",
        ]),
        ("mailererror", ["pipe to |", "mailer error", "x-unix"]),
        // Weakest: the server refused the address without saying why.
        (weakRefusal, ["recipient address rejected", "address rejected", "does not exist"]),
    ]

    /// Marks the last group of ``phraseTable``; it means `userunknown` unless a domain is the
    /// thing that "does not exist".
    static let weakRefusal = "userunknown?"

    /// The RFC 3463 subject.detail of a status code, read when the wording says nothing known.
    static let statusReasons: [String: String] = [
        "1.0": "userunknown", "1.1": "userunknown", "1.2": "hostunknown", "1.3": "userunknown", "1.4": "userunknown",
        "1.5": "userunknown", "1.6": "hasmoved", "1.7": "rejected", "1.8": "rejected", "1.10": "userunknown", "1.351": "userunknown",
        "2.0": "filtered", "2.1": "suspend", "2.2": "mailboxfull", "2.3": "exceedlimit", "2.4": "systemerror",
        "3.0": "systemerror", "3.1": "mailboxfull", "3.2": "notaccept", "3.3": "systemerror", "3.4": "mesgtoobig", "3.5": "systemerror",
        "4.0": "networkerror", "4.1": "networkerror", "4.2": "networkerror", "4.3": "systemerror", "4.4": "hostunknown",
        "4.5": "networkerror", "4.6": "networkerror", "4.7": "expired", "4.8": "networkerror",
        "5.0": "syntaxerror", "5.1": "syntaxerror", "5.2": "syntaxerror", "5.3": "toomanyconn", "5.4": "syntaxerror", "5.5": "syntaxerror",
        "6.0": "contenterror", "6.1": "contenterror", "6.2": "contenterror", "6.3": "contenterror", "6.4": "contenterror",
        "6.5": "contenterror", "6.6": "contenterror", "6.7": "contenterror", "6.8": "contenterror", "6.9": "contenterror",
        "7.0": "securityerror", "7.1": "rejected", "7.2": "rejected", "7.3": "securityerror", "7.4": "securityerror",
        "7.5": "securityerror", "7.6": "securityerror", "7.7": "securityerror", "7.8": "securityerror", "7.9": "policyviolation",
        "7.13": "suspend", "7.25": "requireptr", "7.26": "authfailure", "7.27": "authfailure", "7.509": "authfailure",
        "7.606": "blocked", "7.650": "badreputation",
    ]

    static let googleGroupsMarks = BounceText.phrases(["groups.google.com/support"])

    /// Wordings that name a missing user so plainly that no later rule turns them into a filter.
    static let plainUnknownUser = BounceText.phrases(["doesn't have a", "invalid recipient"])

    static func classify(diagnostic: [UInt8], segment: [UInt8], report: [UInt8], status: String, diagnosticType: String? = nil) -> String {
        let fallback = diagnosticType == "x-unix" ? "mailererror" : status.hasPrefix("4") ? "onhold" : "undefined"
        let worded: String? = byWording(diagnostic) ?? byWording(segment)
        var reason: String = worded ?? byStatus(status) ?? byWording(report) ?? fallback
        let command = SMTPCommand.failing(in: segment) ?? SMTPCommand.failing(in: report)
        let nearby = diagnostic + [0x20] + segment
        // au/KDDI answer a domain-filter rejection with an empty address: "550 : User unknown".
        if reason == "userunknown", BounceText.hasEmptyAddressUnknownUser(nearby) {
            reason = "filtered"
        }
        // "User unknown" in answer to the message content, not to RCPT TO, is a content filter
        // speaking, unless the status says the mailbox itself (x.1.x) is the problem.
        if reason == "userunknown", command == .data, !status.dropFirst(2).hasPrefix("1."),
           !BounceText.containsAny(plainUnknownUser, in: nearby) {
            reason = "filtered"
        }
        // Google Groups answers in the poster's language, with only its help link in common: the
        // group is gone or closed to this sender.
        if reason == "undefined", BounceText.containsAny(googleGroupsMarks, in: report) {
            reason = "rejected"
        }
        // An unknown user or host refused at MAIL FROM is the sender's own address.
        if reason == "userunknown" || reason == "hostunknown", command == .mailFrom {
            reason = "rejected"
        }
        return reason
    }

    static func byWording(_ folded: [UInt8]) -> String? {
        guard folded.contains(where: { $0 != 0x20 }) else { return nil }
        for group in phraseTable {
            if group.reason == weakRefusal {
                if BounceText.namesMissingDomain(folded) { return "hostunknown" }
                if BounceText.containsAny(group.phrases, in: folded) { return "userunknown" }
            } else if BounceText.containsAny(group.phrases, in: folded) {
                return group.reason
            }
        }
        return BounceText.namesMissingDomain(folded) ? "hostunknown" : nil
    }

    static func byStatus(_ status: String) -> String? {
        guard let dot = status.firstIndex(of: ".") else { return nil }
        return statusReasons[String(status[status.index(after: dot)...])]
    }
}

/// The SMTP command a failure answered, as the report tells it: Postfix "(in reply to RCPT TO
/// command)", Exim "after end of data", Sendmail's ">>> DATA" / "<<< 550" transcript, ….
enum SMTPCommand: Equatable {
    case connect, mailFrom, rcptTo, data, other

    static let phrases: [(phrase: [UInt8], command: SMTPCommand)] = wordings.map { (phrase: Array($0.0.utf8), command: $0.1) }

    private static let wordings: [(String, SMTPCommand)] = [
        ("in reply to end of data command", .data), ("in reply to data command", .data), ("in reply to rcpt to command", .rcptTo),
        ("in reply to mail from command", .mailFrom), ("after end of data", .data), ("after rcpt", .rcptTo), ("after mail from", .mailFrom),
        ("after initial connection", .connect), ("did not like our final data", .data), ("did not like our rcpt", .rcptTo),
        ("did not like our mail", .mailFrom), ("for text command", .data), ("smtp command data", .data),
    ]

    /// The earliest command named in folded report text.
    static func failing(in folded: [UInt8]) -> SMTPCommand? {
        var best: (position: Int, command: SMTPCommand)?
        for entry in phrases {
            if let position = BounceText.firstIndex(of: entry.phrase, in: folded), position < (best?.position ?? Int.max) {
                best = (position, entry.command)
            }
        }
        let sent = Array(">>>".utf8), answered = Array("<<<".utf8)
        var cursor = BounceText.firstIndex(of: sent, in: folded)
        while let start = cursor, start < (best?.position ?? Int.max) {
            var wordStart = start
            while wordStart < folded.count, folded[wordStart] == UInt8(ascii: ">") || folded[wordStart] == 0x20 { wordStart += 1 }
            var wordEnd = wordStart
            while wordEnd < folded.count, folded[wordEnd] >= UInt8(ascii: "a"), folded[wordEnd] <= UInt8(ascii: "z") { wordEnd += 1 }
            let next = BounceText.firstIndex(of: sent, in: folded, from: start + 3)
            var answeredWithFailure = false
            var reply = BounceText.firstIndex(of: answered, in: folded, from: start)
            while let position = reply, position < (next ?? folded.count) {
                if BounceText.isFailureReply(folded, at: position + 3) {
                    answeredWithFailure = true
                    break
                }
                reply = BounceText.firstIndex(of: answered, in: folded, from: position + 1)
            }
            if wordEnd > wordStart, answeredWithFailure {
                let word = String(decoding: folded[wordStart..<wordEnd], as: UTF8.self)
                let command: SMTPCommand = word == "data" ? .data : word == "rcpt" ? .rcptTo : word == "mail" ? .mailFrom : .other
                best = (start, command)
                break
            }
            cursor = next
        }
        return best?.command
    }
}

// MARK: - Text scanning

/// Small scanners over report text. Phrases are matched as UTF-8 bytes of folded text
/// (lower-cased, whitespace runs collapsed), which keeps hundreds of phrases over a report cheap.
enum BounceText {
    static func phrases(_ list: [String]) -> [[UInt8]] { list.map { Array($0.utf8) } }

    static func folded(_ text: some StringProtocol) -> [UInt8] {
        if let ascii = foldedASCII(text) { return ascii }
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for character in text.lowercased() {
            if character.isWhitespace {
                pendingSpace = true
                continue
            }
            if pendingSpace {
                output.append(0x20)
                pendingSpace = false
            }
            if character == "’" { output.append(UInt8(ascii: "'")) } else { output.append(contentsOf: character.utf8) }
        }
        if pendingSpace { output.append(0x20) }
        return output
    }

    /// ``folded(_:)`` byte by byte, or `nil` when the text is not ASCII. (In ASCII a character
    /// is a byte, and CR LF, the one character of two bytes, is whitespace either way.)
    static func foldedASCII(_ text: some StringProtocol) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            if byte >= 0x80 { return nil }
            if ASCIIFastPath.isWhitespace(byte) {
                pendingSpace = true
                continue
            }
            if pendingSpace {
                output.append(0x20)
                pendingSpace = false
            }
            output.append(ASCIIFastPath.lowercased(byte))
        }
        if pendingSpace { output.append(0x20) }
        return output
    }

    static func lines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }

    /// Whether any of the needles occurs in the haystack.
    ///
    /// Every subject is checked against some 90 phrases per message. A long list is first
    /// screened by the byte pair each needle starts with: the pairs of the haystack are noted
    /// in a 4096-bit table, and only a needle whose pair is there (or shares its bit) is searched.
    static func containsAny(_ needles: [[UInt8]], in haystack: [UInt8]) -> Bool {
        guard needles.count >= 8, haystack.count >= 2 else {
            return needles.contains { firstIndex(of: $0, in: haystack) != nil }
        }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 64) { (pairs: UnsafeMutableBufferPointer<UInt64>) -> Bool in
            pairs.initialize(repeating: 0)
            for index in 1..<haystack.count {
                let bit = pairBit(haystack[index - 1], haystack[index])
                pairs[bit >> 6] |= 1 << UInt64(bit & 63)
            }
            return needles.contains { needle in
                if needle.count >= 2 {
                    let bit = pairBit(needle[0], needle[1])
                    if pairs[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return false }
                }
                return firstIndex(of: needle, in: haystack) != nil
            }
        }
    }

    /// A bit in 0..<4096 for two adjacent bytes.
    private static func pairBit(_ first: UInt8, _ second: UInt8) -> Int {
        ((Int(first) << 4) ^ Int(second)) & 4095
    }

    /// Over the arrays' buffers: hundreds of phrases are looked for in every subject and report.
    static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        haystack.withUnsafeBufferPointer { haystackBytes in
            needle.withUnsafeBufferPointer { needleBytes in ASCIIFastPath.firstIndex(of: needleBytes, in: haystackBytes, from: start) }
        }
    }

    // MARK: Addresses

    /// `local@domain.tld` tokens, lower-cased, in order.
    static func addresses(in text: some StringProtocol) -> [String] {
        let bytes = Array(text.utf8)
        var found: [String] = []
        var consumed = 0
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "@") else {
                index += 1
                continue
            }
            var start = index
            while start > consumed, isLocalPartByte(bytes[start - 1]) { start -= 1 }
            guard start < index, let end = domainEnd(bytes, at: index + 1) else {
                index += 1
                continue
            }
            var address = bytes[start..<end]
            while address.first == UInt8(ascii: ".") { address = address.dropFirst() }
            while address.last == UInt8(ascii: ".") { address = address.dropLast() }
            found.append(String(decoding: address, as: UTF8.self).lowercased())
            consumed = end
            index = end
        }
        return found
    }

    /// End of `label(.label)+` starting at `start`, or `nil` without a dot-separated second label.
    static func domainEnd(_ bytes: [UInt8], at start: Int) -> Int? {
        var index = start
        while index < bytes.count, isLabelByte(bytes[index]) { index += 1 }
        guard index > start else { return nil }
        var labels = 1
        while index + 1 < bytes.count, bytes[index] == UInt8(ascii: "."), isLabelByte(bytes[index + 1]) {
            index += 1
            while index < bytes.count, isLabelByte(bytes[index]) { index += 1 }
            labels += 1
        }
        return labels >= 2 ? index : nil
    }

    static func isLabelByte(_ byte: UInt8) -> Bool {
        isASCIIAlphanumeric(byte) || byte == UInt8(ascii: "-")
    }

    static let localPartSymbols = Set("!#$%&'*+/=?^_`{|}~-.".utf8)

    static func isLocalPartByte(_ byte: UInt8) -> Bool {
        isASCIIAlphanumeric(byte) || localPartSymbols.contains(byte)
    }

    static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// "(generated from x@y)" and "(expanded from: <x@y>)" name the address before forwarding,
    /// not the one that failed.
    static func isForwardingSource(_ address: String, in lowerLine: [UInt8]) -> Bool {
        let target = Array(address.utf8)
        for marker in ["generated from", "expanded from"] {
            let needle = Array(marker.utf8)
            var cursor = firstIndex(of: needle, in: lowerLine)
            while let start = cursor {
                var index = start + needle.count
                if index < lowerLine.count, lowerLine[index] == UInt8(ascii: ":") { index += 1 }
                while index < lowerLine.count, lowerLine[index] == 0x20 || lowerLine[index] == 0x09 { index += 1 }
                if index < lowerLine.count, lowerLine[index] == UInt8(ascii: "<") { index += 1 }
                if lowerLine[index...].starts(with: target) { return true }
                cursor = firstIndex(of: needle, in: lowerLine, from: start + 1)
            }
        }
        return false
    }

    // MARK: Codes

    /// The first enhanced status code of a failure (4.x.x or 5.x.x) that is not part of a longer
    /// dotted number such as an IP address or a version.
    static func enhancedStatus(in text: some StringProtocol) -> String? {
        let scalars = Array(text.unicodeScalars)
        for index in scalars.indices {
            if let end = statusEnd(scalars, at: index, checkingBoundaries: true) {
                return String(String.UnicodeScalarView(scalars[index..<end]))
            }
        }
        return nil
    }

    static func statusEnd(_ scalars: [Unicode.Scalar], at index: Int, checkingBoundaries: Bool) -> Int? {
        guard scalars[index] == "4" || scalars[index] == "5" else { return nil }
        if checkingBoundaries, index > 0, isDigit(scalars[index - 1]) || scalars[index - 1] == "." { return nil }
        var cursor = index + 1
        for _ in 0..<2 {
            guard cursor < scalars.count, scalars[cursor] == "." else { return nil }
            cursor += 1
            let digitsStart = cursor
            while cursor < scalars.count, cursor - digitsStart < 3, isDigit(scalars[cursor]) { cursor += 1 }
            guard cursor > digitsStart else { return nil }
        }
        if checkingBoundaries {
            if cursor < scalars.count, isDigit(scalars[cursor]) { return nil }
            if cursor + 1 < scalars.count, scalars[cursor] == ".", isDigit(scalars[cursor + 1]) { return nil }
        }
        return cursor
    }

    /// The SMTP reply code of a failure (4xx or 5xx): preferably one followed by an enhanced
    /// status ("550 5.1.1", "550-5.7.26", "552 #5.2.2"), else the first standing alone.
    static func replyCode(in text: some StringProtocol) -> String? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 3 else { return nil }
        func code(at index: Int) -> String { String(String.UnicodeScalarView(scalars[index..<(index + 3)])) }
        for index in 0...(scalars.count - 3) where isReplyCode(scalars, at: index, refusedBefore: "._-") {
            var cursor = index + 3
            while cursor < scalars.count, scalars[cursor].properties.isWhitespace || scalars[cursor] == "-" { cursor += 1 }
            guard cursor > index + 3 else { continue }
            if cursor < scalars.count, scalars[cursor] == "#" { cursor += 1 }
            if cursor < scalars.count, statusEnd(scalars, at: cursor, checkingBoundaries: false) != nil { return code(at: index) }
        }
        for index in 0...(scalars.count - 3) where isReplyCode(scalars, at: index, refusedBefore: "._-:/=+#") {
            let after = index + 3
            if after == scalars.count || scalars[after].properties.isWhitespace || "-:,;)]'\"".unicodeScalars.contains(scalars[after]) {
                return code(at: index)
            }
        }
        return nil
    }

    /// A reply quoted in angle brackets: "<421 4.4.2 Connection timed out>".
    static func quotedReply(in text: some StringProtocol) -> (code: String, status: String)? {
        let scalars = Array(text.unicodeScalars)
        for index in scalars.indices where scalars[index] == "<" && index + 4 < scalars.count {
            let codeStart = index + 1
            guard scalars[codeStart] == "4" || scalars[codeStart] == "5", (0x30...0x35).contains(scalars[codeStart + 1].value),
                  isDigit(scalars[codeStart + 2]) else { continue }
            var cursor = codeStart + 3
            while cursor < scalars.count, scalars[cursor].properties.isWhitespace || scalars[cursor] == "-" { cursor += 1 }
            guard cursor > codeStart + 3, cursor < scalars.count, let end = statusEnd(scalars, at: cursor, checkingBoundaries: false) else { continue }
            let code = String(String.UnicodeScalarView(scalars[codeStart..<(codeStart + 3)]))
            return (code, String(String.UnicodeScalarView(scalars[cursor..<end])))
        }
        return nil
    }

    /// Three digits 4xx/5xx with a second digit 0-5, not glued to a word or to the characters given.
    static func isReplyCode(_ scalars: [Unicode.Scalar], at index: Int, refusedBefore: String) -> Bool {
        guard index + 2 < scalars.count, scalars[index] == "4" || scalars[index] == "5",
              (0x30...0x35).contains(scalars[index + 1].value), isDigit(scalars[index + 2]) else { return false }
        guard index > 0 else { return true }
        let before = scalars[index - 1]
        return !(isWordCharacter(before) || refusedBefore.unicodeScalars.contains(before))
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { (0x30...0x39).contains(scalar.value) }

    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// "<<< 550" in a transcript: a 4xx/5xx answer right after the marker.
    static func isFailureReply(_ folded: [UInt8], at start: Int) -> Bool {
        var index = start
        if index < folded.count, folded[index] == 0x20 { index += 1 }
        guard index + 2 < folded.count else { return false }
        return (folded[index] == UInt8(ascii: "4") || folded[index] == UInt8(ascii: "5"))
            && isDigitByte(folded[index + 1]) && isDigitByte(folded[index + 2])
    }

    static func isDigitByte(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    // MARK: Special wordings

    /// "550 : User unknown" or "550: : User unknown" — KDDI's domain-filter answer.
    static func hasEmptyAddressUnknownUser(_ folded: [UInt8]) -> Bool {
        let code = Array("550".utf8), tail = Array("user unknown".utf8)
        var cursor = firstIndex(of: code, in: folded)
        while let start = cursor {
            let glued = start > 0 && (isASCIIAlphanumeric(folded[start - 1]) || folded[start - 1] == UInt8(ascii: "_"))
            if !glued {
                // "550" [space] ":" [space] ":" [space] "user unknown", or "550 : user unknown".
                var index = start + 3
                let spaceBefore = index < folded.count && folded[index] == 0x20
                if spaceBefore { index += 1 }
                if index < folded.count, folded[index] == UInt8(ascii: ":") {
                    index += 1
                    let spaceAfter = index < folded.count && folded[index] == 0x20
                    if spaceAfter { index += 1 }
                    if index < folded.count, folded[index] == UInt8(ascii: ":") {
                        index += 1
                        if index < folded.count, folded[index] == 0x20 { index += 1 }
                        if folded[index...].starts(with: tail) { return true }
                    } else if spaceBefore, spaceAfter, folded[index...].starts(with: tail) {
                        return true
                    }
                }
            }
            cursor = firstIndex(of: code, in: folded, from: start + 1)
        }
        return false
    }

    /// "neko.example.com does not exist": a domain, not a user, is missing.
    static func namesMissingDomain(_ folded: [UInt8]) -> Bool {
        let needle = Array(" does not exist".utf8)
        var cursor = firstIndex(of: needle, in: folded)
        while let position = cursor {
            var start = position
            while start > 0, isLabelByte(folded[start - 1]) || folded[start - 1] == UInt8(ascii: ".") { start -= 1 }
            let gluedToWord = start > 0 && (folded[start - 1] == UInt8(ascii: "@") || folded[start - 1] == UInt8(ascii: "_") || folded[start - 1] >= 0x80)
            var token = folded[start..<position]
            if token.last == UInt8(ascii: ".") { token = token.dropLast() }
            let labels = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            if !gluedToWord, labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) { return true }
            cursor = firstIndex(of: needle, in: folded, from: position + 1)
        }
        return false
    }
}

// MARK: - Amazon SES

/// Amazon SES bounce and complaint notifications delivered by e-mail through SNS: a JSON body,
/// often with the inner notification escaped inside the SNS envelope and lines wrapped by the
/// mailer, so the fields are scanned for rather than decoded as strict JSON.
struct AmazonSESNotification {
    /// `nil` for a delivery notification: success is not a bounce.
    let bounce: Bounce?

    static func read(_ message: MIMEPart) -> AmazonSESNotification? {
        guard message.children.isEmpty, message.body.drop(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }).first == UInt8(ascii: "{") else {
            return nil
        }
        let text = message.text.replacingOccurrences(of: "\\\"", with: "\"")
        guard let kind = stringField("notificationType", in: text[...]) ?? stringField("eventType", in: text[...]) else { return nil }
        switch kind {
        case "Complaint":
            let address = objects(after: "complainedRecipients", in: text).compactMap { stringField("emailAddress", in: $0) }.first
            return AmazonSESNotification(bounce: Bounce.feedback(address: address?.lowercased() ?? "", diagnostic: stringField("complaintFeedbackType", in: text[...])))
        case "Bounce":
            let recipients = objects(after: "bouncedRecipients", in: text).compactMap { object -> Bounce.Recipient? in
                guard let address = stringField("emailAddress", in: object) else { return nil }
                let diagnostic = stringField("diagnosticCode", in: object).map { DeliveryStatusReport.typedValue($0).value } ?? ""
                let given = stringField("status", in: object).flatMap { $0.isEmpty ? nil : $0 }
                let status = given ?? BounceText.enhancedStatus(in: diagnostic) ?? ""
                let folded = BounceText.folded(diagnostic)
                let reason = BounceReasonClassifier.classify(diagnostic: folded, segment: [], report: [], status: status)
                return Bounce.recipient(address: address.lowercased(), status: status, replyCode: BounceText.replyCode(in: diagnostic) ?? "", reason: reason, diagnostic: diagnostic)
            }
            return AmazonSESNotification(bounce: recipients.isEmpty ? nil : Bounce(recipients: recipients))
        default:
            return AmazonSESNotification(bounce: nil)
        }
    }

    /// `"name" : "value"` → value.
    static func stringField(_ name: String, in text: Substring) -> String? {
        guard let key = text.range(of: "\"\(name)\"") else { return nil }
        var rest = text[key.upperBound...].drop(while: \.isWhitespace)
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop(while: \.isWhitespace)
        guard rest.first == "\"" else { return nil }
        rest = rest.dropFirst()
        guard let close = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<close])
    }

    /// Flat `{…}` objects after the named array key.
    static func objects(after key: String, in text: String) -> [Substring] {
        guard let start = text.range(of: "\"\(key)\"") else { return [] }
        var found: [Substring] = []
        var rest = text[start.upperBound...]
        while let open = rest.firstIndex(of: "{") {
            let inside = rest[rest.index(after: open)...]
            guard let end = inside.firstIndex(where: { $0 == "{" || $0 == "}" }) else { break }
            if inside[end] == "}" {
                let object = inside[..<end]
                if object.contains("\"emailAddress\"") { found.append(object) }
                rest = inside[inside.index(after: end)...]
            } else {
                rest = inside[end...]
            }
        }
        return found
    }
}
