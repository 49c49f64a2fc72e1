import Logging

/// An SMTP session ready for mail: greeted, EHLO done, TLS and AUTH as the endpoint asks.
struct SMTPConnection: Sendable {
    let transport: MailTransport
    var capabilities: SMTPCapabilities
    let logger: Logger?

    /// Connects and walks through greeting, EHLO, STARTTLS + EHLO again, and AUTH. Closes the
    /// connection again when any step fails.
    static func open(
        endpoint: MailServerEndpoint,
        credentials: SMTPCredentials?,
        clientName: String,
        logger: Logger?
    ) async throws -> SMTPConnection {
        let transport: MailTransport
        do {
            transport = try await MailTransport.connect(to: endpoint, logger: logger)
        } catch let error as MailTransportError {
            throw SMTPError.transport(error)
        }
        do {
            var connection = SMTPConnection(transport: transport, capabilities: .empty, logger: logger)
            let greeting = try await connection.readReply()
            guard greeting.code == 220 else { throw SMTPError.refusal(greeting) }
            connection.capabilities = try await connection.hello(clientName)
            if endpoint.tls == .startTLS {
                guard connection.capabilities.startTLS else { throw SMTPError.tlsRequired }
                let goAhead = try await connection.command(SMTPCommand.startTLS)
                guard goAhead.code == 220 else { throw SMTPError.refusal(goAhead) }
                do {
                    try await transport.startTLS()
                } catch let error as MailTransportError {
                    throw SMTPError.transport(error)
                }
                connection.capabilities = try await connection.hello(clientName)
            }
            if let credentials {
                guard transport.isTLS || isLoopback(endpoint.host) else { throw SMTPError.tlsRequired }
                try await SMTPAuthenticator.authenticate(on: connection, with: credentials)
            }
            logger?.debug("SMTP session ready", metadata: ["smtp.host": "\(endpoint.host)", "smtp.tls": "\(transport.isTLS)"])
            return connection
        } catch {
            await transport.close()
            throw error
        }
    }

    /// EHLO, or HELO for a server too old to know EHLO (it then offers no extensions).
    private func hello(_ clientName: String) async throws -> SMTPCapabilities {
        let reply = try await command(SMTPCommand.ehlo(clientName))
        if reply.isPositiveCompletion { return SMTPCapabilities(ehloReply: reply) }
        guard reply.code == 500 || reply.code == 502 else { throw SMTPError.refusal(reply) }
        let heloReply = try await command(SMTPCommand.helo(clientName))
        guard heloReply.isPositiveCompletion else { throw SMTPError.refusal(heloReply) }
        return .empty
    }

    /// Credentials may go unencrypted only to a server on this machine.
    private static func isLoopback(_ host: String) -> Bool {
        let lowercased = host.lowercased()
        return lowercased == "localhost" || lowercased.hasPrefix("127.") || lowercased == "::1" || lowercased == "[::1]"
    }

    func write(_ bytes: [UInt8]) async throws {
        do {
            try await transport.write(bytes)
        } catch let error as MailTransportError {
            throw SMTPError.transport(error)
        }
    }

    func readReply(timeout: Duration? = nil) async throws -> SMTPReply {
        let reply = try await SMTPReplyReader.read(from: transport, timeout: timeout)
        logger?.trace("SMTP reply", metadata: ["smtp.code": "\(reply.code)"])
        return reply
    }

    func command(_ line: [UInt8]) async throws -> SMTPReply {
        try await write(line)
        return try await readReply()
    }

    /// Says goodbye politely, but never waits long for the answer: the connection is going anyway.
    func quit() async {
        if (try? await write(SMTPCommand.quit)) != nil {
            _ = try? await readReply(timeout: min(transport.endpoint.commandTimeout, .seconds(5)))
        }
        await transport.close()
    }
}
