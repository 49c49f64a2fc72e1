import Foundation

/// How to log in. `automatic` is right for real use; the others exist so both paths can be
/// checked against a real server.
public enum IMAPAuthenticationMechanism: Sendable {
    /// AUTHENTICATE PLAIN when offered (in one line with SASL-IR), else LOGIN unless the
    /// server has LOGINDISABLED.
    case automatic
    case plain
    case login
}

extension IMAPClient {
    /// Logs in. Passwords are sent as given: Gmail shows app passwords in groups with spaces,
    /// and stripping those is the caller's business (other servers allow spaces).
    public func login(username: String, password: String, mechanism: IMAPAuthenticationMechanism = .automatic) async throws {
        try await exclusively {
            guard transport != nil else { throw IMAPError.notConnected }
            guard !isAuthenticated else { return }
            let updatesBefore = capabilityUpdates
            let completion: IMAPStatusResponse
            switch try chooseMechanism(mechanism) {
            case .plain: completion = try await authenticatePlain(username: username, password: password)
            default: completion = try await loginCommand(username: username, password: password)
            }
            try checkAuthentication(completion)
            isAuthenticated = true
            // The list grows after login (Gmail adds CONDSTORE, ESEARCH, UTF8=ACCEPT …);
            // Dovecot sends it with the OK, Gmail does not.
            if capabilityUpdates == updatesBefore { try await refreshCapabilities() }
        }
    }

    private func chooseMechanism(_ requested: IMAPAuthenticationMechanism) throws -> IMAPAuthenticationMechanism {
        let loginDisabled = capabilities.contains("LOGINDISABLED")
        switch requested {
        case .automatic:
            if capabilities.contains("AUTH=PLAIN") { return .plain }
            guard !loginDisabled else { throw IMAPError.loginDisabled }
            return .login
        case .plain:
            return .plain
        case .login:
            guard !loginDisabled else { throw IMAPError.loginDisabled }
            return .login
        }
    }

    private func loginCommand(username: String, password: String) async throws -> IMAPStatusResponse {
        var command = IMAPCommand("LOGIN")
        command.addString(username, utf8Allowed: false)
        command.addString(password, utf8Allowed: false)
        return try await runUnchecked(command)
    }

    /// RFC 4616 PLAIN: base64 of `\0user\0password`, in the command itself when the server
    /// has SASL-IR (RFC 4959), else after its empty `+` challenge.
    private func authenticatePlain(username: String, password: String) async throws -> IMAPStatusResponse {
        var credentials: [UInt8] = [0]
        credentials.append(contentsOf: username.utf8)
        credentials.append(0)
        credentials.append(contentsOf: password.utf8)
        let encoded = Data(credentials).base64EncodedString()

        if capabilities.contains("SASL-IR") {
            var command = IMAPCommand("AUTHENTICATE")
            command.add("PLAIN \(encoded)")
            return try await runUnchecked(command)
        }

        let tag = nextTag()
        try await write(Array("\(tag) AUTHENTICATE PLAIN\r\n".utf8))
        var answered = false
        while true {
            switch try await readResponse() {
            case .continuation:
                // A second challenge means the server wants something PLAIN does not have:
                // `*` cancels the exchange and the server completes with BAD.
                try await write(Array((answered ? "*\r\n" : "\(encoded)\r\n").utf8))
                answered = true
            case .tagged(let completedTag, let completion) where completedTag == tag:
                noteCompletion(completion)
                return completion
            case .tagged(let otherTag, _):
                throw IMAPError.protocolViolation("a completion for tag \(otherTag) during AUTHENTICATE")
            case .untagged(let data):
                noteUntagged(data)
            }
        }
    }

    /// Sorts refusals into what the user must do: another password, an app password, or
    /// nothing (a temporary server problem stays a command failure the caller may retry).
    private func checkAuthentication(_ completion: IMAPStatusResponse) throws {
        guard completion.status != .ok else { return }
        if completion.text.lowercased().contains("application-specific password") {
            throw IMAPError.appPasswordRequired(completion.text)
        }
        if completion.code == .unavailable || completion.isThrottled || completion.status == .bad {
            throw IMAPError.commandFailed(IMAPCommandFailure(command: "LOGIN", response: completion))
        }
        throw IMAPError.authenticationFailed(completion.text)
    }

    /// ID (RFC 2971): says who we are (Gmail asks clients to) and returns what the server
    /// says about itself; empty when the server has no ID.
    public func id(_ fields: [String: String] = ["name": "SmartySales"]) async throws -> [String: String] {
        try await exclusively {
            guard capabilities.contains("ID") else { return [:] }
            var command = IMAPCommand("ID")
            if fields.isEmpty {
                command.add("NIL")
            } else {
                let elements = fields.sorted { $0.key < $1.key }.flatMap { field in
                    [IMAPCommand.ListElement.string(Array(field.key.utf8)), .string(Array(field.value.utf8))]
                }
                command.addList(elements, utf8Allowed: false)
            }
            var serverFields: [String: String] = [:]
            try await run(command) { data in
                if case .id(let received) = data { serverFields = received }
            }
            return serverFields
        }
    }

    /// `ENABLE UTF8=ACCEPT` (RFC 6855) when offered: names then travel as UTF-8. Returns
    /// whether it is on. Call it after login and before LIST.
    @discardableResult
    public func enableUTF8() async throws -> Bool {
        try await exclusively {
            guard !isUTF8Enabled else { return true }
            guard isAuthenticated, capabilities.contains("UTF8=ACCEPT") || capabilities.contains("UTF8=ONLY") else { return false }
            var command = IMAPCommand("ENABLE")
            command.add("UTF8=ACCEPT")
            try await run(command)
            return isUTF8Enabled
        }
    }
}
