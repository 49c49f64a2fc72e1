import Logging
import MIME

/// Sends mail through one SMTP server (RFC 5321) over one connection kept open between
/// messages: submission with implicit TLS (465) or STARTTLS (587), or a plain local relay.
///
/// Operations run one at a time in call order, however many tasks call in. A connection the
/// server dropped while idle is noticed on the next message and replaced once; a message whose
/// fate became unknown after its body went out is reported (`outcomeUnknown`), never resent.
public actor SMTPClient {
    public nonisolated let endpoint: MailServerEndpoint
    private let credentials: SMTPCredentials?
    private let clientName: String
    private let logger: Logger?

    private var connection: SMTPConnection?
    /// A transaction has run on the current connection, so the next one starts with RSET.
    private var connectionHasTransaction = false
    private var operationRunning = false
    private var operationsWaiting: [CheckedContinuation<Void, Never>] = []

    /// How many connections this client has opened, reconnections included.
    public private(set) var connectionsOpened = 0

    public init(
        endpoint: MailServerEndpoint,
        credentials: SMTPCredentials?,
        clientName: String = "smartysales.localhost",
        logger: Logger? = nil
    ) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.clientName = SMTPCommand.clientName(clientName)
        self.logger = logger
    }

    /// What the server announced after TLS; `.empty` while not connected.
    public var capabilities: SMTPCapabilities {
        connection?.capabilities ?? .empty
    }

    public var isConnected: Bool {
        connection != nil
    }

    /// Greeting, EHLO, STARTTLS and EHLO again when the endpoint says so, then AUTH (PLAIN
    /// preferred, LOGIN otherwise) when there are credentials. Does nothing when connected.
    public func connect() async throws {
        await beginOperation()
        defer { endOperation() }
        try await connectIfNeeded()
    }

    /// Sends `message` (the bytes `MessageBuilder` makes) to the envelope's recipients.
    ///
    /// Succeeds when the server accepted the message for at least one recipient; the ones it
    /// refused are in the result. Throws `allRecipientsRefused` when it took none.
    public func send(_ message: [UInt8], envelope: SMTPEnvelope) async throws -> SMTPSendResult {
        let transaction = try SMTPTransaction(message: message, envelope: envelope)
        await beginOperation()
        defer { endOperation() }
        let reusingConnection = connection != nil
        try await connectIfNeeded()
        do {
            return try await perform(transaction)
        } catch let stale as SMTPStaleConnection {
            // A fresh connection failing at once would fail again: only a reused one is retried.
            guard reusingConnection else { throw stale.failure }
            logger?.debug("SMTP connection was dropped by the server; reconnecting", metadata: ["smtp.host": "\(endpoint.host)"])
            try await connectIfNeeded()
            do {
                return try await perform(transaction)
            } catch let staleAgain as SMTPStaleConnection {
                throw staleAgain.failure
            }
        }
    }

    /// Builds `message` for this server (8-bit text when it takes 8BITMIME) and sends it to its
    /// To, Cc and Bcc recipients; Bcc never appears in the bytes.
    public func send(_ message: OutgoingMessage) async throws -> SMTPSendResult {
        try await connect()
        let bytes = MessageBuilder(allows8bit: capabilities.eightBitMIME).build(message)
        return try await send(bytes, envelope: SMTPEnvelope(message))
    }

    /// Says QUIT and closes the connection. The next `send` connects again.
    public func quit() async {
        await beginOperation()
        defer { endOperation() }
        guard let connection else { return }
        self.connection = nil
        await connection.quit()
    }

    private func connectIfNeeded() async throws {
        guard connection == nil else { return }
        connection = try await SMTPConnection.open(
            endpoint: endpoint, credentials: credentials, clientName: clientName, logger: logger)
        connectionsOpened += 1
        connectionHasTransaction = false
    }

    private func perform(_ transaction: SMTPTransaction) async throws -> SMTPSendResult {
        guard let connection else { throw SMTPError.transport(.closedByServer) }
        let resetFirst = connectionHasTransaction
        connectionHasTransaction = true
        do {
            return try await transaction.run(on: connection, resetFirst: resetFirst)
        } catch {
            if Self.leavesConnectionUnusable(error) { await dropConnection() }
            throw error
        }
    }

    /// After a refusal the session is still in step with the server (RSET starts the next
    /// message); after anything else nobody knows what the server will answer next.
    private static func leavesConnectionUnusable(_ error: any Error) -> Bool {
        guard let error = error as? SMTPError else { return true }
        switch error {
        case .permanent(let reply), .transient(let reply), .authenticationFailed(let reply), .appPasswordRequired(let reply):
            return reply.code == 421
        case .allRecipientsRefused, .messageTooLarge, .invalidAddress, .internationalAddressUnsupported, .noRecipients,
             .tlsRequired, .noSupportedAuthMechanism:
            return false
        case .transport, .protocolViolation, .outcomeUnknown:
            return true
        }
    }

    private func dropConnection() async {
        guard let connection else { return }
        self.connection = nil
        connectionHasTransaction = false
        await connection.transport.close()
    }

    // MARK: One operation at a time

    /// Actor methods interleave at every `await`; two sends must not share the connection's
    /// conversation, so each operation waits for the previous one to finish.
    private func beginOperation() async {
        if operationRunning {
            await withCheckedContinuation { operationsWaiting.append($0) }
        } else {
            operationRunning = true
        }
    }

    private func endOperation() {
        if operationsWaiting.isEmpty {
            operationRunning = false
        } else {
            // The turn passes straight to the next waiter; operationRunning stays true.
            operationsWaiting.removeFirst().resume()
        }
    }
}
