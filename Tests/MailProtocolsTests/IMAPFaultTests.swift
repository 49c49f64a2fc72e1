import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import MailProtocols

// What a real server will not do on demand: hang up mid-response, send garbage, announce a
// literal shorter than what follows, never answer, refuse logins in its own words. Each must end
// in a typed error, never a hang or a crash, and a broken session must say so (requiresReconnect).

@Suite struct IMAPFaultTests {
    static let capabilities = "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR IDLE LITERAL+ ID] ready"

    /// A server that greets with `greeting`, accepts any login and answers the first command
    /// starting with `command` with `actions`; everything else gets `OK`.
    static func server(greeting: String = IMAPFaultTests.capabilities, on command: String, _ actions: [ScriptedAction]) -> ScriptedReplies {
        ScriptedReplies(greeting: [.line(greeting)]) { line in
            let client = ClientLine(line)
            if client.hasPrefix(command) { return actions }
            return [.line("\(client.tag) OK done")]
        }
    }

    static func loggedIn(_ server: ScriptedServer, commandTimeout: Duration = .seconds(5)) async throws -> IMAPClient {
        let client = IMAPClient(endpoint: IMAPTestEndpoints.scripted(server, commandTimeout: commandTimeout))
        try await client.connect()
        try await client.login(username: "user", password: "secret")
        return client
    }

    // MARK: Broken connections

    @Test(.timeLimit(.minutes(1)))
    func serverClosingMidResponseIsAConnectionLoss() async throws {
        try await withScriptedServer({ _ in
            Self.server(on: "UID FETCH", [.send(Array("* 1 FETCH (UID 1 BODY[HEADER] {100}\r\nSubject: cut".utf8)), .close])
        }) { server in
            let client = try await Self.loggedIn(server)
            let error = await #expect(throws: IMAPError.self) {
                _ = try await client.fetch(uids: [1, 2, 3], items: [.headers])
            }
            guard case .connectionLost? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(error?.requiresReconnect == true)
            #expect(await client.isConnected == false)
            // Nothing more can be asked of a dropped session; it says so instead of hanging.
            await #expect(throws: IMAPError.notConnected) { _ = try await client.noop() }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func byeThenCloseTellsWhatTheServerSaid() async throws {
        try await withScriptedServer({ _ in
            Self.server(on: "NOOP", [.line("* BYE System shutting down"), .close])
        }) { server in
            let client = try await Self.loggedIn(server)
            await #expect(throws: IMAPError.connectionLost("the server said BYE: System shutting down")) {
                _ = try await client.noop()
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func garbageLineIsAProtocolViolationAndEndsTheSession() async throws {
        try await withScriptedServer({ _ in
            Self.server(on: "NOOP", [.line("#### this is not IMAP ####")])
        }) { server in
            let client = try await Self.loggedIn(server)
            let error = await #expect(throws: IMAPError.self) { _ = try await client.noop() }
            guard case .protocolViolation? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(await client.isConnected == false)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func literalLongerThanAnnouncedIsAProtocolViolation() async throws {
        try await withScriptedServer({ _ in
            Self.server(on: "UID FETCH", [.send(Array("* 1 FETCH (UID 1 BODY[HEADER] {5}\r\nSubject: longer)\r\n".utf8))])
        }) { server in
            let client = try await Self.loggedIn(server)
            let error = await #expect(throws: IMAPError.self) {
                _ = try await client.fetch(uids: [1], items: [.headers])
            }
            guard case .protocolViolation? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(await client.isConnected == false)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func commandThatNeverAnswersTimesOut() async throws {
        try await withScriptedServer({ _ in Self.server(on: "UID SEARCH", []) }) { server in
            let client = try await Self.loggedIn(server, commandTimeout: .seconds(3))
            let started = ContinuousClock.now
            await #expect(throws: IMAPError.timedOut) { _ = try await client.uidsAbove(10) }
            #expect(ContinuousClock.now - started < .seconds(8), "the timeout, not a hang")
            #expect(await client.isConnected == false)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func serverThatNeverGreetsTimesOut() async throws {
        try await withScriptedServer({ _ in ScriptedReplies(greeting: []) { _ in [] } }) { server in
            let client = IMAPClient(endpoint: IMAPTestEndpoints.scripted(server, commandTimeout: .seconds(1)))
            await #expect(throws: IMAPError.timedOut) { try await client.connect() }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func closedPortIsUnreachable() async throws {
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(probe.localAddress?.port)
        try await probe.close().get()
        let client = IMAPClient(endpoint: MailServerEndpoint(host: "127.0.0.1", port: port, tls: .implicit, connectTimeout: .seconds(2)))
        let error = await #expect(throws: IMAPError.self) { try await client.connect() }
        guard case .unreachable? = error else { Issue.record("got \(String(describing: error))"); return }
    }

    @Test(.timeLimit(.minutes(1)))
    func tlsHandshakeWithAPlainServerIsATLSFailure() async throws {
        try await withScriptedServer({ _ in Self.server(on: "NOOP", []) }) { server in
            var endpoint = IMAPTestEndpoints.scripted(server)
            endpoint.tls = .implicit
            let client = IMAPClient(endpoint: endpoint)
            let error = await #expect(throws: IMAPError.self) { try await client.connect() }
            guard case .tlsFailure? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(await client.isConnected == false)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func startTLSDemandedButNotOfferedSendsNothing() async throws {
        try await withScriptedServer({ _ in Self.server(on: "NOOP", []) }) { server in
            var endpoint = IMAPTestEndpoints.scripted(server)
            endpoint.tls = .startTLS
            let client = IMAPClient(endpoint: endpoint)
            await #expect(throws: IMAPError.startTLSNotOffered) { try await client.connect() }
            #expect(server.receivedLines.first?.contains { $0.contains("LOGIN") || $0.contains("AUTHENTICATE") } != true)
        }
    }

    // MARK: Login

    @Test(.timeLimit(.minutes(1)))
    func loginDisabledIsRefusedBeforeSendingThePassword() async throws {
        try await withScriptedServer({ _ in
            Self.server(greeting: "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready", on: "LOGIN", [])
        }) { server in
            let client = IMAPClient(endpoint: IMAPTestEndpoints.scripted(server))
            try await client.connect()
            await #expect(throws: IMAPError.loginDisabled) {
                try await client.login(username: "user", password: "secret")
            }
            #expect(server.receivedLines.first?.isEmpty == true)
            #expect(await client.isConnected)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func authenticationFailuresInTheServersWords() async throws {
        let refusals: [(String, IMAPError)] = [
            ("NO [AUTHENTICATIONFAILED] Authentication failed.", .authenticationFailed("Authentication failed.")),
            ("NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", .authenticationFailed("Invalid credentials (Failure)")),
            ("NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)",
             .appPasswordRequired("Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)")),
            ("NO [UNAVAILABLE] Temporary authentication failure", .commandFailed(IMAPCommandFailure(
                command: "LOGIN", response: IMAPStatusResponse(status: .no, code: .unavailable, text: "Temporary authentication failure")))),
        ]
        for (refusal, expected) in refusals {
            try await withScriptedServer({ _ in
                ScriptedReplies(greeting: [.line(Self.capabilities)]) { line in
                    let client = ClientLine(line)
                    return [.line(client.hasPrefix("AUTHENTICATE") ? "\(client.tag) \(refusal)" : "\(client.tag) OK done")]
                }
            }) { server in
                let client = IMAPClient(endpoint: IMAPTestEndpoints.scripted(server))
                try await client.connect()
                await #expect(throws: expected) { try await client.login(username: "user", password: "wrong") }
                #expect(await client.isAuthenticated == false)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func loginFallsBackToLOGINWithoutAuthPlain() async throws {
        try await withScriptedServer({ _ in
            Self.server(greeting: "* OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5] ready", on: "NEVER", [])
        }) { server in
            let client = IMAPClient(endpoint: IMAPTestEndpoints.scripted(server))
            try await client.connect()
            try await client.login(username: "user@example.ru", password: #"pa"ss"#)
            #expect(await client.isAuthenticated)
            #expect(server.receivedLines[0].first == #"A1 LOGIN "user@example.ru" "pa\"ss""#)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func authenticatePlainWithoutSASLIRWaitsForTheChallenge() async throws {
        try await withScriptedServer({ _ in
            ScriptedReplies(greeting: [.line("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready")]) { line in
                if line == "A1 AUTHENTICATE PLAIN" { return [.line("+ ")] }
                if line == "AHVzZXIAc2VjcmV0" { return [.line("A1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in")] }
                return [.line("\(ClientLine(line).tag) OK done")]
            }
        }) { server in
            let client = IMAPClient(endpoint: IMAPTestEndpoints.scripted(server))
            try await client.connect()
            try await client.login(username: "user", password: "secret")
            #expect(await client.isAuthenticated)
            #expect(await client.capabilities.contains("IDLE"))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func synchronisingLiteralWaitsForTheServer() async throws {
        // No LITERAL+: a Cyrillic password goes as `{n}`, and only after the server's `+`.
        try await withScriptedServer({ _ in
            ScriptedReplies(greeting: [.line("* OK [CAPABILITY IMAP4rev1] ready")]) { line in
                if line == "A1 LOGIN \"user\" {12}" { return [.line("+ Ready for literal data")] }
                if line == "пароль" { return [.line("A1 OK Logged in")] }
                return [.line("\(ClientLine(line).tag) OK done")]
            }
        }) { server in
            let client = IMAPClient(endpoint: IMAPTestEndpoints.scripted(server))
            try await client.connect()
            try await client.login(username: "user", password: "пароль")
            #expect(await client.isAuthenticated)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func literalRefusedBeforeItIsSentKeepsTheSession() async throws {
        try await withScriptedServer({ _ in
            ScriptedReplies(greeting: [.line("* OK [CAPABILITY IMAP4rev1] ready")]) { line in
                let client = ClientLine(line)
                if client.hasPrefix("LOGIN") { return [.line("\(client.tag) NO [AUTHENTICATIONFAILED] no such user")] }
                return [.line("\(client.tag) OK done")]
            }
        }) { server in
            let client = IMAPClient(endpoint: IMAPTestEndpoints.scripted(server))
            try await client.connect()
            await #expect(throws: IMAPError.authenticationFailed("no such user")) {
                try await client.login(username: "user", password: "пароль")
            }
            #expect(try await client.noop() == [])
        }
    }

    // MARK: Unsolicited responses, concurrency, IDLE

    @Test(.timeLimit(.minutes(1)))
    func unsolicitedResponsesAnywhereAreTakenInStride() async throws {
        let reply = [
            "* 4 EXISTS",
            "* OK [ALERT] Mailbox is almost full",
            "* 2 FETCH (FLAGS (\\Seen) UID 7)",
            "* 1 FETCH (UID 3 RFC822.SIZE 99)",
            "* 3 EXPUNGE",
            "* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR IDLE LITERAL+ ID MOVE",
        ].map(ScriptedAction.line)
        try await withScriptedServer({ _ in
            ScriptedReplies(greeting: [.line(Self.capabilities)]) { line in
                let client = ClientLine(line)
                return client.hasPrefix("UID FETCH") ? reply + [.line("\(client.tag) OK done")] : [.line("\(client.tag) OK done")]
            }
        }) { server in
            let client = try await Self.loggedIn(server)
            let fetched = try await client.fetch(uids: [3], items: [.size])
            #expect(fetched.count == 1)
            #expect(fetched.first?.size == 99)
            #expect(await client.capabilities.contains("MOVE"))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func concurrentCallsAreQueuedNotInterleaved() async throws {
        try await withScriptedServer({ _ in
            ScriptedReplies(greeting: [.line(Self.capabilities)]) { line in
                let client = ClientLine(line)
                if client.hasPrefix("NOOP") { return [.line("* \(client.tag.dropFirst()) EXISTS"), .line("\(client.tag) OK done")] }
                return [.line("\(client.tag) OK done")]
            }
        }) { server in
            let client = try await Self.loggedIn(server)
            let results = try await withThrowingTaskGroup(of: [IMAPIdleEvent].self) { group in
                for _ in 0..<20 { group.addTask { try await client.noop() } }
                var all: [[IMAPIdleEvent]] = []
                for try await events in group { all.append(events) }
                return all
            }
            // Each NOOP got exactly the EXISTS sent for its own tag.
            #expect(results.count == 20)
            #expect(results.allSatisfy { $0.count == 1 })
            let counts = results.compactMap { events -> Int? in
                if case .exists(let count)? = events.first { return count }
                return nil
            }
            #expect(Set(counts).count == 20)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func idleIsReissuedAndEndsWithDone() async throws {
        try await withScriptedServer({ _ in Self.idleServer(answerDone: true) }) { server in
            let client = try await Self.loggedIn(server)
            let log = IdleEventLog()
            try await client.idle(reissueAfter: .milliseconds(200)) { event in
                log.append(event)
                return log.all.filter { $0 == .idling }.count >= 3 ? .stop : .keepIdling
            }
            #expect(log.all == [.idling, .idling, .idling])
            let lines = server.receivedLines[0].filter { $0 == "DONE" || $0.hasSuffix(" IDLE") }
            #expect(lines.map { $0 == "DONE" ? "DONE" : "IDLE" } == ["IDLE", "DONE", "IDLE", "DONE", "IDLE", "DONE"])
            #expect(try await client.noop() == [])  // the session is still in step
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingIdleSendsDoneAndReturns() async throws {
        try await withScriptedServer({ _ in Self.idleServer(answerDone: true) }) { server in
            let client = try await Self.loggedIn(server)
            let idling = IdleEventLog()
            let task = Task {
                try await client.idle { event in
                    idling.append(event)
                    return .keepIdling
                }
            }
            try await IMAPWait.until { !idling.all.isEmpty }
            task.cancel()
            try await task.value
            #expect(server.receivedLines[0].last == "DONE")
            #expect(await client.isConnected)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func doneThatIsNeverAnsweredTimesOut() async throws {
        try await withScriptedServer({ _ in Self.idleServer(answerDone: false) }) { server in
            let client = try await Self.loggedIn(server, commandTimeout: .seconds(3))
            await #expect(throws: IMAPError.timedOut) {
                try await client.idle { _ in .stop }
            }
            #expect(await client.isConnected == false)
        }
    }

    /// Answers IDLE with `+ idling` and DONE with the IDLE's completion (or silence).
    static func idleServer(answerDone: Bool) -> ScriptedReplies {
        let idling = IdleTag()
        return ScriptedReplies(greeting: [.line(capabilities)]) { line in
            if line == "DONE" {
                guard answerDone, let tag = idling.tag else { return [] }
                return [.line("\(tag) OK Idle completed")]
            }
            let client = ClientLine(line)
            if client.hasPrefix("IDLE") {
                idling.tag = client.tag
                return [.line("+ idling")]
            }
            return [.line("\(client.tag) OK done")]
        }
    }

    /// The tag of the IDLE in progress; lives on the scripted server's event loop only.
    final class IdleTag {
        var tag: String?
    }
}
