import AsyncHTTPClient
import CompanyData
import Domain
import Foundation
import ProviderFakes
import Testing

/// The DaData adapter against the DaData fake over loopback: lookups by INN and OGRN, name
/// search with the region filter, the free plan's nulls, and the documented errors.
@Suite struct DaDataProviderTests {
    typealias Fixtures = CompanyDataFixtures

    @Test func findsACompanyByINNWithEveryField() async throws {
        try await withFakeDaData { server in
            let before = Date()
            let record = try #require(try await Fixtures.daData(server).findByINN(Fixtures.number("7707083893")))
            #expect(record.inn == "7707083893")
            #expect(record.kpp?.value == "773601001")
            #expect(record.ogrn?.value == "1027700132195")
            #expect(record.shortName?.value == "ПАО СБЕРБАНК")
            #expect(record.fullName?.value == "ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО \"СБЕРБАНК РОССИИ\"")
            #expect(record.status?.value == .active)
            #expect(record.registrationDate?.value.iso == "1991-06-20")
            #expect(record.mainOKVED?.value == OKVEDActivity(code: "64.19", name: "Денежное посредничество прочее"))
            #expect(record.regionCode?.value == "77")
            #expect(record.address?.value == "117312, г Москва, ул Вавилова, д 19")
            #expect(record.director?.value.name == "Греф Герман Оскарович")
            #expect(record.director?.value.position == "ПРЕЗИДЕНТ, ПРЕДСЕДАТЕЛЬ ПРАВЛЕНИЯ")
            #expect(record.headcount?.value == 210_000)
            #expect(record.revenue?.value == CompanyRevenue(year: 2023, roubles: 3_900_000_000_000))
            #expect(record.phones?.value == ["+7 495 500-55-50"])
            #expect(record.emails?.value == ["sberbank@sberbank.ru"])
            #expect(record.website == nil, "DaData has no website field")
            #expect(record.kpp?.source == .daData)
            #expect(record.revenue?.source == .daData)
            let fetchedAt = try #require(record.kpp?.fetchedAt)
            #expect(fetchedAt >= before && fetchedAt <= Date())

            let sent = try #require(server.script.receivedRequests.first)
            #expect(sent.method == "POST")
            #expect(sent.path == "/suggestions/api/4_1/rs/findById/party")
            #expect(sent.header("authorization") == "Token \(Fixtures.daDataKey)")
            #expect(sent.body?["query"]?.string == "7707083893")
            #expect(sent.body?["type"]?.string == "LEGAL")
            #expect(sent.body?["branch_type"]?.string == "MAIN")
            #expect(sent.body?["count"]?.int == 1)
            #expect(!sent.rawBody.contains(Fixtures.daDataKey))
            #expect(!sent.rawQuery.contains(Fixtures.daDataKey))
        }
    }

    @Test func extraActivitiesAndTheDirectorsINNComeFromPaidFields() async throws {
        try await withFakeDaData { server in
            let record = try #require(try await Fixtures.daData(server).findByINN(Fixtures.number("7712345671")))
            #expect(record.extraOKVEDs?.value == [OKVEDActivity(code: "62.02", name: "Деятельность консультативная и работы в области компьютерных технологий")])
            #expect(record.director?.value == CompanyDirector(name: "Петрова Анна Сергеевна", position: "ГЕНЕРАЛЬНЫЙ ДИРЕКТОР", inn: "770123456703"))
            #expect(record.emails?.value == ["info@romashka-soft.ru", "sales@romashka-soft.ru"])
            #expect(record.revenue?.value == CompanyRevenue(year: 2023, roubles: 120_000_000))
        }
    }

    @Test func findsBySoleProprietorsINNAndByOGRN() async throws {
        try await withFakeDaData { server in
            let provider = Fixtures.daData(server)
            let proprietor = try #require(try await provider.findByINN(Fixtures.number("500100732259")))
            #expect(proprietor.isSoleProprietor)
            #expect(proprietor.ogrn?.value == "304500116000157")
            #expect(proprietor.director?.value == CompanyDirector(name: "Иванов Иван Иванович", position: "Индивидуальный предприниматель",
                                                                 inn: "500100732259"))
            #expect(proprietor.regionCode?.value == "50")
            #expect(server.script.receivedRequests.last?.body?["type"]?.string == "INDIVIDUAL")
            #expect(server.script.receivedRequests.last?.body?["branch_type"] == nil)

            let yandex = try await provider.findByINN(Fixtures.number("1027700229193"))
            #expect(yandex?.inn == "7736207543")
        }
    }

    @Test func theFreePlansNullsAreLeftOut() async throws {
        try await withFakeDaData(paidPlan: false) { server in
            let record = try #require(try await Fixtures.daData(server).findByINN(Fixtures.number("7712345671")))
            #expect(record.mainOKVED?.value == OKVEDActivity(code: "62.01", name: nil))
            #expect(record.extraOKVEDs == nil)
            #expect(record.revenue == nil)
            #expect(record.headcount == nil)
            #expect(record.phones == nil && record.emails == nil)
            #expect(record.director?.value.inn == nil)
            #expect(record.director?.value.name == "Петрова Анна Сергеевна")
        }
    }

    @Test func anUnknownCompanyIsNil() async throws {
        try await withFakeDaData { server in
            let recorder = MemoryCompanyDataUsageRecorder()
            let record = try await Fixtures.daData(server, recorder: recorder).findByINN(Fixtures.number("7730000013"))
            #expect(record == nil)
            let events = await recorder.events
            #expect(events.map(\.outcome) == [.notFound])
        }
    }

    @Test func searchByNameWithRegionAndActiveFilters() async throws {
        try await withFakeDaData { server in
            let provider = Fixtures.daData(server)
            let page = try await provider.search(CompanySearchQuery(name: "ромашка", regionCode: "77"))
            #expect(page.records.map(\.inn) == ["7712345671"])
            #expect(page.hasMore == false)
            let sent = try #require(server.script.receivedRequests.last)
            #expect(sent.path == "/suggestions/api/4_1/rs/suggest/party")
            #expect(sent.body?["query"]?.string == "ромашка")
            let locations: FakeJSON = [["kladr_id": "77"]]
            let statuses: FakeJSON = ["ACTIVE"]
            #expect(sent.body?["locations"] == locations)
            #expect(sent.body?["status"] == statuses)

            #expect(try await provider.search(CompanySearchQuery(name: "лютик")).records.isEmpty, "liquidated, and only active asked for")
            #expect(try await provider.search(CompanySearchQuery(name: "лютик", activeOnly: false)).records.map(\.inn) == ["7709876545"])
            #expect(try await provider.search(CompanySearchQuery(name: "василек", regionCode: "77")).records.isEmpty)
            #expect(try await provider.search(CompanySearchQuery(name: "василек", regionCode: "50")).records.map(\.inn) == ["5027123457"])
        }
    }

    @Test func laterPagesAreEmptyWithoutACall() async throws {
        try await withFakeDaData { server in
            let page = try await Fixtures.daData(server).search(CompanySearchQuery(name: "ромашка", page: 2))
            #expect(page.records.isEmpty && !page.hasMore)
            #expect(server.script.receivedRequests.isEmpty)
        }
    }

    @Test func whatDaDataCannotDoIsUnsupported() async throws {
        try await withFakeDaData { server in
            let provider = Fixtures.daData(server)
            #expect(provider.capabilities == [.findByINN, .searchByName])
            let byCode = await companyDataError { try await provider.search(CompanySearchQuery(okvedCode: "62.01")) }
            #expect(byCode == .unsupported(provider: .daData, capability: .searchByOKVED))
            let finances = await companyDataError { try await provider.finances(inn: Fixtures.number("7707083893")) }
            #expect(finances == .unsupported(provider: .daData, capability: .finances))
            #expect(server.script.receivedRequests.isEmpty)
        }
    }

    @Test func theDailyLimitEndsInAQuotaErrorWithoutTheKey() async throws {
        try await withFakeDaData(script: FakeCompanyDataScript(dailyLimit: 1)) { server in
            let recorder = MemoryCompanyDataUsageRecorder()
            let provider = Fixtures.daData(server, recorder: recorder)
            let number = try Fixtures.number("7707083893")
            #expect(try await provider.findByINN(number) != nil)
            let error = try #require(await companyDataError { try await provider.findByINN(Fixtures.number("7707083893")) })
            guard case .quotaExhausted(.daData, let message) = error else {
                Issue.record("expected quotaExhausted, got \(error)")
                return
            }
            // DaData names the token in this message; it must not survive into ours.
            #expect(message.contains("Feature 'SUGGESTIONS' disabled"))
            #expect(message.contains("[redacted]"))
            #expect(!String(describing: error).contains(Fixtures.daDataKey))
            #expect(!String(reflecting: error).contains(Fixtures.daDataKey))
            #expect(!error.isRetryable)
            let events = await recorder.events
            #expect(events.map(\.outcome) == [.ok, .quotaExhausted])
        }
    }

    @Test func aWrongOrMissingKeyIsUnauthorized() async throws {
        try await withFakeDaData { server in
            let wrongKey = "wrong-dadata-token-0000111122223333"
            let wrong = await companyDataError { try await Fixtures.daData(server, apiKey: wrongKey).findByINN(Fixtures.number("7707083893")) }
            #expect(wrong?.outcome == .unauthorized)
            #expect(!String(describing: wrong).contains(wrongKey))
            let missing = await companyDataError { try await Fixtures.daData(server, apiKey: "").findByINN(Fixtures.number("7707083893")) }
            #expect(missing?.outcome == .unauthorized)
        }
    }

    @Test func aGarbageReplyIsABadResponse() async throws {
        try await withFakeDaData { server in
            server.script.enqueue(
                .garbage(),
                .raw(status: 200, body: #"{"suggestions":"none"}"#),
                .raw(status: 200, body: #"{"suggestions":[{"value":"ООО \"НЕТ ДАННЫХ\""}]}"#),
                .raw(status: 200, body: #"{"unexpected":true}"#)
            )
            let provider = Fixtures.daData(server)
            for _ in 0..<4 {
                let error = await companyDataError { try await provider.findByINN(Fixtures.number("7707083893")) }
                #expect(error?.outcome == .badResponse, "\(String(describing: error))")
            }
        }
    }

    @Test func rateLimitsAndServerErrorsAreTransient() async throws {
        try await withFakeDaData { server in
            server.script.enqueue(.rateLimited(retryAfterSeconds: 3), .serverError, .raw(status: 413, body: #"{"family":"CLIENT_ERROR","reason":"Request Entity Too Large","message":"too long"}"#))
            let provider = Fixtures.daData(server)
            let limited = await companyDataError { try await provider.findByINN(Fixtures.number("7707083893")) }
            #expect(limited == .transient(provider: .daData, status: 429, message: "HTTP 429 Too Many Requests", retryAfter: .seconds(3)))
            #expect(limited?.isRetryable == true)
            let failed = await companyDataError { try await provider.findByINN(Fixtures.number("7707083893")) }
            #expect(failed?.isRetryable == true)
            let tooLong = await companyDataError { try await provider.findByINN(Fixtures.number("7707083893")) }
            #expect(tooLong == .badRequest(provider: .daData, status: 413, message: "too long"))
        }
    }

    @Test func noReplyWithinTheTimeoutIsUnreachable() async throws {
        try await withFakeDaData { server in
            server.script.latency = .seconds(60)
            let started = ContinuousClock.now
            let error = await companyDataError {
                try await Fixtures.daData(server, timeout: .milliseconds(300)).findByINN(Fixtures.number("7707083893"))
            }
            #expect(error?.outcome == .unreachable)
            #expect(ContinuousClock.now - started < .seconds(30), "the timeout, not the reply a minute later")
        }
    }

    @Test func everyCallIsAUsageEventWithoutTheKey() async throws {
        try await withFakeDaData { server in
            server.script.latency = .milliseconds(40)
            server.script.enqueue(.answer, .answer, .serverError)
            let recorder = MemoryCompanyDataUsageRecorder()
            let provider = Fixtures.daData(server, recorder: recorder)
            _ = try await provider.findByINN(Fixtures.number("7707083893"))
            _ = try await provider.search(CompanySearchQuery(name: "ромашка"))
            _ = await companyDataError { try await provider.findByINN(Fixtures.number("7707083893")) }
            let events = await recorder.events
            #expect(events.map(\.operation) == [.findByINN, .search, .findByINN])
            #expect(events.map(\.outcome) == [.ok, .ok, .transient])
            #expect(events.allSatisfy { $0.provider == .daData && $0.tenantID == Fixtures.tenantID && $0.latency >= .milliseconds(40) })
            #expect(!String(describing: events).contains(Fixtures.daDataKey))
        }
    }
}
