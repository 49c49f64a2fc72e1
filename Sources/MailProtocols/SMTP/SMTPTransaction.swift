/// One message's trip through MAIL FROM, RCPT TO and DATA on an open connection. With
/// PIPELINING (RFC 2920) the commands up to DATA go out in one write and their replies are read
/// in order; without it they go one by one and stop at the first refusal that ends the
/// transaction. The body follows only after 354.
struct SMTPTransaction: Sendable {
    private enum Step {
        case reset
        case mail
        case recipient(String)
        case data
    }

    let from: String
    /// The envelope's recipients, each once (compared case-insensitively).
    let recipients: [String]
    let messageSize: Int
    let hasEightBitBytes: Bool
    /// The first non-ASCII address, which makes SMTPUTF8 necessary.
    let internationalAddress: String?
    let message: [UInt8]

    /// Checks the addresses; nothing is sent yet.
    init(message: [UInt8], envelope: SMTPEnvelope) throws {
        try SMTPCommand.checkAddress(envelope.from, mayBeEmpty: true)
        var seen = Set<String>()
        var recipients: [String] = []
        for recipient in envelope.recipients {
            try SMTPCommand.checkAddress(recipient)
            if seen.insert(recipient.lowercased()).inserted { recipients.append(recipient) }
        }
        guard !recipients.isEmpty else { throw SMTPError.noRecipients }
        self.from = envelope.from
        self.recipients = recipients
        self.messageSize = message.count
        self.hasEightBitBytes = SMTPDataEncoder.hasEightBitBytes(message)
        self.internationalAddress = ([envelope.from] + recipients).first { !SMTPCommand.isASCII($0) }
        self.message = message
    }

    /// Sends the message. `resetFirst` starts with RSET, which clears whatever an earlier
    /// transaction left behind and, being harmless, is also the probe that finds a connection
    /// the server dropped while idle: that shows as `SMTPStaleConnection`, thrown before
    /// anything of the message was accepted, so sending again on a new connection is safe.
    func run(on connection: SMTPConnection, resetFirst: Bool) async throws -> SMTPSendResult {
        let capabilities = connection.capabilities
        if let limit = capabilities.sizeLimit, messageSize > limit { throw SMTPError.messageTooLarge(limit: limit) }
        if let internationalAddress, !capabilities.smtpUTF8 {
            throw SMTPError.internationalAddressUnsupported(internationalAddress)
        }
        var steps: [Step] = resetFirst ? [.reset] : []
        steps.append(.mail)
        steps += recipients.map { Step.recipient($0) }
        steps.append(.data)
        let replies = if capabilities.pipelining {
            try await exchangePipelined(steps, on: connection)
        } else {
            try await exchangeOneByOne(steps, on: connection)
        }
        return try await finish(steps, replies, on: connection)
    }

    private func line(for step: Step, capabilities: SMTPCapabilities) -> [UInt8] {
        switch step {
        case .reset:
            SMTPCommand.reset
        case .mail:
            SMTPCommand.mailFrom(
                from,
                size: capabilities.supportsSize ? messageSize : nil,
                eightBit: hasEightBitBytes && capabilities.eightBitMIME,
                smtpUTF8: internationalAddress != nil)
        case .recipient(let address):
            SMTPCommand.recipient(address)
        case .data:
            SMTPCommand.data
        }
    }

    private func exchangePipelined(_ steps: [Step], on connection: SMTPConnection) async throws -> [SMTPReply] {
        var batch: [UInt8] = []
        for step in steps { batch += line(for: step, capabilities: connection.capabilities) }
        try await writeOpening(batch, on: connection)
        var replies: [SMTPReply] = []
        for index in steps.indices {
            let reply = try await readReply(isOpening: index == 0, on: connection)
            replies.append(reply)
            // 421: the server is closing the connection; no further replies will come.
            if reply.code == 421 { break }
        }
        return replies
    }

    private func exchangeOneByOne(_ steps: [Step], on connection: SMTPConnection) async throws -> [SMTPReply] {
        var replies: [SMTPReply] = []
        var anyRecipientAccepted = false
        for (index, step) in steps.enumerated() {
            if case .data = step, !anyRecipientAccepted { break }
            let bytes = line(for: step, capabilities: connection.capabilities)
            if index == 0 {
                try await writeOpening(bytes, on: connection)
            } else {
                try await connection.write(bytes)
            }
            let reply = try await readReply(isOpening: index == 0, on: connection)
            replies.append(reply)
            if reply.code == 421 { break }
            switch step {
            case .reset, .mail:
                if !reply.isPositiveCompletion { return replies }
            case .recipient:
                if reply.isPositiveCompletion { anyRecipientAccepted = true }
            case .data:
                break
            }
        }
        return replies
    }

    /// Judges the replies; sends the body after a 354 when the message can go anywhere.
    private func finish(_ steps: [Step], _ replies: [SMTPReply], on connection: SMTPConnection) async throws -> SMTPSendResult {
        var failure: SMTPError?
        var accepted: [String] = []
        var refused: [String: SMTPReply] = [:]
        var dataReply: SMTPReply?
        for (step, reply) in zip(steps, replies) {
            if reply.code == 421 { throw SMTPError.transient(reply) }
            switch step {
            case .reset, .mail:
                if failure == nil, !reply.isPositiveCompletion { failure = SMTPError.refusal(reply) }
            case .recipient(let address):
                if reply.isPositiveCompletion { accepted.append(address) } else { refused[address] = reply }
            case .data:
                dataReply = reply
            }
        }
        if failure == nil, accepted.isEmpty { failure = .allRecipientsRefused(refused) }

        guard let dataReply, dataReply.code == 354 else {
            if let failure { throw failure }
            guard let dataReply else { throw SMTPError.protocolViolation("no reply to DATA") }
            throw SMTPError.refusal(dataReply)
        }
        if let failure {
            // A pipelining server may accept DATA although nothing can be delivered (RFC 2920
            // §3.1): end the data at once, empty, and report the real reason.
            try await connection.write(SMTPCommand.line("."))
            _ = try await connection.readReply()
            throw failure
        }

        // Encoded only now, after 354: a message refused earlier (too large, no recipient) never
        // costs the copy. A failed write means the terminating dot never left: the server
        // discards the partial message, so it was not sent.
        try await connection.write(SMTPDataEncoder.encode(message))
        let finalReply: SMTPReply
        do {
            finalReply = try await connection.readReply()
        } catch let error as SMTPError {
            throw SMTPError.outcomeUnknown(error)
        }
        guard finalReply.isPositiveCompletion else { throw SMTPError.refusal(finalReply) }
        return SMTPSendResult(reply: finalReply, acceptedRecipients: accepted, refusedRecipients: refused)
    }

    /// The first write of a transaction: a hang-up here means the idle connection had died.
    private func writeOpening(_ bytes: [UInt8], on connection: SMTPConnection) async throws {
        do {
            try await connection.write(bytes)
        } catch SMTPError.transport(.closedByServer) {
            throw SMTPStaleConnection(failure: .transport(.closedByServer))
        }
    }

    /// The first reply of a transaction: a hang-up or 421 here means the idle connection had died.
    private func readReply(isOpening: Bool, on connection: SMTPConnection) async throws -> SMTPReply {
        let reply: SMTPReply
        do {
            reply = try await connection.readReply()
        } catch SMTPError.transport(.closedByServer) where isOpening {
            throw SMTPStaleConnection(failure: .transport(.closedByServer))
        }
        if isOpening, reply.code == 421 { throw SMTPStaleConnection(failure: .transient(reply)) }
        return reply
    }
}

/// The server had dropped the connection before this transaction began; `failure` is what to
/// report if a fresh connection cannot be had or fails the same way.
struct SMTPStaleConnection: Error {
    let failure: SMTPError
}
