import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import TestSupport
@testable import Web

/// The real application (router, middleware, controllers, templates) on a fresh database.
/// BCrypt runs at cost 4 here: the production floor of 12 would make each sign-in a quarter
/// second; ``SecurityDefaultsTests`` checks that the shipped default is 12.
struct TestApp: Sendable {
    let persistence: Persistence
    let services: WebServices
    /// Every registered route, read from the router itself.
    let routes: [RouteInfo]

    static let keyring = try! MasterKeyring(current: MasterKey(id: "k1", bytes: Array(repeating: 0x42, count: 32)))

    /// `connectionTester` answers the mailbox forms' "test connection" (default: ``FakeConnectionTester``,
    /// which succeeds; pass `MailProtocolsConnectionTester` to reach real servers).
    static func run<T: Sendable>(configure: (inout AppConfiguration) -> Void = { _ in }, connectionTester: any MailboxConnectionTesting = FakeConnectionTester(),
                                 _ body: @Sendable (TestApp, any TestClientProtocol) async throws -> T) async throws -> T {
        try await TestDatabase.with { persistence in
            var configuration = AppConfiguration()
            configuration.bcryptCost = 4
            configure(&configuration)
            let services = try await WebAssembly.services(configuration: configuration, persistence: persistence, keyring: keyring,
                                                          connectionTester: connectionTester)
            let router = WebAssembly.router(services: services, configuration: configuration)
            let routes = router.routes.map { RouteInfo(method: $0.method, path: $0.path.description) }
            let testApp = TestApp(persistence: persistence, services: services, routes: routes)
            let app = Application(router: router)
            return try await app.test(.router) { client in
                try await body(testApp, client)
            }
        }
    }
}

struct RouteInfo: Sendable, CustomStringConvertible {
    let method: HTTPRequest.Method
    let path: String
    var description: String { "\(method) \(path)" }
}
