import AsyncHTTPClient
import CompanyData
import Domain
import Foundation
import ProviderFakes

/// Keys and helpers shared by the adapter tests. The keys are long enough to be redacted and
/// distinctive enough that finding one in a message means a leak.
enum CompanyDataFixtures {
    static let daDataKey = "test-dadata-token-5f2a9c81e7d34b06"
    static let checkoKey = "testCheckoKey7Hq2Lm9Xv4Pz"
    static let tenantID = "tenant-0001"

    static func daData(_ server: FakeDaDataServer, apiKey: String = daDataKey, timeout: Duration = .seconds(10),
                       recorder: (any CompanyDataUsageRecorder)? = nil) -> DaDataProvider {
        DaDataProvider(apiKey: apiKey, baseURL: server.baseURL, httpClient: .shared, timeout: timeout, usageRecorder: recorder, tenantID: tenantID)
    }

    static func checko(_ server: FakeCheckoServer, apiKey: String = checkoKey, timeout: Duration = .seconds(10),
                       recorder: (any CompanyDataUsageRecorder)? = nil) -> CheckoProvider {
        CheckoProvider(apiKey: apiKey, baseURL: server.baseURL, httpClient: .shared, timeout: timeout, usageRecorder: recorder, tenantID: tenantID)
    }

    static func number(_ text: String) throws -> RussianCompanyNumber {
        try RussianCompanyNumber(text)
    }
}

/// The `CompanyDataError` a call threw; nil when it succeeded or threw something else.
func companyDataError<Value>(_ call: () async throws -> Value) async -> CompanyDataError? {
    do {
        _ = try await call()
        return nil
    } catch let error as CompanyDataError {
        return error
    } catch {
        return nil
    }
}

func withFakeDaData(apiKey: String = CompanyDataFixtures.daDataKey, paidPlan: Bool = true,
                    script: FakeCompanyDataScript = FakeCompanyDataScript(),
                    _ body: (FakeDaDataServer) async throws -> Void) async throws {
    try await withFakeServer({ try await FakeDaDataServer.start(apiKey: apiKey, paidPlan: paidPlan, script: script) }, body)
}

func withFakeChecko(apiKey: String = CompanyDataFixtures.checkoKey, script: FakeCompanyDataScript = FakeCompanyDataScript(),
                    _ body: (FakeCheckoServer) async throws -> Void) async throws {
    try await withFakeServer({ try await FakeCheckoServer.start(apiKey: apiKey, script: script) }, body)
}

extension CompanyDataError {
    /// The audit word for this error: lets a test check the kind without the message.
    var outcome: CompanyDataCallOutcome { CompanyDataCallOutcome(error: self) }
}
