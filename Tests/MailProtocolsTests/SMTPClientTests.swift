import Foundation
import MIME
import MailProtocols
import NIOCore
import NIOPosix
import Testing

// SMTPClient against the real aiosmtpd server that scripts/test starts (see
// Support/TestServers.swift), and against scripted in-process servers for the faults a real
// server does not produce on demand. Every real-server test sends to a recipient of its own,
// so the tests may run in parallel.

@Suite struct SMTPClientTests {
    // MARK: Real server: TLS, AUTH, delivery

    @Test func startTLSThenAuthPlainDeliversTheMessageByteForByte() async throws {
        let server = try TestServers.smtp()
        let recipient = SMTPTestServer.uniqueRecipient("starttls")
        let client = SMTPClient(endpoint: Self.endpoint(server, port: server.starttlsPort, tls: .startTLS), credentials: Self.credentials(server))
        let bytes = MessageBuilder().build(Self.message(from: server.username, to: recipient, subject: "STARTTLS", body: "Hello over STARTTLS."))

        let result = try await client.send(bytes, envelope: SMTPEnvelope(from: server.username, recipients: [recipient]))
        let capabilities = await client.capabilities
        await client.quit()

        #expect(result.reply.code == 250)
        #expect(result.acceptedRecipients == [recipient])
        #expect(result.refusedRecipients.isEmpty)
        #expect(capabilities.authMechanisms.contains("PLAIN"))
        #expect(capabilities.pipelining)
        #expect(capabilities.sizeLimit == 35_882_577)
        #expect(capabilities.eightBitMIME && capabilities.smtpUTF8)
        let delivered = try server.delivered(to: recipient)
        try #require(delivered.count == 1)
        #expect(delivered[0].bytes == bytes)
        #expect(delivered[0].envelope.listener == "starttls")
        #expect(delivered[0].envelope.tls)
        #expect(delivered[0].envelope.authLogin == server.username)
        #expect(delivered[0].envelope.helo == "smartysales.localhost")
        #expect(delivered[0].envelope.mailOptions == ["SIZE=\(bytes.count)"])
    }

    @Test func implicitTLSWithAuthDelivers() async throws {
        let server = try TestServers.smtp()
        let recipient = SMTPTestServer.uniqueRecipient("smtps")
        let client = SMTPClient(endpoint: Self.endpoint(server, port: server.implicitTLSPort, tls: .implicit), credentials: Self.credentials(server))
        let bytes = MessageBuilder().build(Self.message(from: server.username, to: recipient, subject: "SMTPS", body: "Hello over implicit TLS."))

        _ = try await client.send(bytes, envelope: SMTPEnvelope(from: server.username, recipients: [recipient]))
        #expect(await client.capabilities.startTLS == false)
        await client.quit()

        let delivered = try server.delivered(to: recipient)
        try #require(delivered.count == 1)
        #expect(delivered[0].bytes == bytes)
        #expect(delivered[0].envelope.listener == "smtps")
        #expect(delivered[0].envelope.tls)
        #expect(delivered[0].envelope.authLogin == server.username)
    }

    @Test func plainRelayWithoutTLSOrAuthDelivers() async throws {
        let server = try TestServers.smtp()
        let recipient = SMTPTestServer.uniqueRecipient("relay")
        let client = SMTPClient(endpoint: Self.endpoint(server, port: server.plainPort, tls: .none), credentials: nil)
        let bytes = MessageBuilder().build(Self.message(from: "robot@smartysales.test", to: recipient, subject: "Relay", body: "Hello, relay."))

        _ = try await client.send(bytes, envelope: SMTPEnvelope(from: "robot@smartysales.test", recipients: [recipient]))
        await client.quit()

        let delivered = try server.delivered(to: recipient)
        try #require(delivered.count == 1)
        #expect(delivered[0].bytes == bytes)
        #expect(delivered[0].envelope.tls == false)
        #expect(delivered[0].envelope.authLogin == nil)
    }

    @Test func wrongPasswordIsAuthenticationFailed() async throws {
        let server = try TestServers.smtp()
        let client = SMTPClient(
            endpoint: Self.endpoint(server, port: server.starttlsPort, tls: .startTLS),
            credentials: SMTPCredentials(username: server.username, password: server.password + "-wrong"))

        let error = await #expect(throws: SMTPError.self) { try await client.connect() }
        guard case .authenticationFailed(let reply)? = error else {
            Issue.record("expected authenticationFailed, got \(String(describing: error))")
            return
        }
        #expect(reply.code == 535)
        #expect(error?.isPermanent == true)
        #expect(await client.isConnected == false)
    }

    @Test func certificateFromAnUntrustedCAIsATLSFailure() async throws {
        let server = try TestServers.smtp()
        // The test CA is not among the system roots.
        for (port, tls) in [(server.implicitTLSPort, TLSMode.implicit), (server.starttlsPort, TLSMode.startTLS)] {
            let client = SMTPClient(endpoint: Self.endpoint(server, port: port, tls: tls, trust: .system), credentials: Self.credentials(server))
            let error = await #expect(throws: SMTPError.self) { try await client.connect() }
            #expect(error?.transportError?.isTLSFailure == true, "\(tls): \(String(describing: error))")
        }
    }

    @Test func unreadableCustomCAIsATLSFailure() async throws {
        let server = try TestServers.smtp()
        let client = SMTPClient(
            endpoint: Self.endpoint(server, port: server.implicitTLSPort, tls: .implicit, trust: .customCA(pem: Array("not a certificate".utf8))),
            credentials: nil)
        let error = await #expect(throws: SMTPError.self) { try await client.connect() }
        #expect(error?.transportError?.isTLSFailure == true)
    }

    @Test func endpointDemandingSTARTTLSRefusesAServerWithoutIt() async throws {
        let server = try TestServers.smtp()
        let client = SMTPClient(endpoint: Self.endpoint(server, port: server.plainPort, tls: .startTLS), credentials: nil)
        let error = await #expect(throws: SMTPError.self) { try await client.connect() }
        #expect(error == .tlsRequired)
    }

    @Test(.timeLimit(.minutes(1)))
    func closedPortIsUnreachable() async throws {
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(probe.localAddress?.port)
        try await probe.close().get()
        let client = SMTPClient(endpoint: MailServerEndpoint(host: "127.0.0.1", port: port, tls: .none, connectTimeout: .seconds(2)), credentials: nil)

        let error = await #expect(throws: SMTPError.self) { try await client.connect() }
        guard case .transport(.unreachable)? = error else {
            Issue.record("expected unreachable, got \(String(describing: error))")
            return
        }
    }

    // MARK: Real server: many messages, dots, recipients

    @Test(.timeLimit(.minutes(5)))
    func thousandMessagesOverOneConnectionArriveByteExact() async throws {
        let server = try TestServers.smtp()
        let recipient = SMTPTestServer.uniqueRecipient("batch")
        let client = SMTPClient(endpoint: Self.endpoint(server, port: server.starttlsPort, tls: .startTLS), credentials: Self.credentials(server))
        let messages = (0..<1000).map { index in
            // Every second message is 8-bit Russian text; every one has lines that need dot-stuffing.
            let body = index.isMultiple(of: 2)
                ? "Сообщение №\(index).\n.Строка с точкой\n..две точки\n.\nКонец."
                : "Message \(index).\n.leading dot\n..two dots\n.\nThe end."
            return MessageBuilder(allows8bit: index.isMultiple(of: 2))
                .build(Self.message(from: server.username, to: recipient, subject: "Пакет \(index)", body: body))
        }

        for message in messages {
            _ = try await client.send(message, envelope: SMTPEnvelope(from: server.username, recipients: [recipient]))
        }
        #expect(await client.connectionsOpened == 1)
        await client.quit()

        let delivered = try server.delivered(to: recipient)
        #expect(delivered.count == messages.count)
        #expect(delivered.map { $0.bytes } == messages, "delivered bytes differ from what was sent")
        #expect(delivered.filter { $0.envelope.mailOptions.contains("BODY=8BITMIME") }.count == 500)
    }

    @Test func dotStuffingAndLineEndsSurviveTheTrip() async throws {
        let server = try TestServers.smtp()
        let recipient = SMTPTestServer.uniqueRecipient("dots")
        let client = SMTPClient(endpoint: Self.endpoint(server, port: server.plainPort, tls: .none), credentials: nil)
        // Lines that are only a dot, start with dots, a bare LF, and no line end at the end.
        let message = Array("Subject: dots\r\nTo: \(recipient)\r\n\r\n.\r\n..\r\n.hidden\r\n\r\n.\r\nbare\nLF\r\nno end".utf8)

        _ = try await client.send(message, envelope: SMTPEnvelope(from: "robot@smartysales.test", recipients: [recipient]))
        await client.quit()

        let delivered = try server.delivered(to: recipient)
        try #require(delivered.count == 1)
        let expected = Array("Subject: dots\r\nTo: \(recipient)\r\n\r\n.\r\n..\r\n.hidden\r\n\r\n.\r\nbare\r\nLF\r\nno end\r\n".utf8)
        #expect(delivered[0].bytes == expected)
    }

    @Test func bccGoesOnlyIntoTheEnvelope() async throws {
        let server = try TestServers.smtp()
        let visible = SMTPTestServer.uniqueRecipient("to")
        let hidden = SMTPTestServer.uniqueRecipient("bcc")
        let client = SMTPClient(endpoint: Self.endpoint(server, port: server.starttlsPort, tls: .startTLS), credentials: Self.credentials(server))
        var outgoing = Self.message(from: server.username, to: visible, subject: "Bcc", body: "Someone else reads this too.")
        outgoing.bcc = [MailAddress(name: "Скрытый", address: hidden)]

        let result = try await client.send(outgoing)
        await client.quit()

        #expect(result.acceptedRecipients == [visible, hidden])
        let delivered = try server.delivered(to: hidden)
        try #require(delivered.count == 1)
        #expect(delivered[0].envelope.rcptTos == [visible, hidden])
        let text = String(decoding: delivered[0].bytes, as: UTF8.self)
        #expect(text.contains(visible))
        #expect(!text.contains(hidden))
        #expect(!text.lowercased().contains("bcc:"))
    }

    @Test func refusedRecipientsAreReportedWhileTheOthersGetTheMessage() async throws {
        let server = try TestServers.smtp()
        let accepted = SMTPTestServer.uniqueRecipient("partial")
        let rejected = SMTPTestServer.uniqueRecipient("reject")
        let deferred = SMTPTestServer.uniqueRecipient("tempfail")
        let client = SMTPClient(endpoint: Self.endpoint(server, port: server.plainPort, tls: .none), credentials: nil)
        let bytes = MessageBuilder().build(Self.message(from: "robot@smartysales.test", to: accepted, subject: "Partial", body: "Some get it."))

        let result = try await client.send(bytes, envelope: SMTPEnvelope(from: "robot@smartysales.test", recipients: [accepted, rejected, deferred]))
        await client.quit()

        #expect(result.acceptedRecipients == [accepted])
        #expect(result.refusedRecipients[rejected]?.code == 550)
        #expect(result.refusedRecipients[rejected]?.enhancedStatus == "5.1.1")
        #expect(result.refusedRecipients[deferred]?.code == 450)
        #expect(result.refusedRecipients[deferred]?.enhancedStatus == "4.2.1")
        #expect(try server.delivered(to: accepted).count == 1)
    }

    @Test func allRecipientsRefusedThrowsAndTheConnectionStaysUsable() async throws {
        let server = try TestServers.smtp()
        let rejected = SMTPTestServer.uniqueRecipient("reject")
        let deferred = SMTPTestServer.uniqueRecipient("tempfail")
        let later = SMTPTestServer.uniqueRecipient("after-refusal")
        let client = SMTPClient(endpoint: Self.endpoint(server, port: server.plainPort, tls: .none), credentials: nil)
        let bytes = MessageBuilder().build(Self.message(from: "robot@smartysales.test", to: later, subject: "Refused", body: "Nobody gets it."))

        let error = await #expect(throws: SMTPError.self) {
            try await client.send(bytes, envelope: SMTPEnvelope(from: "robot@smartysales.test", recipients: [rejected, deferred]))
        }
        guard case .allRecipientsRefused(let refusals)? = error else {
            Issue.record("expected allRecipientsRefused, got \(String(describing: error))")
            return
        }
        #expect(refusals.mapValues(\.code) == [rejected: 550, deferred: 450])
        // One recipient may succeed later, so the whole is not permanent.
        #expect(error?.isPermanent == false)

        _ = try await client.send(bytes, envelope: SMTPEnvelope(from: "robot@smartysales.test", recipients: [later]))
        #expect(await client.connectionsOpened == 1)
        await client.quit()
        #expect(try server.delivered(to: later).count == 1)
    }

    @Test func eightBitBodyAndInternationalAddressUseTheirExtensions() async throws {
        let server = try TestServers.smtp()
        let recipient = "получатель-\(UUID().uuidString.lowercased())@smartysales.test"
        let client = SMTPClient(endpoint: Self.endpoint(server, port: server.plainPort, tls: .none), credentials: nil)
        let bytes = MessageBuilder(allows8bit: true).build(Self.message(from: "robot@smartysales.test", to: recipient, subject: "Привет", body: "Добрый день!"))

        _ = try await client.send(bytes, envelope: SMTPEnvelope(from: "robot@smartysales.test", recipients: [recipient]))
        await client.quit()

        let delivered = try server.delivered(to: recipient)
        try #require(delivered.count == 1)
        #expect(delivered[0].bytes == bytes)
        #expect(delivered[0].envelope.mailOptions == ["SIZE=\(bytes.count)", "BODY=8BITMIME", "SMTPUTF8"])
    }

    @Test func messageAboveTheServersSizeLimitIsRefusedBeforeSending() async throws {
        let server = try TestServers.smtp()
        let recipient = SMTPTestServer.uniqueRecipient("too-large")
        let client = SMTPClient(endpoint: Self.endpoint(server, port: server.plainPort, tls: .none), credentials: nil)
        let tooLarge = [UInt8](repeating: UInt8(ascii: "a"), count: 35_882_578)

        let error = await #expect(throws: SMTPError.self) {
            try await client.send(tooLarge, envelope: SMTPEnvelope(from: "robot@smartysales.test", recipients: [recipient]))
        }
        #expect(error == .messageTooLarge(limit: 35_882_577))
        #expect(await client.isConnected)
        await client.quit()
        #expect(try server.delivered(to: recipient).isEmpty)
    }

    @Test func addressesThatCouldInjectCommandsAreRefused() async throws {
        let client = SMTPClient(endpoint: MailServerEndpoint(host: "127.0.0.1", port: 1, tls: .none), credentials: nil)
        for recipient in ["victim@example.com>\r\nRCPT TO:<spy@example.com", "a\nb@example.com", ""] {
            let error = await #expect(throws: SMTPError.self) {
                try await client.send([], envelope: SMTPEnvelope(from: "robot@smartysales.test", recipients: [recipient]))
            }
            #expect(error == .invalidAddress(recipient))
        }
        let error = await #expect(throws: SMTPError.self) {
            try await client.send([], envelope: SMTPEnvelope(from: "robot@smartysales.test", recipients: []))
        }
        #expect(error == .noRecipients)
    }

    // MARK: Scripted server: AUTH LOGIN and the conversation on the wire

    @Test(.timeLimit(.minutes(1)))
    func authLoginWhenThatIsAllTheServerOffers() async throws {
        let username = "anna@romashka.ru"
        let password = "пароль app pw"
        let encodedUsername = Data(username.utf8).base64EncodedString()
        let encodedPassword = Data(password.utf8).base64EncodedString()
        try await withScriptedServer({ _ in
            ScriptedSteps(greeting: [.line("220 scripted ESMTP")], steps: [
                .init(expect: "EHLO", actions: [.line("250-scripted"), .line("250 AUTH LOGIN")]),
                .init(expect: "AUTH LOGIN", actions: [.line("334 VXNlcm5hbWU6")]),
                .init(expect: encodedUsername, actions: [.line("334 UGFzc3dvcmQ6")]),
                .init(expect: encodedPassword, actions: [.line("235 2.7.0 Accepted")]),
                .init(expect: "QUIT", actions: [.line("221 2.0.0 Bye"), .close]),
            ])
        }) { server in
            // Credentials without TLS are allowed only because the server is on loopback.
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server), credentials: SMTPCredentials(username: username, password: password))
            try await client.connect()
            await client.quit()
            #expect(server.receivedLines == [["EHLO smartysales.localhost", "AUTH LOGIN", encodedUsername, encodedPassword, "QUIT"]])
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func authPlainIsPreferredAndSentInOneLine() async throws {
        let expected = "AUTH PLAIN " + Data([0] + Array("user".utf8) + [0] + Array("secret".utf8)).base64EncodedString()
        try await withScriptedServer({ _ in
            FakeSMTPDialogue(extensions: ["AUTH LOGIN PLAIN"])
        }) { server in
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server), credentials: SMTPCredentials(username: "user", password: "secret"))
            try await client.connect()
            await client.quit()
            #expect(server.receivedLines.first?.dropFirst().first == expected)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func pipelinedTransactionAndDotStuffingOnTheWire() async throws {
        try await withScriptedServer({ _ in FakeSMTPDialogue() }) { server in
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server), credentials: nil)
            let message = Array("Subject: dots\r\n\r\n.\r\n..two\r\n.three\r\nend".utf8)
            _ = try await client.send(message, envelope: SMTPEnvelope(from: "a@x.test", recipients: ["b@x.test", "c@x.test", "B@X.test"]))
            _ = try await client.send(message, envelope: SMTPEnvelope(from: "", recipients: ["b@x.test"]))
            await client.quit()

            let transaction = [
                "MAIL FROM:<a@x.test> SIZE=\(message.count)", "RCPT TO:<b@x.test>", "RCPT TO:<c@x.test>", "DATA",
                "Subject: dots", "", "..", "...two", "..three", "end", ".",
            ]
            let second = [
                "RSET", "MAIL FROM:<> SIZE=\(message.count)", "RCPT TO:<b@x.test>", "DATA",
                "Subject: dots", "", "..", "...two", "..three", "end", ".",
            ]
            #expect(server.receivedLines == [["EHLO smartysales.localhost"] + transaction + second + ["QUIT"]])
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func withoutPipeliningARefusedSenderEndsTheTransaction() async throws {
        try await withScriptedServer({ _ in
            FakeSMTPDialogue(extensions: ["SIZE 1000"], overrides: ["MAIL": [[.line("550 5.7.1 Sender not allowed")]]])
        }) { server in
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server), credentials: nil)
            let error = await #expect(throws: SMTPError.self) {
                try await client.send(Array("Subject: x\r\n\r\nx\r\n".utf8), envelope: SMTPEnvelope(from: "a@x.test", recipients: ["b@x.test"]))
            }
            #expect(error?.reply?.code == 550)
            #expect(error?.enhancedStatus == "5.7.1")
            #expect(error?.isPermanent == true)
            #expect(server.receivedLines == [["EHLO smartysales.localhost", "MAIL FROM:<a@x.test> SIZE=17"]])
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func transientThenPermanentRefusalsAreTypedAndTheConnectionIsReused() async throws {
        try await withScriptedServer({ _ in
            FakeSMTPDialogue(overrides: ["MAIL": [[.line("451 4.3.0 Try again later")], [.line("550 5.7.1 Sender refused")]]])
        }) { server in
            // Twenty sends queue behind one another: a one-second command timeout is too tight
            // for that on a loaded machine, and timeouts are not what this test is about.
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server, commandTimeout: .seconds(15)), credentials: nil)
            let message = Array("Subject: x\r\n\r\nx\r\n".utf8)
            let envelope = SMTPEnvelope(from: "a@x.test", recipients: ["b@x.test"])

            let first = await #expect(throws: SMTPError.self) { try await client.send(message, envelope: envelope) }
            guard case .transient(let transient)? = first else {
                Issue.record("expected transient, got \(String(describing: first))")
                return
            }
            #expect(transient.code == 451)
            #expect(transient.enhancedStatus == "4.3.0")
            #expect(first?.isPermanent == false)

            let second = await #expect(throws: SMTPError.self) { try await client.send(message, envelope: envelope) }
            guard case .permanent(let permanent)? = second else {
                Issue.record("expected permanent, got \(String(describing: second))")
                return
            }
            #expect(permanent.code == 550)
            #expect(permanent.enhancedStatus == "5.7.1")

            let result = try await client.send(message, envelope: envelope)
            #expect(result.reply.code == 250)
            #expect(await client.connectionsOpened == 1)
            #expect(server.connectionCount == 1)
            #expect(server.receivedLines[0].filter { $0 == "RSET" }.count == 2)
            await client.quit()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func startTLSDemandedByTheServerIsTLSRequired() async throws {
        try await withScriptedServer({ _ in
            FakeSMTPDialogue(overrides: ["MAIL": [[.line("530 5.7.0 Must issue a STARTTLS command first")]]])
        }) { server in
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server), credentials: nil)
            let error = await #expect(throws: SMTPError.self) {
                try await client.send(Array("x\r\n".utf8), envelope: SMTPEnvelope(from: "a@x.test", recipients: ["b@x.test"]))
            }
            #expect(error == .tlsRequired)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func gmailsAppPasswordReplyIsRecognised() async throws {
        try await withScriptedServer({ _ in
            FakeSMTPDialogue(extensions: ["AUTH LOGIN PLAIN XOAUTH2"], overrides: ["AUTH": [[
                .line("534-5.7.9 Application-specific password required. Learn more at"),
                .line("534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor"),
            ]]])
        }) { server in
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server), credentials: SMTPCredentials(username: "u@gmail.com", password: "account password"))
            let error = await #expect(throws: SMTPError.self) { try await client.connect() }
            guard case .appPasswordRequired(let reply)? = error else {
                Issue.record("expected appPasswordRequired, got \(String(describing: error))")
                return
            }
            #expect(reply.enhancedStatus == "5.7.9")
            #expect(reply.lines.count == 2)
            #expect(reply.text.hasPrefix("Application-specific password required."))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func concurrentSendsTakeTurnsOnTheOneConnection() async throws {
        try await withScriptedServer({ _ in FakeSMTPDialogue() }) { server in
            // Twenty sends queue behind one another: a one-second command timeout is too tight
            // for that on a loaded machine, and timeouts are not what this test is about.
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server, commandTimeout: .seconds(15)), credentials: nil)
            let message = Array("Subject: x\r\n\r\nx\r\n".utf8)
            try await withThrowingTaskGroup(of: SMTPSendResult.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await client.send(message, envelope: SMTPEnvelope(from: "a@x.test", recipients: ["r\(index)@x.test"]))
                    }
                }
                for try await result in group { #expect(result.reply.code == 250) }
            }
            #expect(await client.connectionsOpened == 1)
            await client.quit()
            #expect(server.receivedLines[0].filter { $0 == "DATA" }.count == 20)
        }
    }

    // MARK: Scripted server: faults end in typed errors, never in a hang

    @Test(.timeLimit(.minutes(1)))
    func garbageReplyLineIsAProtocolViolation() async throws {
        try await withScriptedServer({ _ in
            FakeSMTPDialogue(overrides: ["EHLO": [[.line("hello there")]]])
        }) { server in
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server), credentials: nil)
            let error = await #expect(throws: SMTPError.self) { try await client.connect() }
            guard case .protocolViolation? = error else {
                Issue.record("expected protocolViolation, got \(String(describing: error))")
                return
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func commandThatIsNeverAnsweredTimesOut() async throws {
        try await withScriptedServer({ _ in
            FakeSMTPDialogue(extensions: [], overrides: ["MAIL": [[]]])
        }) { server in
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server), credentials: nil)
            let started = ContinuousClock.now
            let error = await #expect(throws: SMTPError.self) {
                try await client.send(Array("x\r\n".utf8), envelope: SMTPEnvelope(from: "a@x.test", recipients: ["b@x.test"]))
            }
            #expect(error == .transport(.timedOut))
            // The 1 s command timeout, not a longer one; the bound is wide because the whole
            // suite shares two cores, where a timer can fire seconds late.
            #expect(ContinuousClock.now - started < .seconds(30))
            // A connection whose conversation fell out of step is not used again.
            #expect(await client.isConnected == false)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func hangUpInTheMiddleOfAReplyIsClosedByServer() async throws {
        try await withScriptedServer({ _ in
            FakeSMTPDialogue(overrides: ["EHLO": [[.send(Array("250-scripted\r\n250-PIPEL".utf8)), .close]]])
        }) { server in
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server), credentials: nil)
            let error = await #expect(throws: SMTPError.self) { try await client.connect() }
            #expect(error == .transport(.closedByServer))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func serviceNotAvailableGreetingIsTransient() async throws {
        try await withScriptedServer({ _ in
            FakeSMTPDialogue(greeting: [.line("421 4.3.2 Service not available, closing channel"), .close])
        }) { server in
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server), credentials: nil)
            let error = await #expect(throws: SMTPError.self) { try await client.connect() }
            #expect(error?.reply?.code == 421)
            #expect(error?.enhancedStatus == "4.3.2")
            #expect(error?.isPermanent == false)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func endlessLineIsRefusedInsteadOfBuffered() async throws {
        let endless = [UInt8](repeating: UInt8(ascii: "a"), count: MailTransport.maximumLineLength + 4096)
        try await withScriptedServer({ _ in
            FakeSMTPDialogue(overrides: ["EHLO": [[.send(Array("250-".utf8) + endless + [13, 10])]]])
        }) { server in
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server), credentials: nil)
            let error = await #expect(throws: SMTPError.self) { try await client.connect() }
            guard case .transport(.lineTooLong(let length))? = error else {
                Issue.record("expected lineTooLong, got \(String(describing: error))")
                return
            }
            #expect(length > MailTransport.maximumLineLength)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func droppedIdleConnectionIsReplacedOnce() async throws {
        // The first connection hangs up right after accepting one message, as a server with an
        // idle timeout does; the second message must go out on a new connection.
        try await withScriptedServer({ connection in
            FakeSMTPDialogue(hangUpAfterMessages: connection == 0 ? 1 : nil)
        }) { server in
            // Twenty sends queue behind one another: a one-second command timeout is too tight
            // for that on a loaded machine, and timeouts are not what this test is about.
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server, commandTimeout: .seconds(15)), credentials: nil)
            let message = Array("Subject: x\r\n\r\nx\r\n".utf8)
            let envelope = SMTPEnvelope(from: "a@x.test", recipients: ["b@x.test"])

            _ = try await client.send(message, envelope: envelope)
            let result = try await client.send(message, envelope: envelope)
            await client.quit()

            #expect(result.reply.code == 250)
            #expect(await client.connectionsOpened == 2)
            #expect(server.connectionCount == 2)
            #expect(server.receivedLines[1].prefix(2) == ["EHLO smartysales.localhost", "MAIL FROM:<a@x.test> SIZE=\(message.count)"])
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func hangUpAfterTheBodyIsAnUnknownOutcomeAndNotRetried() async throws {
        try await withScriptedServer({ _ in
            FakeSMTPDialogue(overrides: [".": [[.close]]])
        }) { server in
            let client = SMTPClient(endpoint: Self.scriptedEndpoint(server), credentials: nil)
            let error = await #expect(throws: SMTPError.self) {
                try await client.send(Array("Subject: x\r\n\r\nx\r\n".utf8), envelope: SMTPEnvelope(from: "a@x.test", recipients: ["b@x.test"]))
            }
            #expect(error == .outcomeUnknown(.transport(.closedByServer)))
            #expect(error?.isPermanent == false)
            #expect(await client.connectionsOpened == 1)
            #expect(server.connectionCount == 1)
        }
    }

    // MARK: Replies and capabilities

    @Test func replyReadsItsEnhancedStatusCode() {
        #expect(SMTPReply(code: 550, lines: ["5.1.1 <x@y>: unknown"]).enhancedStatus == "5.1.1")
        #expect(SMTPReply(code: 250, lines: ["2.0.0 OK"]).text == "OK")
        #expect(SMTPReply(code: 250, lines: ["OK queued as 12"]).enhancedStatus == nil)
        // The class must match the code's first digit.
        #expect(SMTPReply(code: 550, lines: ["4.1.1 odd"]).enhancedStatus == nil)
        #expect(SMTPReply(code: 550, lines: ["5.1234.1 odd"]).enhancedStatus == nil)
    }

    @Test func capabilitiesReadFromAnEHLOReply() {
        let gmail = SMTPCapabilities(ehloReply: SMTPReply(code: 250, lines: [
            "smtp.gmail.com at your service, [203.0.113.5]", "SIZE 35882577", "8BITMIME",
            "AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH", "ENHANCEDSTATUSCODES",
            "PIPELINING", "CHUNKING", "SMTPUTF8",
        ]))
        #expect(gmail.sizeLimit == 35_882_577)
        #expect(gmail.supportsSize && gmail.eightBitMIME && gmail.enhancedStatusCodes && gmail.pipelining && gmail.chunking && gmail.smtpUTF8)
        #expect(gmail.authMechanisms == ["LOGIN", "PLAIN", "XOAUTH2", "PLAIN-CLIENTTOKEN", "OAUTHBEARER", "XOAUTH"])
        #expect(gmail.startTLS == false)

        let old = SMTPCapabilities(ehloReply: SMTPReply(code: 250, lines: ["old.example", "AUTH=LOGIN", "SIZE 0", "starttls"]))
        #expect(old.authMechanisms == ["LOGIN"])
        #expect(old.supportsSize && old.sizeLimit == nil)
        #expect(old.startTLS)
    }

    // MARK: Helpers

    static func endpoint(_ server: SMTPTestServer, port: Int, tls: TLSMode, trust: TLSTrust? = nil) -> MailServerEndpoint {
        MailServerEndpoint(
            host: server.host, port: port, tls: tls, trust: trust ?? .customCA(pem: server.caPEM),
            connectTimeout: .seconds(5), commandTimeout: .seconds(20))
    }

    static func scriptedEndpoint(_ server: ScriptedServer, commandTimeout: Duration = .seconds(1)) -> MailServerEndpoint {
        MailServerEndpoint(host: server.host, port: server.port, tls: .none, connectTimeout: .seconds(2), commandTimeout: commandTimeout)
    }

    static func credentials(_ server: SMTPTestServer) -> SMTPCredentials {
        SMTPCredentials(username: server.username, password: server.password)
    }

    static func message(from sender: String, to recipient: String, subject: String, body: String) -> OutgoingMessage {
        OutgoingMessage(
            from: MailAddress(name: "Отдел продаж", address: sender),
            to: [MailAddress(name: nil, address: recipient)],
            subject: subject,
            textBody: body)
    }
}

/// A permissive SMTP server for the scripted tests. `overrides` replace its replies to chosen
/// commands, by verb (`MAIL`, `RCPT`, `DATA`, `AUTH`, … and `.` for the end of the data), one
/// entry per use in order; after they run out the normal reply comes back.
struct FakeSMTPDialogue: ScriptedConversation {
    var greeting: [ScriptedAction]
    var extensions: [String]
    var overrides: [String: [[ScriptedAction]]]
    /// Hang up right after accepting this many messages.
    var hangUpAfterMessages: Int?
    private var receivingData = false
    private var messagesAccepted = 0

    init(
        greeting: [ScriptedAction] = [.line("220 fake.test ESMTP")],
        extensions: [String] = ["PIPELINING", "SIZE 1000000", "8BITMIME", "ENHANCEDSTATUSCODES"],
        overrides: [String: [[ScriptedAction]]] = [:],
        hangUpAfterMessages: Int? = nil
    ) {
        self.greeting = greeting
        self.extensions = extensions
        self.overrides = overrides
        self.hangUpAfterMessages = hangUpAfterMessages
    }

    func opening() -> [ScriptedAction] { greeting }

    mutating func respond(to line: String) -> [ScriptedAction] {
        if receivingData {
            guard line == "." else { return [] }
            receivingData = false
            if let replaced = nextOverride(for: ".") { return replaced }
            messagesAccepted += 1
            let accepted = ScriptedAction.line("250 2.0.0 OK queued as \(messagesAccepted)")
            return messagesAccepted == hangUpAfterMessages ? [accepted, .close] : [accepted]
        }
        let verb = String(line.prefix { $0 != " " && $0 != ":" }).uppercased()
        if let replaced = nextOverride(for: verb) {
            if verb == "DATA", case .some(.send(let bytes)) = replaced.first, bytes.starts(with: Array("354".utf8)) {
                receivingData = true
            }
            return replaced
        }
        switch verb {
        case "EHLO":
            let lines = ["fake.test"] + extensions
            return lines.enumerated().map { index, text in .line((index == lines.count - 1 ? "250 " : "250-") + text) }
        case "HELO": return [.line("250 fake.test")]
        case "MAIL": return [.line("250 2.1.0 Sender OK")]
        case "RCPT": return [.line("250 2.1.5 Recipient OK")]
        case "RSET", "NOOP": return [.line("250 2.0.0 OK")]
        case "AUTH": return [.line("235 2.7.0 Accepted")]
        case "DATA":
            receivingData = true
            return [.line("354 End data with <CR><LF>.<CR><LF>")]
        case "QUIT": return [.line("221 2.0.0 Bye"), .close]
        default: return [.line("502 5.5.2 Command not implemented")]
        }
    }

    private mutating func nextOverride(for verb: String) -> [ScriptedAction]? {
        guard var queue = overrides[verb], !queue.isEmpty else { return nil }
        let next = queue.removeFirst()
        overrides[verb] = queue
        return next
    }
}

extension SMTPError {
    fileprivate var transportError: MailTransportError? {
        if case .transport(let error) = self { error } else { nil }
    }
}

extension MailTransportError {
    fileprivate var isTLSFailure: Bool {
        if case .tlsFailure = self { true } else { false }
    }
}
