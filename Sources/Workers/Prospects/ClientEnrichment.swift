import AsyncHTTPClient
import CompanyData
import Domain
import Foundation
import LLM
import Logging
import Observability
import Storage

/// Enrichment of one client: contacts and decision makers from the cheapest source that has
/// them, checked, stored with the record in one transaction, and charged only when something
/// verified was found. The job (`ClientEnrichmentJob`) is a thin wrapper; everything here runs
/// without the queue, so tests and the benchmark call `enrich` directly.
///
/// The order, cheapest first:
///
/// 1. **Quota.** A tenant whose monthly allowance is used up gets "enrichment failed" with the
///    reason, and no provider or LLM is called: calls cost money even when nothing is found.
/// 2. **Cross-tenant cache.** An entry for the INN younger than `cacheTTL` that holds a verified
///    contact is served as it is: no provider and no LLM call, charged like any success (the
///    tenant gets the same result; the platform saves the lookup).
/// 3. **Company-data providers**, in the tenant's order (`CompanyDataSources`), each by INN; their
///    records are merged field by field (`CompanyRecord.filling(from:)`), their registry phones
///    and e-mails become contacts and the director a decision maker, with the provider as source.
/// 4. **LLM web search** (`WebSearchPrompt`), when the tenant has an LLM that can search the web
///    (OpenAI, Anthropic; DeepSeek cannot and would answer from memory, so it is never asked);
///    none configured: skipped silently.
///
/// Everything found goes through `ContactRules`; what is new is added to the client's contacts
/// (`ClientContacts.adding`), and the fresh public data goes into the cache for other tenants.
///
/// Web-search values count only when their page is on a site the response cites (`CitedSites`).
///
/// Errors (see `EnrichmentFailure`): an outage marks the client "pending" and rethrows, so the
/// job is retried with back-off, except on the job's last attempt, when nothing would retry it:
/// then the client is "failed" ("source unavailable, try again later"); a refused key or
/// used-up provider quota skips that source (the enrichment fails only when every source was
/// skipped); garbage fails the enrichment with the reason and throws `PermanentJobFailure`. On
/// every failure the client's record and contacts stay as they were: they are written only by `storeEnrichment`, at the very end.
public struct ClientEnrichment: Sendable {
    /// The charge source of an enrichment served from the cache.
    public static let cacheSource = "cache"
    /// The charge source of the LLM web search.
    public static let webSearchSource = "web_search"
    /// The charge source when every source answered and none contributed anything.
    public static let noSource = "none"
    /// One audit event per enrichment outcome: state, source, counts; never a contact value.
    public static let auditKind = "client.enrichment"

    let clients: ClientRepository
    let cache: CompanyCacheRepository
    let quotas: any EnrichmentQuotaSource
    let companyData: CompanyDataSources
    let llmConfigurations: any LLMConfigurationSource
    let httpClient: HTTPClient
    let limiter: TenantRateLimiter
    let prices: LLMPriceTable
    let llmRetryPolicy: LLMRetryPolicy
    let audit: any AuditSink
    let regions: RegionCatalog?
    /// How long a cache entry is served instead of asking providers again.
    public let cacheTTL: TimeInterval
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        clients: ClientRepository, cache: CompanyCacheRepository, quotas: any EnrichmentQuotaSource, companyData: CompanyDataSources,
        llmConfigurations: any LLMConfigurationSource, httpClient: HTTPClient = ProviderHTTPClient.shared, limiter: TenantRateLimiter = TenantRateLimiter(),
        prices: LLMPriceTable = LLMPriceTable(), llmRetryPolicy: LLMRetryPolicy = LLMRetryPolicy(), audit: any AuditSink,
        regions: RegionCatalog? = nil, cacheTTL: TimeInterval = CachedCompany.defaultTTL,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "smartysales.enrichment")
    ) {
        self.clients = clients
        self.cache = cache
        self.quotas = quotas
        self.companyData = companyData
        self.llmConfigurations = llmConfigurations
        self.httpClient = httpClient
        self.limiter = limiter
        self.prices = prices
        self.llmRetryPolicy = llmRetryPolicy
        self.audit = audit
        self.regions = regions
        self.cacheTTL = cacheTTL
        self.now = now
        self.logger = logger
    }

    /// What one run gathered so far.
    struct Run: Sendable {
        /// The providers' records, merged.
        var record: CompanyRecord?
        /// Verified values from every source, first source first.
        var found = ClientContacts()
        /// Sources that contributed a record or a value, in the order asked.
        var sources: [String] = []
        /// Sources that answered at all (found something or said they know nothing).
        var answered = 0
        var skipped: [String] = []
        var providerCalls = 0
        var llmCalls = 0
        /// The job's last attempt: an outage fails the enrichment instead of waiting for a retry.
        var finalAttempt = false
    }

    /// Enriches the client: returns how it ended (`succeeded`, `empty` or `failed`), or throws
    /// when a source is down (the client is left "pending"; on the `finalAttempt` it is
    /// "failed" instead and `PermanentJobFailure` is thrown) or answered garbage
    /// (`PermanentJobFailure`; the client is "failed" with the reason). `StorageError.notFound`
    /// when the tenant has no such client.
    public func enrich(clientID: UUID, companyID: UUID, finalAttempt: Bool = false) async throws -> EnrichmentReport {
        let client = try await clients.find(clientID, companyID: companyID)
        let now = self.now()

        let quota = try await quotas.quota(companyID: companyID, at: now)
        guard !quota.isExhausted else {
            return try await fail(client, problem: .quotaUsedUp(used: quota.used, limit: quota.limit), run: Run())
        }

        if let cached = try await cache.find(inn: client.inn), cached.isFresh(at: now, ttl: cacheTTL) {
            let contacts = ContactRules.verified(cached.contacts, today: now)
            if contacts.hasVerifiedContact {
                var run = Run()
                run.found = contacts
                run.sources = [Self.cacheSource]
                return try await store(client, fetched: cached.record, run: run, now: now, fillCache: false)
            }
        }

        guard case .success(let number) = RussianCompanyNumber.parse(client.inn), number.kind.isTaxpayerNumber else {
            return try await fail(client, problem: .invalidINN(client.inn), run: Run())
        }
        var run = Run()
        run.finalAttempt = finalAttempt
        try await askProviders(number, client: client, run: &run, now: now)
        try await searchTheWeb((run.record ?? client.record).filling(from: client.record), client: client, run: &run, now: now)

        guard run.answered > 0 else {
            let problem: ProspectProblem = run.skipped.isEmpty ? .noSources : .sourcesRefused(run.skipped)
            return try await fail(client, problem: problem, run: run)
        }
        return try await store(client, fetched: run.record, run: run, now: now, fillCache: true)
    }

    // MARK: Sources

    private func askProviders(_ number: RussianCompanyNumber, client: Client, run: inout Run, now: Date) async throws {
        for provider in try await companyData.providers(forCompany: client.companyID) {
            guard provider.capabilities.contains(.findByINN) else {
                run.skipped.append(CompanyDataError.unsupported(provider: provider.kind, capability: .findByINN).description)
                continue
            }
            run.providerCalls += 1
            let found: CompanyRecord?
            do {
                found = try await provider.findByINN(number)
            } catch CompanyDataError.notFound(_, _) {
                found = nil
            } catch let error as CompanyDataError {
                try await handle(EnrichmentFailure(error), error: error, client: client, run: &run)
                continue
            }
            run.answered += 1
            guard let found else { continue }
            run.record = run.record?.filling(from: found) ?? found
            run.found = run.found.adding(ContactRules.verified(Self.registryContacts(in: found), today: now))
            run.sources.append(provider.kind.rawValue)
        }
    }

    private func searchTheWeb(_ record: CompanyRecord, client: Client, run: inout Run, now: Date) async throws {
        let configurations = try await llmConfigurations.providers(forCompany: client.companyID).filter { Self.searchesTheWeb($0.kind) }
        guard !configurations.isEmpty else { return }
        let llm = LLMClientFactory.reliableClient(
            providers: configurations, httpClient: httpClient, tenantID: client.companyID.uuidString, limiter: limiter,
            recorder: AuditLLMUsageRecorder(sink: audit, companyID: client.companyID), prices: prices, retryPolicy: llmRetryPolicy,
            logger: logger)
        let regionName = record.regionCode.flatMap { regions?.region($0.value)?.nameWithType }
        run.llmCalls += 1
        let response: LLMResponse
        do {
            response = try await llm.complete(WebSearchPrompt.request(for: record, regionName: regionName))
        } catch let error as LLMError {
            try await handle(EnrichmentFailure(error), error: error, client: client, run: &run)
            return
        }
        let answered: ClientContacts
        do {
            answered = try WebSearchAnswer.contacts(from: response.output, fetchedAt: now)
        } catch let error as WebSearchAnswer.Unreadable {
            try await handle(.unusable(error.description), error: error, client: client, run: &run)
            return
        }
        run.answered += 1
        let sites = CitedSites(response.citations)
        let (found, dropped) = sites.keeping(answered)
        if dropped > 0 {
            let why = sites.isEmpty
                ? Self.uncitedAnswer(response.provider)
                : "web search (\(response.provider.rawValue)): \(dropped) value(s) on sites the search did not cite were dropped"
            if sites.isEmpty { run.skipped.append(why) }
            logger.notice("web search values dropped", metadata: ["client_id": "\(client.id)", "dropped": "\(dropped)", "reason": "\(why)"])
        }
        guard found.hasVerifiedContact || found.website != nil else { return }
        run.found = run.found.adding(found)
        run.sources.append(Self.webSearchSource)
    }

    /// What the report and the audit trail say when a web-search answer named values but its
    /// response cited no page at all: there is no source to check them against.
    static func uncitedAnswer(_ provider: LLMProviderKind) -> String {
        "web search (\(provider.rawValue)): the answer cites no pages, so its values could not be checked and were dropped"
    }

    /// The phones, e-mails and website a registry record lists, and its director, as contacts
    /// with the provider as their source (registry values need no page).
    static func registryContacts(in record: CompanyRecord) -> ClientContacts {
        func values(_ list: Sourced<[String]>?) -> [Sourced<String>] {
            guard let list else { return [] }
            return list.value.map { Sourced($0, source: list.source, fetchedAt: list.fetchedAt) }
        }
        return ClientContacts(
            website: record.website,
            emails: values(record.emails),
            phones: values(record.phones),
            decisionMakers: record.director.map { director in
                [DecisionMaker(fullName: director.value.name, position: director.value.position, inn: director.value.inn,
                               source: director.source, fetchedAt: director.fetchedAt)]
            } ?? [])
    }

    /// Providers whose API searches the web itself. DeepSeek has no search tool: asked anyway,
    /// it would answer from what it remembers, which is exactly the invention the rules forbid.
    static func searchesTheWeb(_ kind: LLMProviderKind) -> Bool {
        switch kind {
        case .openAI, .anthropic: true
        case .deepSeek: false
        }
    }

    // MARK: Outcomes

    private func handle(_ failure: EnrichmentFailure, error: any Error, client: Client, run: inout Run) async throws {
        switch failure {
        case .retryLater(let reason) where run.finalAttempt:
            // Nothing will retry this job: "pending" would wait for ever.
            let problem = ProspectProblem.sourceStillUnavailable(reason)
            _ = try await fail(client, problem: problem, run: run)
            logger.notice("enrichment source still unavailable on the last attempt", metadata: ["client_id": "\(client.id)", "reason": "\(reason)"])
            throw PermanentJobFailure(problem.englishText)
        case .retryLater(let reason):
            let problem = ProspectProblem.sourceUnavailable(reason)
            try await clients.markEnrichmentPending(companyID: client.companyID, ids: [client.id], reason: problem.stored)
            logger.notice("enrichment source unavailable, will retry", metadata: ["client_id": "\(client.id)", "reason": "\(reason)"])
            await recordOutcome(clientID: client.id, companyID: client.companyID, state: .pending, source: nil, reason: problem.englishText,
                                charged: false, run: run)
            throw error
        case .skip(let reason):
            run.skipped.append(reason)
        case .unusable(let reason):
            let problem = ProspectProblem.unusableAnswer(reason)
            _ = try await fail(client, problem: problem, run: run)
            throw PermanentJobFailure(problem.englishText)
        }
    }

    /// Marks the enrichment failed (record and contacts untouched); nothing is charged. The
    /// client and the report get the problem's stored form, which the card words in the
    /// visitor's language; the audit event gets it in English, for whoever reads the log.
    private func fail(_ client: Client, problem: ProspectProblem, run: Run) async throws -> EnrichmentReport {
        try await clients.markEnrichmentFailed(client.id, companyID: client.companyID, reason: problem.stored)
        await recordOutcome(clientID: client.id, companyID: client.companyID, state: .failed, source: nil, reason: problem.englishText,
                            charged: false, run: run)
        return EnrichmentReport(clientID: client.id, state: .failed, source: nil, reason: problem.stored, providerCalls: run.providerCalls,
                                llmCalls: run.llmCalls, skipped: run.skipped)
    }

    /// Stores the record (fresh fields first, the client's own filling the gaps) and the
    /// contacts (new values added to the old), puts the fresh public data in the cache when
    /// `fillCache` is set and something verified was found, and lets the repository charge:
    /// only when this run found a verified contact, so a re-run that finds nothing new costs
    /// nothing even in a month the client was not charged yet.
    private func store(_ client: Client, fetched: CompanyRecord?, run: Run, now: Date, fillCache: Bool) async throws -> EnrichmentReport {
        var record = (fetched ?? client.record).filling(from: client.record)
        record.inn = client.inn
        let contacts = client.contacts.adding(run.found)
        let source = run.sources.isEmpty ? Self.noSource : run.sources.joined(separator: "+")
        let reason = EnrichmentReport.summary(of: run.found)
        // Only what registries and public pages said goes to the cache: never the client's own
        // record or contacts, which may hold what the tenant typed in.
        let entry = fillCache && run.found.hasVerifiedContact
            ? CachedCompany(inn: client.inn, record: fetched ?? CompanyRecord(inn: client.inn), contacts: run.found, fetchedAt: now)
            : nil
        let charge = try await clients.storeEnrichment(client.id, companyID: client.companyID, record: record, contacts: contacts, source: source,
                                                       reason: reason, cacheEntry: entry, chargeable: run.found.hasVerifiedContact)
        let state: EnrichmentState = contacts.hasVerifiedContact ? .succeeded : .empty
        await recordOutcome(clientID: client.id, companyID: client.companyID, state: state, source: source, reason: reason, charged: charge != nil, run: run)
        return EnrichmentReport(clientID: client.id, state: state, source: source, reason: reason, found: run.found, charge: charge,
                                providerCalls: run.providerCalls, llmCalls: run.llmCalls, skipped: run.skipped)
    }

    /// Counts and states only: contact values are tenant-visible data, not audit material.
    private func recordOutcome(clientID: UUID, companyID: UUID, state: EnrichmentState, source: String?, reason: String, charged: Bool,
                        run: Run) async {
        var details = [
            "client_id": clientID.uuidString,
            "state": state.rawValue,
            "reason": reason,
            "charged": charged ? "true" : "false",
            "provider_calls": String(run.providerCalls),
            "llm_calls": String(run.llmCalls),
        ]
        if let source { details["source"] = source }
        if !run.skipped.isEmpty { details["skipped"] = run.skipped.joined(separator: "; ") }
        await audit.record(AuditEvent(time: now(), kind: Self.auditKind, companyID: companyID, details: details))
    }
}
