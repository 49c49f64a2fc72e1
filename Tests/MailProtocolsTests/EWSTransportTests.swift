import AsyncHTTPClient
import EWSFake
import Foundation
import Testing
@testable import MailProtocols

/// Signing in to the fake EWS server (Basic, NTLM's three messages on one connection, the
/// automatic choice), what a refused sign-in says, and every way an answer can fail to be EWS:
/// an HTML sign-in page, a redirect to one, cut-off XML, a refused connection, a timeout. Each
/// test ends with every SOAP request checked against Microsoft's schema (`withStack`).
@Suite struct EWSTransportTests {
    typealias Support = EWSTestSupport

    @Test func basicSignInGoesWithEveryRequest() async throws {
        try await FakeEWSServer.run(authMode: .basic) { server in
            server.deliver(subject: "Счёт №42")
            try await Support.withStack(server, authentication: .basic) { stack in
                let sync = try await stack.client.syncInbox(state: nil)
                #expect(sync.changes.changes.count == 1)
                let found = try await stack.client.findInboxItems()
                #expect(found.map(\.subject) == ["Счёт №42"])
            }
            let requests = server.requests
            #expect(requests.count == 2)
            #expect(requests.allSatisfy { $0.authorization?.hasPrefix("Basic ") == true })
        }
    }

    @Test func ntlmSignsInTheConnectionOnceAndKeepsIt() async throws {
        try await FakeEWSServer.run(authMode: .ntlm) { server in
            let item = server.deliver(subject: "NTLM")
            try await Support.withStack(server, authentication: .ntlm) { stack in
                _ = try await stack.client.syncInbox(state: nil)
                let messages = try await stack.client.getItems(ids: [EWSItemID(id: item.id)])
                let message = try #require(messages.first).get()
                #expect(message.subject == "NTLM")
                _ = try await stack.client.findInboxItems()
            }
            #expect(server.handshakesCompleted == 1)
            let requests = server.requests
            // NEGOTIATE with an empty body, AUTHENTICATE with the first request, then two more
            // requests on the signed-in connection without any Authorization.
            let schemes = requests.map { request in request.authorization.map { String($0.prefix(5)) } }
            #expect(schemes == ["NTLM ", "NTLM ", nil, nil])
            #expect(requests.first?.body.isEmpty == true)
            #expect(requests.map(\.operation) == [nil, "SyncFolderItems", "GetItem", "FindItem"])
            #expect(Set(requests.map(\.connection)).count == 1)
        }
    }

    @Test func ntlmSignsInAgainWhenTheServerAsks() async throws {
        try await FakeEWSServer.run(authMode: .ntlm) { server in
            try await Support.withStack(server, authentication: .ntlm) { stack in
                _ = try await stack.client.syncInbox(state: nil)
                server.forgetSignIns()
                _ = try await stack.client.findInboxItems()
            }
            #expect(server.handshakesCompleted == 2)
            // The refused request is sent again after the new handshake: a 401 was never processed.
            #expect(server.requests.map(\.operation) == [nil, "SyncFolderItems", "FindItem", nil, "FindItem"])
        }
    }

    @Test func ntlmAcceptsAUserPrincipalName() async throws {
        try await FakeEWSServer.run(authMode: .ntlm) { server in
            try await Support.withStack(server, authentication: .ntlm, username: server.account.upn) { stack in
                _ = try await stack.client.syncInbox(state: nil)
            }
            #expect(server.handshakesCompleted == 1)
        }
    }

    @Test func automaticPrefersNTLMWhenOffered() async throws {
        try await FakeEWSServer.run(authMode: .basicAndNTLM) { server in
            try await Support.withStack(server, authentication: .automatic) { stack in
                #expect(stack.transport.authenticationInUse == nil)
                _ = try await stack.client.syncInbox(state: nil)
                _ = try await stack.client.findInboxItems()
                #expect(stack.transport.authenticationInUse == .ntlm)
            }
            #expect(server.handshakesCompleted == 1)
            let schemes = server.requests.map { request in request.authorization.map { String($0.prefix(5)) } }
            // The probe without credentials, then NEGOTIATE and AUTHENTICATE, then the signed-in connection.
            #expect(schemes == [nil, "NTLM ", "NTLM ", nil])
        }
    }

    @Test func automaticFallsBackToBasic() async throws {
        try await FakeEWSServer.run(authMode: .basic) { server in
            try await Support.withStack(server, authentication: .automatic) { stack in
                _ = try await stack.client.syncInbox(state: nil)
                _ = try await stack.client.syncInbox(state: nil)
                #expect(stack.transport.authenticationInUse == .basic)
            }
            let basic = server.requests.map { request in request.authorization?.hasPrefix("Basic ") ?? false }
            #expect(basic == [false, true, true])
        }
    }

    @Test(arguments: [
        (FakeEWSServer.AuthMode.basic, EWSAuthentication.basic, ["Basic realm=\"127.0.0.1\""]),
        (FakeEWSServer.AuthMode.ntlm, EWSAuthentication.ntlm, ["NTLM"]),
        (FakeEWSServer.AuthMode.basicAndNTLM, EWSAuthentication.automatic, ["NTLM", "Basic realm=\"127.0.0.1\""]),
    ])
    func wrongPasswordIsA401NamingTheOfferedSchemes(mode: FakeEWSServer.AuthMode, authentication: EWSAuthentication, offered: [String]) async throws {
        let wrongPassword = "не-тот-пароль"
        try await FakeEWSServer.run(authMode: mode) { server in
            try await Support.withStack(server, authentication: authentication, password: wrongPassword) { stack in
                let error = await Support.error { try await stack.client.syncInbox(state: nil) }
                #expect(error as? EWSError == .authenticationFailed(offered: offered))
                #expect(!String(describing: error).contains(wrongPassword))
                #expect(!String(describing: stack.transport.endpoint).contains(wrongPassword))
            }
            #expect(server.handshakesCompleted == 0)
        }
    }

    @Test func aServerOfferingOnlyKerberosIsUnsupported() async throws {
        try await FakeEWSServer.run(authMode: .negotiateOnly) { server in
            try await Support.withStack(server, authentication: .automatic) { stack in
                let error = await Support.error { try await stack.client.syncInbox(state: nil) }
                #expect(error as? EWSError == .unsupportedAuthentication(offered: ["Negotiate"]))
            }
        }
    }

    // MARK: Answers that are not EWS

    @Test func anHTMLSignInPageIsNotSOAP() async throws {
        try await FakeEWSServer.run { server in
            server.enqueue(.htmlLoginPage)
            try await Support.withStack(server) { stack in
                let error = await Support.error { try await stack.client.syncInbox(state: nil) }
                guard case .notSOAP(let detail)? = error as? EWSError else {
                    Issue.record("expected notSOAP, got \(String(describing: error))")
                    return
                }
                #expect(detail.contains("text/html"))
            }
        }
    }

    @Test(arguments: [false, true])
    func aRedirectToTheSignInFormIsReported(clientFollowsRedirects: Bool) async throws {
        try await FakeEWSServer.run { server in
            server.enqueue(.redirectToLogin)
            try await Support.withStack(server, followRedirects: clientFollowsRedirects) { stack in
                let error = await Support.error { try await stack.client.findInboxItems() }
                guard case .redirected(let location)? = error as? EWSError else {
                    Issue.record("expected redirected, got \(String(describing: error))")
                    return
                }
                #expect(location.contains("/owa/auth/logon.aspx"))
            }
        }
    }

    @Test func truncatedXMLIsMalformed() async throws {
        try await FakeEWSServer.run { server in
            server.enqueue(.truncatedXML)
            try await Support.withStack(server) { stack in
                let error = await Support.error { try await stack.client.findInboxItems() }
                guard case .malformedResponse? = error as? EWSError else {
                    Issue.record("expected malformedResponse, got \(String(describing: error))")
                    return
                }
            }
        }
    }

    @Test func aSlowServerTimesOut() async throws {
        try await FakeEWSServer.run { server in
            server.setResponseDelay(.seconds(60))
            try await Support.withStack(server, requestTimeout: .milliseconds(400)) { stack in
                let started = ContinuousClock.now
                let error = await Support.error { try await stack.client.syncInbox(state: nil) }
                #expect(error as? EWSError == .timedOut)
                #expect(ContinuousClock.now - started < .seconds(30), "the timeout, not the reply a minute later")
            }
        }
    }

    @Test func aRefusedConnectionIsUnreachable() async throws {
        let endpoint = try EWSEndpoint(
            url: URL(string: "http://127.0.0.1:1/EWS/Exchange.asmx")!, credentials: EWSCredentials(username: "CORP\\anna", password: "x"),
            authentication: .basic, connectTimeout: .seconds(2), requestTimeout: .seconds(10), allowInsecureHTTP: true)
        let error = try await Support.withHTTPClient { httpClient in
            let transport = try EWSHTTPTransport(endpoint: endpoint, httpClient: httpClient)
            let failure = await Support.error { try await EWSClient(transport: transport).syncInbox(state: nil) }
            await transport.shutdown()
            return failure
        }
        guard case .unreachable? = error as? EWSError else {
            Issue.record("expected unreachable, got \(String(describing: error))")
            return
        }
    }

    /// Against the test run's Dovecot, whose certificate a throwaway CA signed (TLS from the
    /// first byte on its IMAPS port): the system roots refuse it, the CA given as the endpoint's
    /// trust accepts it (and then nothing answers in HTTP, which is another error).
    @Test func certificatesAreVerifiedAndACustomCAIsTrusted() async throws {
        let imap = try TestServers.imap()
        let url = try #require(URL(string: "https://\(imap.host):\(imap.implicitTLSPort)/EWS/Exchange.asmx"))
        let untrustedEndpoint = try EWSEndpoint(
            url: url, credentials: EWSCredentials(username: "u", password: "p"), authentication: .basic,
            connectTimeout: .seconds(5), requestTimeout: .seconds(5))
        let trustedEndpoint = try EWSEndpoint(
            url: url, credentials: EWSCredentials(username: "u", password: "p"), authentication: .basic,
            trust: .customCAFile(path: imap.caFile), connectTimeout: .seconds(5), requestTimeout: .seconds(5))
        let (untrusted, trusted) = try await Support.withHTTPClient { httpClient in
            let first = try EWSHTTPTransport(endpoint: untrustedEndpoint, httpClient: httpClient)
            let second = try EWSHTTPTransport(endpoint: trustedEndpoint, httpClient: httpClient)
            let withSystemRoots = await Support.error { try await EWSClient(transport: first).syncInbox(state: nil) }
            let withCustomCA = await Support.error { try await EWSClient(transport: second).syncInbox(state: nil) }
            await first.shutdown()
            await second.shutdown()
            return (withSystemRoots, withCustomCA)
        }
        guard case .tlsFailure? = untrusted as? EWSError else {
            Issue.record("expected a TLS failure with the system roots, got \(String(describing: untrusted))")
            return
        }
        #expect(trusted != nil, "an IMAP server cannot answer EWS")
        if case .tlsFailure? = trusted as? EWSError {
            Issue.record("the custom CA was not trusted: \(String(describing: trusted))")
        }
    }

    @Test func requestsInFlightStayWithinTheLimit() async throws {
        try await FakeEWSServer.run { server in
            let item = server.deliver(subject: "Параллельно")
            // The first requests wait for a second one to join them, so the limit is reached
            // however slowly the tasks start; the delay after that gives a client that ignored
            // the limit time to be caught with a third request in flight.
            server.answerOnce(inFlight: 2)
            server.setResponseDelay(.milliseconds(150))
            try await Support.withStack(server, maxConcurrentRequests: 2) { stack in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<6 {
                        group.addTask {
                            _ = try await stack.client.getItems(ids: [EWSItemID(id: item.id)])
                        }
                    }
                    try await group.waitForAll()
                }
            }
            #expect(server.requests(for: "GetItem").count == 6)
            #expect(server.mostConcurrentRequests == 2)
        }
    }

    // MARK: Configuration

    @Test func endpointsRefusePlainHTTPAndTooManyConcurrentRequests() throws {
        let credentials = EWSCredentials(username: "CORP\\anna", password: "s3cret-Pa55")
        let https = try #require(URL(string: "https://mail.romashka.ru/EWS/Exchange.asmx"))
        #expect(throws: EWSError.self) {
            try EWSEndpoint(url: URL(string: "http://mail.romashka.ru/EWS/Exchange.asmx")!, credentials: credentials)
        }
        #expect(throws: EWSError.self) { try EWSEndpoint(url: https, credentials: credentials, maxConcurrentRequests: 28) }
        #expect(throws: EWSError.self) { try EWSEndpoint(url: https, credentials: credentials, maxConcurrentRequests: 0) }
        let endpoint = try EWSEndpoint(url: https, credentials: credentials, maxConcurrentRequests: EWSEndpoint.maximumConcurrentRequests)
        #expect(endpoint.maxConcurrentRequests == 27)
        #expect(!"\(endpoint)".contains("s3cret"))
        #expect(!String(reflecting: credentials).contains("s3cret"))
        #expect(!"\(credentials)".contains("s3cret"))
    }

    @Test func anUnreadableCustomCAIsAConfigurationError() async throws {
        let endpoint = try EWSEndpoint(
            url: URL(string: "https://mail.romashka.ru/EWS/Exchange.asmx")!, credentials: EWSCredentials(username: "u", password: "p"),
            trust: .customCA(pem: Array("not a certificate".utf8)))
        let error = try await Support.withHTTPClient { httpClient in
            await Support.error { try EWSHTTPTransport(endpoint: endpoint, httpClient: httpClient) }
        }
        guard case .invalidConfiguration? = error as? EWSError else {
            Issue.record("expected invalidConfiguration, got \(String(describing: error))")
            return
        }
    }

    @Test func challengesAreReadFromOneOrManyHeaderLines() {
        let challenges = EWSAuthChallenge.parse(["Negotiate, NTLM", "Basic realm=\"a, b\"", "NTLM TlRMTVNTUAACAAAA=="])
        #expect(challenges.map(\.scheme) == ["Negotiate", "NTLM", "Basic", "NTLM"])
        #expect(challenges[2].parameters == "realm=\"a, b\"")
        #expect(challenges[3].parameters == "TlRMTVNTUAACAAAA==")
        #expect(challenges.map(\.shown) == ["Negotiate", "NTLM", "Basic realm=\"a, b\"", "NTLM"])
    }
}
