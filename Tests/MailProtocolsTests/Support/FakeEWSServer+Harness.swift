import AsyncHTTPClient
import EWSFake
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import MailProtocols

/// The waits the EWS client asked for, recorded instead of slept, so back-off tests take no time.
final class RecordedSleeps: Sendable {
    private let durations = Mutex<[Duration]>([])

    var all: [Duration] { durations.withLock { $0 } }

    func sleep(_ duration: Duration) async throws {
        durations.withLock { $0.append(duration) }
    }
}

/// The client side against one fake server: an HTTPClient of the test's own, the transport, the
/// client and the connector on top.
struct EWSTestStack: Sendable {
    let server: FakeEWSServer
    let httpClient: HTTPClient
    let transport: EWSHTTPTransport
    let client: EWSClient
    let connector: EWSMailboxConnector
    let sleeps: RecordedSleeps
}

enum EWSTestSupport {
    /// Redirects are not followed unless asked (then the transport must notice from the history);
    /// a refused connection fails at once instead of being retried until the connect timeout.
    static func makeHTTPClient(followRedirects: Bool = false) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = followRedirects ? .follow(max: 3, allowCycles: false) : .disallow
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(20))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }

    /// A client of `makeHTTPClient()` for `body`, shut down afterwards whatever happens
    /// (AsyncHTTPClient traps in debug builds when a client is released running).
    static func withHTTPClient<T>(followRedirects: Bool = false, _ body: (HTTPClient) async throws -> T) async throws -> T {
        let client = makeHTTPClient(followRedirects: followRedirects)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(client))
        } catch {
            result = .failure(error)
        }
        try await client.shutdown()
        return try result.get()
    }

    /// Builds the client side against `server` over plain HTTP on loopback, runs `body`, shuts
    /// the connections down, and then checks every SOAP request the server received against
    /// Microsoft's schema.
    static func withStack<T>(
        _ server: FakeEWSServer,
        authentication: EWSAuthentication = .basic,
        username: String? = nil,
        password: String? = nil,
        maxConcurrentRequests: Int = 8,
        requestTimeout: Duration = .seconds(20),
        followRedirects: Bool = false,
        serverBusyRetries: Int = 2,
        longestServerBusyWait: Duration = .seconds(60),
        importWindowDays: Int = 14,
        changesPerBatch: Int = 100,
        _ body: (EWSTestStack) async throws -> T
    ) async throws -> T {
        let httpClient = makeHTTPClient(followRedirects: followRedirects)
        let sleeps = RecordedSleeps()
        var result: Result<T, any Error>
        do {
            let endpoint = try EWSEndpoint(
                url: server.ewsURL,
                credentials: EWSCredentials(username: username ?? server.account.login, password: password ?? server.account.password),
                authentication: authentication, connectTimeout: .seconds(2), requestTimeout: requestTimeout,
                maxConcurrentRequests: maxConcurrentRequests, allowInsecureHTTP: true)
            let transport = try EWSHTTPTransport(endpoint: endpoint, httpClient: httpClient)
            let client = EWSClient(
                transport: transport, serverBusyRetries: serverBusyRetries, longestServerBusyWait: longestServerBusyWait,
                sleep: { try await sleeps.sleep($0) })
            let connector = EWSMailboxConnector(client: client, importWindowDays: importWindowDays, changesPerBatch: changesPerBatch)
            let stack = EWSTestStack(server: server, httpClient: httpClient, transport: transport, client: client, connector: connector, sleeps: sleeps)
            do {
                result = .success(try await body(stack))
            } catch {
                result = .failure(error)
            }
            await transport.shutdown()
        } catch {
            result = .failure(error)
        }
        try await httpClient.shutdown()
        try await expectSchemaValid(server)
        return try result.get()
    }

    /// Every SOAP request `server` received, validated against Microsoft's schema.
    static func expectSchemaValid(_ server: FakeEWSServer, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let problems = try await EWSSchemaBatch.shared.problems(in: server.soapRequestBodies)
        #expect(problems.isEmpty, "requests that break Microsoft's schema:\n\(problems.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    /// The error `body` throws, or nil when it returns.
    static func error<T>(of body: () async throws -> T) async -> (any Error)? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error
        }
    }
}
