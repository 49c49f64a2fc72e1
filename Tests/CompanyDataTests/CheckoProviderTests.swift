import AsyncHTTPClient
import CompanyData
import Domain
import Foundation
import ProviderFakes
import Testing

/// The Checko adapter against the Checko fake over loopback: company cards, sole proprietors,
/// finances, OKVED and name search with paging, and errors both as HTTP statuses and inside
/// HTTP 200 (`meta.status: "error"`).
@Suite struct CheckoProviderTests {
    typealias Fixtures = CompanyDataFixtures

    @Test func findsACompanyCardByINN() async throws {
        try await withFakeChecko { server in
            let record = try #require(try await Fixtures.checko(server).findByINN(Fixtures.number("7707083893")))
            #expect(record.inn == "7707083893")
            #expect(record.kpp?.value == "773601001")
            #expect(record.ogrn?.value == "1027700132195")
            #expect(record.shortName?.value == "ПАО СБЕРБАНК")
            #expect(record.status?.value == .active)
            #expect(record.registrationDate?.value.iso == "1991-06-20")
            #expect(record.mainOKVED?.value == OKVEDActivity(code: "64.19", name: "Денежное посредничество прочее"))
            #expect(record.extraOKVEDs == nil)
            #expect(record.regionCode?.value == "77")
            #expect(record.address?.value == "117312, г Москва, ул Вавилова, д 19")
            #expect(record.director?.value == CompanyDirector(name: "Греф Герман Оскарович", position: "ПРЕЗИДЕНТ, ПРЕДСЕДАТЕЛЬ ПРАВЛЕНИЯ"))
            #expect(record.headcount?.value == 210_000)
            #expect(record.phones?.value == ["+7 495 500-55-50"])
            #expect(record.emails?.value == ["sberbank@sberbank.ru"])
            #expect(record.website?.value == "https://www.sberbank.ru")
            #expect(record.website?.source == .checko)

            let sent = try #require(server.script.receivedRequests.first)
            #expect(sent.method == "GET")
            #expect(sent.path == "/v2/company")
            #expect(sent.query["inn"] == "7707083893")
            #expect(sent.query["key"] == Fixtures.checkoKey, "Checko takes the key in the query")
            #expect(sent.header("authorization") == nil)
        }
    }

    @Test func statusesAndOtherActivitiesAreRead() async throws {
        try await withFakeChecko { server in
            let provider = Fixtures.checko(server)
            let liquidated = try #require(try await provider.findByINN(Fixtures.number("7709876545")))
            #expect(liquidated.status?.value == .liquidated)
            let romashka = try #require(try await provider.findByINN(Fixtures.number("7712345671")))
            #expect(romashka.extraOKVEDs?.value.map(\.code) == ["62.02"])
            #expect(romashka.director?.value.inn == "770123456703")
            let byOGRN = try await provider.findByINN(Fixtures.number("1177746123455"))
            #expect(byOGRN?.inn == "7712345671")
            #expect(server.script.receivedRequests.last?.query["ogrn"] == "1177746123455")
        }
    }

    @Test func soleProprietorsComeFromTheEntrepreneurEndpoint() async throws {
        try await withFakeChecko { server in
            let record = try #require(try await Fixtures.checko(server).findByINN(Fixtures.number("500100732259")))
            #expect(server.script.receivedRequests.last?.path == "/v2/entrepreneur")
            #expect(record.fullName?.value == "Индивидуальный предприниматель Иванов Иван Иванович")
            #expect(record.shortName?.value == "ИП Иванов Иван Иванович")
            #expect(record.ogrn?.value == "304500116000157")
            #expect(record.director?.value.inn == "500100732259")
            #expect(record.regionCode?.value == "50")
        }
    }

    @Test func anUnknownINNInsideHTTP200IsNil() async throws {
        try await withFakeChecko { server in
            let recorder = MemoryCompanyDataUsageRecorder()
            let number = try Fixtures.number("7730000013")
            #expect(try await Fixtures.checko(server, recorder: recorder).findByINN(number) == nil)
            #expect(await recorder.events.map(\.outcome) == [.notFound])
        }
    }

    @Test func financesByYearAndLine() async throws {
        try await withFakeChecko { server in
            let provider = Fixtures.checko(server)
            let finances = try await provider.finances(inn: Fixtures.number("7712345671"))
            #expect(finances.inn == "7712345671")
            #expect(finances.years.map(\.year) == [2022, 2023])
            #expect(finances.years.first?.revenue == 98_500_000)
            #expect(finances.years.last?.netProfit == 9_800_000)
            #expect(finances.latestRevenue == CompanyRevenue(year: 2023, roubles: 120_000_000))
            #expect(finances.source == .checko)
            #expect(server.script.receivedRequests.last?.path == "/v2/finances")

            let number = try Fixtures.number("7709876545")
            #expect(try await provider.finances(inn: number).years.isEmpty)
            let unknown = await companyDataError { try await provider.finances(inn: Fixtures.number("7730000013")) }
            #expect(unknown?.outcome == .notFound)
        }
    }

    @Test func searchByOKVEDRegionAndActivity() async throws {
        try await withFakeChecko { server in
            let provider = Fixtures.checko(server)
            let page = try await provider.search(CompanySearchQuery(okvedCode: "62.01", regionCode: "77"))
            #expect(page.records.map(\.inn) == ["7736207543", "7712345671"])
            #expect(page.totalCount == 2)
            #expect(!page.hasMore)
            #expect(page.records.allSatisfy { $0.status?.value == .active && $0.regionCode?.value == "77" })
            #expect(page.records.last?.shortName?.value == "ООО \"РОМАШКА СОФТ\"")
            #expect(page.records.last?.director?.value.name == "Петрова Анна Сергеевна")
            let sent = try #require(server.script.receivedRequests.last)
            #expect(sent.path == "/v2/search")
            #expect(sent.query["by"] == "okved" && sent.query["obj"] == "org" && sent.query["query"] == "62.01")
            #expect(sent.query["region"] == "77" && sent.query["active"] == "true" && sent.query["page"] == "1")

            let all = try await provider.search(CompanySearchQuery(okvedCode: "62.01", regionCode: "77", activeOnly: false))
            #expect(all.records.map(\.inn) == ["7736207543", "7712345671", "7709876545"])
            #expect(all.records.last?.status?.value == .liquidated)
            let oblast = try await provider.search(CompanySearchQuery(okvedCode: "62.01", regionCode: "50"))
            #expect(oblast.records.map(\.inn) == ["5027123457"])
        }
    }

    @Test func searchPagesThrough() async throws {
        try await withFakeChecko { server in
            let provider = Fixtures.checko(server)
            let first = try await provider.search(CompanySearchQuery(okvedCode: "62.01", regionCode: "77", page: 1, pageSize: 1))
            #expect(first.records.map(\.inn) == ["7736207543"])
            #expect(first.totalCount == 2 && first.hasMore)
            let second = try await provider.search(CompanySearchQuery(okvedCode: "62.01", regionCode: "77", page: 2, pageSize: 1))
            #expect(second.records.map(\.inn) == ["7712345671"])
            #expect(!second.hasMore)
            #expect(server.script.receivedRequests.last?.query["limit"] == "1")
        }
    }

    @Test func searchByNameSendsCyrillicPercentEncoded() async throws {
        try await withFakeChecko { server in
            let page = try await Fixtures.checko(server).search(CompanySearchQuery(name: "василёк тех"))
            #expect(page.records.map(\.inn) == ["5027123457"])
            let sent = try #require(server.script.receivedRequests.last)
            #expect(sent.query["by"] == "name")
            #expect(sent.query["query"] == "василёк тех")
            #expect(sent.rawQuery.contains("%D0%B2") && sent.rawQuery.contains("%20"))
        }
    }

    @Test func aSearchNeedsEitherACodeOrAName() async throws {
        try await withFakeChecko { server in
            let provider = Fixtures.checko(server)
            let both = await companyDataError { try await provider.search(CompanySearchQuery(name: "ромашка", okvedCode: "62.01")) }
            #expect(both?.outcome == .badRequest)
            let neither = await companyDataError { try await provider.search(CompanySearchQuery()) }
            #expect(neither?.outcome == .badRequest)
            #expect(server.script.receivedRequests.isEmpty)
        }
    }

    @Test func theQuotaIsRecognisedAsHTTP403AndInsideHTTP200() async throws {
        try await withFakeChecko(script: FakeCompanyDataScript(dailyLimit: 1)) { server in
            let provider = Fixtures.checko(server)
            let number = try Fixtures.number("7707083893")
            #expect(try await provider.findByINN(number) != nil)
            let exhausted = await companyDataError { try await provider.findByINN(Fixtures.number("7707083893")) }
            #expect(exhausted == .quotaExhausted(provider: .checko, message: "Превышен дневной лимит запросов"))
            #expect(server.script.callsToday == 1)

            server.script.remainingCalls = nil
            server.script.enqueue(.inBandQuotaExhausted)
            let inBand = await companyDataError { try await provider.search(CompanySearchQuery(okvedCode: "62.01")) }
            #expect(inBand == .quotaExhausted(provider: .checko, message: "Превышен дневной лимит запросов"))
            #expect(inBand?.isRetryable == false)
        }
    }

    @Test func keysEchoedInMessagesAreRedacted() async throws {
        try await withFakeChecko { server in
            let key = Fixtures.checkoKey
            server.script.enqueue(
                .raw(status: 200, body: #"{"data":{},"meta":{"status":"error","message":"Лимит запросов для ключа \#(key) исчерпан"}}"#),
                .raw(status: 200, body: #"{"data":{},"meta":{"status":"error","message":"Неверный ключ API: \#(key)"}}"#),
                .raw(status: 502, body: "<html>proxy error for /v2/company?key=\(key)</html>")
            )
            let provider = Fixtures.checko(server)
            var outcomes: [CompanyDataCallOutcome?] = []
            for _ in 0..<3 {
                let error = await companyDataError { try await provider.findByINN(Fixtures.number("7707083893")) }
                outcomes.append(error?.outcome)
                #expect(error != nil)
                #expect(!String(describing: error).contains(key))
                #expect(!String(reflecting: error).contains(key))
            }
            #expect(outcomes == [.quotaExhausted, .unauthorized, .transient])
        }
    }

    @Test func aWrongKeyIsUnauthorized() async throws {
        try await withFakeChecko { server in
            let wrongKey = "wrongCheckoKey0000111122"
            let error = await companyDataError { try await Fixtures.checko(server, apiKey: wrongKey).findByINN(Fixtures.number("7707083893")) }
            #expect(error == .unauthorized(provider: .checko, message: "Неверный ключ API"))
        }
    }

    @Test func aGarbageReplyIsABadResponse() async throws {
        try await withFakeChecko { server in
            server.script.enqueue(
                .garbage(),
                .raw(status: 200, body: "[1, 2, 3]"),
                .raw(status: 200, body: #"{"data":{"НаимСокр":"ООО \"БЕЗ ИНН\""},"meta":{"status":"ok"}}"#),
                .raw(status: 200, body: #"{"data":"oops","meta":{"status":"ok"}}"#)
            )
            let provider = Fixtures.checko(server)
            for _ in 0..<3 {
                let error = await companyDataError { try await provider.findByINN(Fixtures.number("7707083893")) }
                #expect(error?.outcome == .badResponse, "\(String(describing: error))")
            }
            let search = await companyDataError { try await provider.search(CompanySearchQuery(okvedCode: "62.01")) }
            #expect(search?.outcome == .badResponse)
        }
    }

    @Test func rateLimitsAndServerErrorsAreTransient() async throws {
        try await withFakeChecko { server in
            server.script.enqueue(.rateLimited(retryAfterSeconds: 2), .serverError)
            let provider = Fixtures.checko(server)
            let limited = await companyDataError { try await provider.findByINN(Fixtures.number("7707083893")) }
            #expect(limited == .transient(provider: .checko, status: 429, message: "Слишком много запросов", retryAfter: .seconds(2)))
            let failed = await companyDataError { try await provider.findByINN(Fixtures.number("7707083893")) }
            #expect(failed?.outcome == .transient)
            #expect(failed?.isRetryable == true)
        }
    }

    @Test func everyCallIsAUsageEventWithoutTheKey() async throws {
        try await withFakeChecko { server in
            let recorder = MemoryCompanyDataUsageRecorder()
            let provider = Fixtures.checko(server, recorder: recorder)
            _ = try await provider.findByINN(Fixtures.number("7707083893"))
            _ = try await provider.search(CompanySearchQuery(okvedCode: "62.01"))
            _ = try await provider.finances(inn: Fixtures.number("7712345671"))
            _ = try await provider.findByINN(Fixtures.number("7730000013"))
            let events = await recorder.events
            #expect(events.map(\.operation) == [.findByINN, .search, .finances, .findByINN])
            #expect(events.map(\.outcome) == [.ok, .ok, .ok, .notFound])
            #expect(events.allSatisfy { $0.provider == .checko && $0.tenantID == Fixtures.tenantID })
            #expect(!String(describing: events).contains(Fixtures.checkoKey))
        }
    }
}
