import AsyncHTTPClient
import EWSFake
import Foundation
import Testing
@testable import MailProtocols

/// The HTTP side of Autodiscover against the fake server: candidates tried in order, each
/// failure kept with its candidate, the EWS URL from the first that answers.
@Suite struct EWSAutodiscoveryTests {
    typealias Support = EWSTestSupport

    @Test func candidatesAreTriedInOrderAndFailuresCollected() async throws {
        try await FakeEWSServer.run(authMode: .basic) { server in
            let refused = EWSAutodiscover.Candidate(url: URL(string: "http://127.0.0.1:1/autodiscover/autodiscover.xml")!, method: .post)
            let fake = EWSAutodiscover.Candidate(url: server.autodiscoverURL, method: .post)
            let credentials = EWSCredentials(username: server.account.upn, password: server.account.password)
            let (found, failure) = try await Support.withHTTPClient { httpClient in
                let discovery = EWSAutodiscovery(
                    httpClient: httpClient, credentials: credentials, authentication: .basic, trust: .system, timeout: .seconds(5),
                    allowsInsecureHTTP: true, logger: nil)
                let url = try await discovery.ewsURL(for: server.account.upn, candidates: [refused, fake])
                let notFound = await Support.error { try await discovery.ewsURL(for: "nobody@romashka.ru", candidates: [refused, fake]) }
                return (url, notFound)
            }

            #expect(found == URL(string: FakeEWSServer.discoveredEWSURL))
            let attempts = try #require((failure as? EWSAutodiscoveryFailure)?.attempts, "got \(String(describing: failure))")
            #expect(attempts.map(\.url) == [refused.url, fake.url])
            guard case .unreachable? = attempts.first?.error else {
                Issue.record("expected the refused candidate to be unreachable, got \(String(describing: attempts.first?.error))")
                return
            }
            #expect(attempts.last?.error == .itemError(code: "500", message: "The email address can't be found."))
            #expect(!String(describing: failure).contains(server.account.password))
        }
    }

    @Test func anAddressWithoutAUsableDomainHasNoCandidates() async throws {
        let failure = try await Support.withHTTPClient { httpClient in
            let discovery = EWSAutodiscovery(httpClient: httpClient, credentials: EWSCredentials(username: "anna", password: "x"))
            return await Support.error { try await discovery.ewsURL(for: "anna@localhost") }
        }
        #expect((failure as? EWSAutodiscoveryFailure)?.attempts == [])
    }
}
