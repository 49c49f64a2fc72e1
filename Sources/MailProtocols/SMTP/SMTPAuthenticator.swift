import Foundation

/// AUTH (RFC 4954) with PLAIN when offered (one round trip), else LOGIN. The secrets travel
/// base64-encoded only, so nothing in them can break the command line; they are never logged.
enum SMTPAuthenticator {
    static func authenticate(on connection: SMTPConnection, with credentials: SMTPCredentials) async throws {
        let offered = connection.capabilities.authMechanisms
        if offered.contains("PLAIN") {
            try await plain(on: connection, with: credentials)
        } else if offered.contains("LOGIN") {
            try await login(on: connection, with: credentials)
        } else {
            throw SMTPError.noSupportedAuthMechanism(offered: offered)
        }
    }

    /// RFC 4616 with the initial response on the command line: `\0user\0password`.
    private static func plain(on connection: SMTPConnection, with credentials: SMTPCredentials) async throws {
        let message: [UInt8] = [0] + Array(credentials.username.utf8) + [0] + Array(credentials.password.utf8)
        let reply = try await connection.command(SMTPCommand.line("AUTH PLAIN " + base64(message)))
        guard reply.code == 235 else { throw failure(reply) }
    }

    /// The de-facto LOGIN exchange: the server asks for the user name, then the password, each
    /// with a 334 challenge whose wording varies between servers and is not checked.
    private static func login(on connection: SMTPConnection, with credentials: SMTPCredentials) async throws {
        let usernamePrompt = try await connection.command(SMTPCommand.line("AUTH LOGIN"))
        guard usernamePrompt.code == 334 else { throw failure(usernamePrompt) }
        let passwordPrompt = try await connection.command(SMTPCommand.line(base64(Array(credentials.username.utf8))))
        guard passwordPrompt.code == 334 else { throw failure(passwordPrompt) }
        let reply = try await connection.command(SMTPCommand.line(base64(Array(credentials.password.utf8))))
        guard reply.code == 235 else { throw failure(reply) }
    }

    private static func failure(_ reply: SMTPReply) -> SMTPError {
        // A challenge where the outcome was due means the server wants an exchange we do not speak.
        reply.code == 334 ? .protocolViolation("unexpected AUTH challenge \(reply)") : .authenticationRefusal(reply)
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
