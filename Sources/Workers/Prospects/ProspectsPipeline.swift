import AsyncHTTPClient
import CompanyData
import Domain
import Foundation
import LLM
import Logging
import Observability
import Storage

/// The prospects handlers over one database: client enrichment and discovery searches.
/// `WorkerAssembly` runs its handlers next to the inbox pipeline's; tests build it with fake
/// providers' addresses in `companyDataDefaults` and their own LLM configuration.
public struct ProspectsPipeline: Sendable {
    public let enrichment: ClientEnrichment
    public let enrich: ClientEnrichmentJob
    public let discovery: ProspectDiscovery
    public let search: ProspectSearchJob
    /// Fails the clients a dead worker left "pending" (a periodic platform job).
    public let abandonedSweep: AbandonedEnrichmentSweep
    public let clients: ClientRepository
    public let searches: ProspectSearchRepository
    public let scheduling: ProspectSearchScheduling
    public let queue: JobQueue

    /// - Parameters:
    ///   - secretBox: opens the tenants' provider keys (company data and LLM).
    ///   - auditSink: `company_data.call`, `llm.call` and `client.enrichment` events.
    ///   - httpClient: providers and LLMs; the process's, never shut down here.
    ///   - llmConfigurations: which LLMs search the web for a tenant; by default the tenant's own
    ///     (`TenantLLMConfigurationSource`), else the platform's from the environment, else none.
    ///   - companyDataDefaults: the platform's providers, used per service where a tenant has no key of its own.
    ///   - quotas: the tenants' monthly allowances; the repository by default.
    ///   - cacheTTL: how long the cross-tenant cache serves an entry (`cacheTTL(environment:)`).
    ///   - discoveryLimits: page size and caps of a discovery run (tests page one company at a time);
    ///     the lookups per run from the environment by default (`discoveryLookupsPerRun(environment:)`).
    public init(
        persistence: Persistence, secretBox: SecretBox, auditSink: any AuditSink, httpClient: HTTPClient = ProviderHTTPClient.shared,
        llmConfigurations: (any LLMConfigurationSource)? = nil, companyDataDefaults: CompanyDataPlatformDefaults = CompanyDataPlatformDefaults(),
        quotas: (any EnrichmentQuotaSource)? = nil, rateLimiter: TenantRateLimiter = TenantRateLimiter(),
        prices: LLMPriceTable = LLMPriceTable(), llmRetryPolicy: LLMRetryPolicy = LLMRetryPolicy(),
        clock: any StorageClock = SystemStorageClock(), cacheTTL: TimeInterval = ProspectsPipeline.cacheTTL(),
        discoveryLimits: ProspectDiscovery.Limits = ProspectDiscovery.Limits(lookupsPerRun: ProspectsPipeline.discoveryLookupsPerRun()),
        logger: Logger
    ) {
        let clients = ClientRepository(persistence: persistence, clock: clock)
        let llmConfigurations: any LLMConfigurationSource = llmConfigurations ?? TenantLLMConfigurationSource(
            settings: LLMProviderSettingsRepository(persistence: persistence, secretBox: secretBox, clock: clock))
        let companyData = CompanyDataSources(
            settings: CompanyDataProviderSettingsRepository(persistence: persistence, secretBox: secretBox, clock: clock),
            platformDefaults: companyDataDefaults, httpClient: httpClient, audit: auditSink, logger: logger)
        let regions: RegionCatalog?
        do {
            regions = try RegionCatalog.bundled()
        } catch {
            // The region's name only helps the search; the code still goes into the prompt.
            logger.warning("region catalogue not loaded", metadata: ["error": "\(error)"])
            regions = nil
        }
        let okved: OKVEDTree?
        do {
            okved = try OKVEDTree.bundled()
        } catch {
            // Discovery runs then fail with this reason; enrichment does not need the table.
            logger.error("OKVED reference table not loaded", metadata: ["error": "\(error)"])
            okved = nil
        }
        let quotaSource: any EnrichmentQuotaSource = quotas ?? EnrichmentQuotaRepository(persistence: persistence, clock: clock)
        let searches = ProspectSearchRepository(persistence: persistence, clock: clock)
        let queue = JobQueue(persistence: persistence, clock: clock)
        self.clients = clients
        self.searches = searches
        self.queue = queue
        scheduling = ProspectSearchScheduling(queue: queue)
        enrichment = ClientEnrichment(
            clients: clients, cache: CompanyCacheRepository(persistence: persistence, clock: clock),
            quotas: quotaSource, companyData: companyData,
            llmConfigurations: llmConfigurations, httpClient: httpClient, limiter: rateLimiter, prices: prices,
            llmRetryPolicy: llmRetryPolicy, audit: auditSink, regions: regions, cacheTTL: cacheTTL, now: { clock.now() }, logger: logger)
        enrich = ClientEnrichmentJob(enrichment: enrichment)
        discovery = ProspectDiscovery(
            searches: searches, clients: clients, companyData: companyData, okved: okved, limits: discoveryLimits, audit: auditSink,
            now: { clock.now() }, logger: logger)
        search = ProspectSearchJob(discovery: discovery, searches: searches, queue: queue)
        abandonedSweep = AbandonedEnrichmentSweep(clients: clients, now: { clock.now() })
    }

    public var handlers: [any JobHandler] {
        [enrich, search, abandonedSweep]
    }

    public static let allKinds = [ClientEnrichmentJob.kind, ProspectSearchJob.kind, AbandonedEnrichmentSweep.kind]

    /// Marks the clients pending and queues their enrichment (what the client list's "enrich"
    /// buttons do).
    public func enqueueEnrichment(clientIDs: [UUID], companyID: UUID) async throws {
        try await ClientEnrichmentJob.enqueue(clientIDs: clientIDs, companyID: companyID, clients: clients, queue: queue)
    }

    /// Schedules a saved search every `repeatEveryDays` days from `now` (or removes its
    /// schedule when it has no period); what saving a search with a period does.
    public func scheduleSearch(_ search: ProspectSearch, now: Date = Date()) async throws {
        try await scheduling.schedule(search, now: now)
    }

    /// Removes a saved search's schedule; what deleting the search does.
    public func unscheduleSearch(id: UUID) async throws {
        try await scheduling.unschedule(searchID: id)
    }

    /// How many companies a discovery run may look up for the figures its ranges need, from
    /// `SMARTYSALES_DISCOVERY_LOOKUPS_PER_RUN` (a whole number, 0 turns lookups off), else
    /// `ProspectDiscovery.Limits.defaultLookupsPerRun` (200).
    public static func discoveryLookupsPerRun(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        guard let text = environment["SMARTYSALES_DISCOVERY_LOOKUPS_PER_RUN"]?.trimmingCharacters(in: .whitespacesAndNewlines),
              let count = Int(text), count >= 0 else {
            return ProspectDiscovery.Limits.defaultLookupsPerRun
        }
        return count
    }

    /// The cache TTL from `SMARTYSALES_COMPANY_CACHE_TTL_DAYS` (a positive number of days,
    /// fractions allowed), else `CachedCompany.defaultTTL` (30 days).
    public static func cacheTTL(environment: [String: String] = ProcessInfo.processInfo.environment) -> TimeInterval {
        guard let text = environment["SMARTYSALES_COMPANY_CACHE_TTL_DAYS"]?.trimmingCharacters(in: .whitespacesAndNewlines),
              let days = Double(text), days.isFinite, days > 0 else {
            return CachedCompany.defaultTTL
        }
        return days * 24 * 3_600
    }
}
