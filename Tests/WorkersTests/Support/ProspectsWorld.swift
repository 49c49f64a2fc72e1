import CompanyData
import Domain
import Foundation
import LLM
import Logging
import ProviderFakes
import Storage
import TestSupport
import Testing
@testable import Workers

/// The fake DaData, Checko and OpenAI servers on loopback, started together and stopped
/// together whatever the test does.
struct ProspectFakes {
    let daData: FakeDaDataServer
    let checko: FakeCheckoServer
    let openAI: FakeOpenAIServer

    /// `answer` is the web search's JSON when no outcome is queued on `openAI.script`, and
    /// `citing` the pages it cites (enrichment keeps only values on cited sites).
    static func with<T>(
        companies: [FakeCompany] = ProspectsWorld.companies, answer: @escaping FakeAnswerFunction = FakeScript.minimalAnswer,
        citing: [FakeSearchResult] = ProspectFakes.romashkaPages,
        _ body: (ProspectFakes) async throws -> T
    ) async throws -> T {
        let daData = try await FakeDaDataServer.start(script: FakeCompanyDataScript(companies: companies))
        let checko: FakeCheckoServer
        let openAI: FakeOpenAIServer
        do {
            checko = try await FakeCheckoServer.start(script: FakeCompanyDataScript(companies: companies))
        } catch {
            await daData.stop()
            throw error
        }
        do {
            openAI = try await FakeOpenAIServer.start(script: FakeScript(answer: answer))
        } catch {
            await daData.stop()
            await checko.stop()
            throw error
        }
        openAI.script.citing = citing
        let fakes = ProspectFakes(daData: daData, checko: checko, openAI: openAI)
        do {
            let result = try await body(fakes)
            await fakes.stop()
            return result
        } catch {
            await fakes.stop()
            throw error
        }
    }

    /// Romashka Soft's own site, as the fake web search finds it.
    static let romashkaPages = [FakeSearchResult(url: "https://romashka-soft.ru/contacts", title: "Контакты — Ромашка Софт")]

    func stop() async {
        await daData.stop()
        await checko.stop()
        await openAI.stop()
    }

    /// The platform defaults as the environment would give them: DaData, then Checko.
    var companyDataDefaults: CompanyDataPlatformDefaults {
        CompanyDataPlatformDefaults(environment: [
            "SMARTYSALES_DADATA_API_KEY": daData.apiKey, "SMARTYSALES_DADATA_BASE_URL": daData.baseURL,
            "SMARTYSALES_CHECKO_API_KEY": checko.apiKey, "SMARTYSALES_CHECKO_BASE_URL": checko.baseURL,
        ])
    }

    var llm: FixedLLMConfigurationSource {
        FixedLLMConfigurationSource([LLMProviderConfiguration(kind: .openAI, model: "gpt-4.1-mini", apiKey: openAI.apiKey, baseURL: openAI.baseURL)])
    }

    /// Requests each fake has received so far.
    var requests: Requests {
        Requests(daData: daData.script.receivedRequests.count, checko: checko.script.receivedRequests.count,
                 openAI: openAI.script.receivedRequests.count)
    }

    struct Requests: Equatable, CustomStringConvertible {
        var daData: Int
        var checko: Int
        var openAI: Int

        var description: String { "DaData \(daData), Checko \(checko), OpenAI \(openAI)" }
    }
}

/// A tenant's allowance with another limit than the repository's (the used count stays real).
struct CappedQuotas: EnrichmentQuotaSource {
    let base: EnrichmentQuotaRepository
    let limit: Int

    func quota(companyID: UUID, at date: Date?) async throws -> EnrichmentQuota {
        let quota = try await base.quota(companyID: companyID, at: date)
        return EnrichmentQuota(period: quota.period, limit: limit, used: quota.used)
    }
}

/// One test database with the prospects repositories, a clock tests move, tenants, clients,
/// and the pipeline wired to the fakes.
struct ProspectsWorld {
    let db: Persistence
    let secretBox: SecretBox
    let clock = TestClock()
    let users: UserRepository
    let clients: ClientRepository
    let cache: CompanyCacheRepository
    let quotas: EnrichmentQuotaRepository
    let queue: JobQueue
    let audit = MemoryAuditSink()

    init(_ db: Persistence) throws {
        self.db = db
        secretBox = SecretBox(keyring: try MasterKeyring(current: MasterKey.generate(id: "k1")))
        users = UserRepository(persistence: db, clock: clock)
        clients = ClientRepository(persistence: db, clock: clock)
        cache = CompanyCacheRepository(persistence: db, clock: clock)
        quotas = EnrichmentQuotaRepository(persistence: db, clock: clock)
        queue = JobQueue(persistence: db, clock: clock)
    }

    static let logger: Logger = TestDatabase.logger

    /// The sample companies and `quiet`, which every source knows without a single contact.
    static let companies = FakeCompany.samples + [quiet]

    /// Fictional, valid INN and OGRN: registered, active, and no phone, e-mail, website or
    /// director anywhere.
    static let quiet = FakeCompany(
        inn: "7715555557", kpp: "771501001", ogrn: "1187746000012", registrationDate: "2018-02-01",
        fullName: "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \"ТИХАЯ ГАВАНЬ\"", shortName: "ООО \"ТИХАЯ ГАВАНЬ\"",
        mainActivity: FakeCompany.Activity("62.01", "Разработка компьютерного программного обеспечения"),
        regionCode: "77", regionName: "г Москва", city: "Москва", address: "115054, г Москва, ул Пятницкая, д 71")

    func tenant(_ email: String = "anna@romashka.ru", company: String = "Ромашка") async throws -> TenantMember {
        let form = NewCompanyOwner(fullName: "Анна Петрова", email: EmailAddress(email)!, companyName: company, companyDescription: "", locale: .ru)
        let (_, owner) = try await users.signUp(form, passwordHash: "hash")
        return try #require(owner.scope?.member)
    }

    /// A client added by hand: the INN and the name someone typed, nothing else.
    func client(_ member: TenantMember, _ company: FakeCompany) async throws -> Client {
        var record = CompanyRecord(inn: company.inn)
        record.shortName = Sourced(company.shortName, source: .manual, fetchedAt: clock.now())
        return try await clients.create(member, record: record, origin: .manual)
    }

    func pipeline(
        _ fakes: ProspectFakes, companyData: Bool = true, webSearch: Bool = true, quotas: (any EnrichmentQuotaSource)? = nil,
        cacheTTL: TimeInterval = CachedCompany.defaultTTL, companyDataDefaults: CompanyDataPlatformDefaults? = nil,
        discoveryLimits: ProspectDiscovery.Limits = ProspectDiscovery.Limits()
    ) -> ProspectsPipeline {
        ProspectsPipeline(
            persistence: db, secretBox: secretBox, auditSink: audit,
            llmConfigurations: webSearch ? fakes.llm : FixedLLMConfigurationSource([]),
            companyDataDefaults: companyDataDefaults ?? (companyData ? fakes.companyDataDefaults : .none), quotas: quotas,
            llmRetryPolicy: LLMRetryPolicy(maxAttempts: 1), clock: clock, cacheTTL: cacheTTL, discoveryLimits: discoveryLimits,
            logger: Self.logger)
    }

    func enrich(_ pipeline: ProspectsPipeline, _ client: Client) async throws -> EnrichmentReport {
        try await pipeline.enrichment.enrich(clientID: client.id, companyID: client.companyID)
    }

    func reload(_ client: Client) async throws -> Client {
        try await clients.find(client.id, companyID: client.companyID)
    }

    func used(_ member: TenantMember) async throws -> Int {
        try await quotas.quota(companyID: member.companyID, at: clock.now()).used
    }

    /// Claims the next due prospects job (enrichment or discovery) and runs it as a worker would (failures recorded by
    /// the runner); nil when none is due.
    func runNextJob(_ pipeline: ProspectsPipeline) async throws -> Job? {
        guard let job = try await queue.claim(worker: "test", lease: 600, kinds: ProspectsPipeline.allKinds) else { return nil }
        let runner = JobRunner(queue: queue, handlers: pipeline.handlers, configuration: .init(workerName: "test", concurrency: 1, lease: 600),
                               logger: Self.logger)
        await runner.execute(job)
        return try await queue.find(job.id)
    }
}
