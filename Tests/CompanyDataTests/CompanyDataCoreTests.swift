import AsyncHTTPClient
import CompanyData
import Domain
import Foundation
import ProviderFakes
import Testing

/// The pieces around the adapters: configuration (and its secrecy), the provider choice,
/// Rusprofile's honest refusal, dates, statuses and merging records from several sources.
@Suite struct CompanyDataCoreTests {
    typealias Fixtures = CompanyDataFixtures

    @Test func aConfigurationNeverShowsItsKey() {
        let configuration = CompanyDataProviderConfiguration(kind: .checko, apiKey: Fixtures.checkoKey)
        #expect(configuration.baseURL == "https://api.checko.ru/v2")
        #expect(CompanyDataProviderConfiguration(kind: .daData, apiKey: "k").baseURL == "https://suggestions.dadata.ru/suggestions/api/4_1/rs")
        #expect(CompanyDataProviderConfiguration(kind: .apiFNS, apiKey: "k").baseURL == "https://api-fns.ru/api")
        #expect(!String(describing: configuration).contains(Fixtures.checkoKey))
        #expect(!String(reflecting: configuration).contains(Fixtures.checkoKey))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains(Fixtures.checkoKey))
        #expect(dumped.contains("[redacted]"))
    }

    @Test func theConfigurationPicksTheAdapter() async throws {
        try await withFakeChecko { server in
            let configuration = CompanyDataProviderConfiguration(kind: .checko, apiKey: Fixtures.checkoKey, baseURL: server.baseURL + "/")
            let provider = configuration.makeProvider(httpClient: .shared)
            #expect(provider.kind == .checko)
            #expect(provider.capabilities.contains(.searchByOKVED))
            let number = try Fixtures.number("7736207543")
            #expect(try await provider.findByINN(number)?.shortName?.value == "ООО \"ЯНДЕКС\"")
            #expect(server.script.receivedRequests.last?.path == "/v2/company", "a trailing slash on the base URL is harmless")
        }
    }

    @Test func rusprofileRefusesWithoutTouchingTheNetwork() async throws {
        let recorder = MemoryCompanyDataUsageRecorder()
        let provider = CompanyDataProviderConfiguration(kind: .rusprofile, apiKey: "contract-key-000000")
            .makeProvider(httpClient: .shared, usageRecorder: recorder)
        #expect(provider.kind == .rusprofile)
        #expect(provider.capabilities.isEmpty)
        let lookup = await companyDataError { try await provider.findByINN(Fixtures.number("7707083893")) }
        #expect(lookup?.outcome == .notConfigured)
        let search = await companyDataError { try await provider.search(CompanySearchQuery(okvedCode: "62.01")) }
        #expect(search?.outcome == .notConfigured)
        #expect(await recorder.events.isEmpty)
    }

    @Test func calendarDays() throws {
        #expect(CalendarDay("2002-07-18")?.iso == "2002-07-18")
        #expect(CalendarDay("2002-07-18T00:00:00+03:00")?.iso == "2002-07-18")
        #expect(CalendarDay("18.07.2002")?.iso == "2002-07-18")
        #expect(CalendarDay("2023-02-29") == nil)
        #expect(CalendarDay("2024-02-29")?.day == 29)
        #expect(CalendarDay("вчера") == nil)
        // DaData's midnights, whether UTC or Moscow, are the same day.
        #expect(CalendarDay(epochMilliseconds: 677_376_000_000).iso == "1991-06-20")
        #expect(CalendarDay(epochMilliseconds: 677_365_200_000).iso == "1991-06-20")
        let newYearsEve = try #require(CalendarDay("1999-12-31"))
        let newYear = try #require(CalendarDay("2000-01-01"))
        #expect(newYearsEve < newYear)
        let encoded = try JSONEncoder().encode([CalendarDay("1991-06-20")])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["1991-06-20"]"#)
    }

    @Test(arguments: [
        ("Действует", CompanyStatus.active),
        ("Ликвидировано", .liquidated),
        ("Находится в стадии ликвидации", .liquidating),
        ("Прекратило деятельность при присоединении", .liquidated),
        ("В процессе реорганизации в форме присоединения", .reorganizing),
        ("Признано несостоятельным (банкротом), конкурсное производство", .bankrupt),
        ("Недействующее юридическое лицо", .liquidated),
    ])
    func russianStatusNames(_ name: String, _ status: CompanyStatus) {
        #expect(CompanyStatus(russianName: name) == status)
    }

    @Test func daDataStatusWords() {
        #expect(CompanyStatus.allCases.compactMap { CompanyStatus(daData: $0.rawValue.uppercased()) } == CompanyStatus.allCases)
        #expect(CompanyStatus(daData: "UNKNOWN") == nil)
    }

    @Test func mergingKeepsEachValuesSource() {
        let earlier = Date(timeIntervalSince1970: 1_700_000_000)
        let later = Date(timeIntervalSince1970: 1_700_100_000)
        var daData = CompanyRecord(inn: "7712345671")
        daData.shortName = Sourced("ООО \"РОМАШКА СОФТ\"", source: .daData, fetchedAt: earlier)
        var web = CompanyRecord(inn: "7712345671")
        web.shortName = Sourced("Ромашка", source: .webSearch, fetchedAt: later, url: "https://romashka-soft.ru")
        web.website = Sourced("https://romashka-soft.ru", source: .webSearch, fetchedAt: later, url: "https://romashka-soft.ru/contacts")
        let merged = daData.filling(from: web)
        #expect(merged.shortName?.source == .daData)
        #expect(merged.website?.source == .webSearch)
        #expect(merged.website?.url == "https://romashka-soft.ru/contacts")
        #expect(merged.displayName == "ООО \"РОМАШКА СОФТ\"")
        #expect(CompanyRecord(inn: "500100732259").isSoleProprietor)
    }

    @Test func financesPickTheLatestRevenue() {
        let finances = CompanyFinances(inn: "7712345671", years: [
            .init(year: 2023, lines: ["2400": 5]),
            .init(year: 2021, lines: ["2110": 100]),
            .init(year: 2022, lines: ["2110": 200]),
        ], source: .checko, fetchedAt: Date())
        #expect(finances.years.map(\.year) == [2021, 2022, 2023])
        #expect(finances.latestRevenue == CompanyRevenue(year: 2022, roubles: 200))
    }
}
