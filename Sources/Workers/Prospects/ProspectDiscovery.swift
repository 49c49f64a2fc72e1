import CompanyData
import Domain
import Foundation
import Logging
import Observability
import Storage

/// One discovery run: the criteria expanded into provider queries (`ProspectSearchPlan`), each
/// paged through, every page's companies filtered and stored with the cursor in one transaction
/// (`ProspectSearchRepository.addResults`), so the run page's counts move page by page and a
/// retried job goes on from the page it stopped at without storing anything twice. A run started
/// by a saved search's schedule then imports the companies that are not clients yet and that the
/// tenant did not dismiss (delete as clients). The job (`ProspectSearchJob`) is a thin wrapper;
/// tests call `run` directly.
///
/// Providers: per service the tenant's own key, else the platform's (`CompanyDataSources`), those that can
/// search by OKVED code (`CompanyDataCapability.searchByOKVED`; today Checko). None: the run
/// fails with that reason and no call is made.
///
/// Errors (`CompanyDataError`):
/// - an outage (5xx, 429, timeouts) is rethrown, so the queue retries with back-off; the run
///   stays `running` with its progress. On the job's last attempt the run fails instead, so no
///   run is left `running` for ever;
/// - a used-up quota, a refused key, a provider that cannot search: the next provider that can
///   takes over (from the first page of the current query, since its pages are not the other's);
///   when none is left the run fails with every reason;
/// - an answer that is not the provider's documented format, or a refused request: the run fails
///   with the reason. What was stored so far stays importable.
///
/// Figures: search answers carry no revenue, headcount or exact OKVED code (Checko's). When a
/// range or an exact code needs one (`ProspectSearchPlan.missingFigures`), the company is looked
/// up — the company card for headcount and code, the finances for revenue, each an audited call
/// of the tenant's provider — for at most `Limits.lookupsPerRun` companies per run, and then
/// kept or dropped on the figure. A company whose figure is still unknown (the bound was
/// reached, the provider refused, or it publishes none) is stored "not checked": shown apart,
/// left out of "import all" and of the schedule's imports. A lookup's outage is retried like
/// the search's; a used-up quota or a refused key ends the run's lookups, not the run.
public struct ProspectDiscovery: Sendable {
    /// How much one run may ask for and store.
    public struct Limits: Sendable, Hashable {
        /// Companies per page asked for: Checko's largest.
        public var pageSize: Int
        /// Pages per code and region.
        public var pagesPerQuery: Int
        /// Results per run.
        public var resultsPerRun: Int
        /// Companies per run whose missing figures are looked up; 0: none are.
        public var lookupsPerRun: Int

        /// Companies looked up per run unless the deployment says otherwise: a card and a
        /// finances call each, so a few runs a day stay within a paid Checko plan.
        public static let defaultLookupsPerRun = 200

        public init(pageSize: Int = CheckoProvider.maximumPageSize, pagesPerQuery: Int = ProspectSearchRun.maximumPagesPerQuery,
                    resultsPerRun: Int = ProspectSearchRun.maximumResults, lookupsPerRun: Int = Limits.defaultLookupsPerRun) {
            self.pageSize = max(1, pageSize)
            self.pagesPerQuery = max(1, pagesPerQuery)
            self.resultsPerRun = min(max(1, resultsPerRun), ProspectSearchRun.maximumResults)
            self.lookupsPerRun = max(0, lookupsPerRun)
        }
    }

    /// One audit event per run that ends: status, counts, calls; never a company or a key.
    public static let auditKind = "prospects.search_run"
    /// Records handed to `ClientRepository.importRecords` at once: its transaction holds
    /// SQLite's only connection while it runs.
    static let importChunkSize = 1_000

    let searches: ProspectSearchRepository
    let clients: ClientRepository
    let companyData: CompanyDataSources
    let okved: OKVEDTree?
    let limits: Limits
    let audit: any AuditSink
    let now: @Sendable () -> Date
    let logger: Logger

    public init(searches: ProspectSearchRepository, clients: ClientRepository, companyData: CompanyDataSources, okved: OKVEDTree?,
                limits: Limits = Limits(), audit: any AuditSink, now: @escaping @Sendable () -> Date = { Date() },
                logger: Logger = Logger(label: "smartysales.discovery")) {
        self.searches = searches
        self.clients = clients
        self.companyData = companyData
        self.okved = okved
        self.limits = limits
        self.audit = audit
        self.now = now
        self.logger = logger
    }

    /// Runs (or goes on with) the run and returns it as it ended. `finalAttempt`: the queue
    /// will not try again, so an outage fails the run rather than leaving it `running`. A run
    /// that has ended already is returned as it is. `StorageError.notFound` for a run that is
    /// not the tenant's.
    @discardableResult
    public func run(runID: UUID, companyID: UUID, finalAttempt: Bool = false) async throws -> ProspectSearchRun {
        var run = try await searches.findRun(runID, companyID: companyID)
        guard !run.status.isOver else { return run }
        guard let okved else {
            return try await fail(run, problem: .okvedTableMissing, calls: 0)
        }
        let plan = ProspectSearchPlan(criteria: run.criteria, tree: okved)
        guard !plan.queries.isEmpty else {
            return try await fail(run, problem: .unknownOKVEDCodes, calls: 0)
        }
        let configured = try await companyData.providers(forCompany: companyID)
        let providers = configured.filter { $0.capabilities.contains(.searchByOKVED) }
        guard !providers.isEmpty else {
            let problem: ProspectProblem = configured.isEmpty
                ? .noDiscoveryProvider
                : .noOKVEDSearchProvider(configured: configured.map(\.kind.rawValue))
            return try await fail(run, problem: problem, calls: 0)
        }

        run = try await searches.startRun(run.id, companyID: companyID, queriesTotal: plan.queries.count)
        var current = 0
        var refusals: [String] = []
        var page = run.nextPage
        var calls = 0
        // A used-up quota or a refused key on a lookup: the rest of the run looks nothing up.
        var lookupsRefused = false
        while run.status == .running, run.queriesDone < plan.queries.count, run.found < limits.resultsPerRun {
            let query = plan.queries[run.queriesDone]
            let provider = providers[current]
            let answer: CompanySearchPage
            calls += 1
            do {
                answer = try await provider.search(CompanySearchQuery(
                    okvedCode: query.okvedCode, regionCode: query.regionCode, activeOnly: run.criteria.activeOnly, page: page,
                    pageSize: limits.pageSize))
            } catch CompanyDataError.notFound(_, _) {
                answer = CompanySearchPage(records: [], page: page, totalCount: 0, hasMore: false)
            } catch let error as CompanyDataError {
                switch error {
                case .transient, .unreachable:
                    guard !finalAttempt else {
                        return try await fail(run, problem: .gaveUp(error.description), calls: calls)
                    }
                    logger.notice("discovery provider unavailable, will retry", metadata: [
                        "run_id": "\(run.id)", "provider": "\(provider.kind.rawValue)", "reason": "\(error.description)",
                    ])
                    throw error
                case .quotaExhausted, .unauthorized, .unsupported, .notConfigured:
                    refusals.append(error.description)
                    current += 1
                    guard current < providers.count else {
                        return try await fail(run, problem: .sourcesRefused(refusals), calls: calls)
                    }
                    page = 1
                    continue
                case .badResponse:
                    return try await fail(run, problem: .unusableAnswer(error.description), calls: calls)
                case .badRequest, .notFound:
                    return try await fail(run, problem: .requestRefused(error.description), calls: calls)
                }
            }
            let candidates = answer.records.filter { plan.keeps($0, for: query) }
            let stored = try await searches.storedINNs(candidates.map(\.inn), runID: run.id, companyID: companyID)
            let card = Self.provider(for: .findByINN, preferring: provider, among: configured)
            let finances = Self.provider(for: .finances, preferring: provider, among: configured)
            var kept: [ProspectSearchRepository.Found] = []
            var fresh = 0
            var wanted = 0
            var looked = 0
            for candidate in candidates {
                var record = candidate
                var missing = plan.missingFigures(record, for: query)
                // A company the run has already is skipped by `addResults`; one past the result cap too.
                let isNew = !stored.contains(record.inn.trimmingCharacters(in: .whitespacesAndNewlines))
                    && run.found + fresh < limits.resultsPerRun
                if isNew, !missing.isEmpty {
                    wanted += 1
                    if !lookupsRefused, run.lookupsDone + looked < limits.lookupsPerRun {
                        looked += 1
                        do {
                            record = try await lookUp(record, missing: missing, card: card, finances: finances, calls: &calls)
                        } catch let error as CompanyDataError {
                            switch error {
                            case .transient, .unreachable:
                                guard !finalAttempt else {
                                    return try await fail(run, problem: .gaveUp(error.description), calls: calls)
                                }
                                logger.notice("discovery lookup provider unavailable, will retry", metadata: [
                                    "run_id": "\(run.id)", "reason": "\(error.description)",
                                ])
                                throw error
                            case .quotaExhausted, .unauthorized, .unsupported, .notConfigured:
                                logger.notice("discovery lookups refused; the rest of the run stays not checked", metadata: [
                                    "run_id": "\(run.id)", "reason": "\(error.description)",
                                ])
                                lookupsRefused = true
                                looked -= 1
                            case .badResponse, .badRequest, .notFound:
                                logger.notice("discovery lookup unusable; the company stays not checked", metadata: [
                                    "run_id": "\(run.id)", "reason": "\(error.description)",
                                ])
                            }
                        }
                        guard plan.keeps(record, for: query) else { continue }
                        missing = plan.missingFigures(record, for: query)
                    }
                }
                if isNew { fresh += 1 }
                kept.append(ProspectSearchRepository.Found(
                    record: record, matchedOKVED: query.okvedCode, matchedRegion: query.regionCode, notChecked: !missing.isEmpty))
            }
            let more = answer.hasMore && !answer.records.isEmpty && page < limits.pagesPerQuery
            let progress = more
                ? ProspectSearchRepository.Progress(queriesDone: run.queriesDone, nextPage: page + 1, lookupsWanted: wanted, lookupsDone: looked)
                : ProspectSearchRepository.Progress(queriesDone: run.queriesDone + 1, nextPage: 1, lookupsWanted: wanted, lookupsDone: looked)
            run = try await searches.addResults(kept, runID: run.id, companyID: companyID, progress: progress, limit: limits.resultsPerRun)
            page = run.nextPage
        }
        guard run.status == .running else { return run }
        // Imported before the run is marked finished: a job that dies in between runs again, finds
        // every query done, and imports again (the clients' unique INNs make that a no-op).
        if run.isScheduled {
            try await importNew(run)
        }
        run = try await searches.finishRun(run.id, companyID: companyID)
        await recordOutcome(run, calls: calls)
        return run
    }

    /// `provider` when it can, else the first of the tenant's providers that can.
    static func provider(for capability: CompanyDataCapability, preferring provider: any CompanyDataProvider,
                         among configured: [any CompanyDataProvider]) -> (any CompanyDataProvider)? {
        if provider.capabilities.contains(capability) { return provider }
        return configured.first { $0.capabilities.contains(capability) }
    }

    /// The record with what it lacked from the company card (headcount, main and extra codes)
    /// and the finances (the latest year's revenue), asking only for what `missing` names. A
    /// company the provider does not know keeps its gaps. `calls` counts each call made.
    private func lookUp(_ found: CompanyRecord, missing: Set<ProspectSearchPlan.Figure>, card: (any CompanyDataProvider)?,
                        finances: (any CompanyDataProvider)?, calls: inout Int) async throws -> CompanyRecord {
        guard case .success(let number) = RussianCompanyNumber.parse(found.inn) else { return found }
        var record = found
        if missing.contains(.headcount) || missing.contains(.okvedCode), let card {
            calls += 1
        }
        if missing.contains(.headcount) || missing.contains(.okvedCode), let card, let full = try await card.findByINN(number) {
            if record.headcount == nil { record.headcount = full.headcount }
            if record.mainOKVED == nil { record.mainOKVED = full.mainOKVED }
            if record.extraOKVEDs == nil { record.extraOKVEDs = full.extraOKVEDs }
            if record.revenue == nil { record.revenue = full.revenue }
        }
        if missing.contains(.revenue), record.revenue == nil, let finances {
            calls += 1
            do {
                let figures = try await finances.finances(inn: number)
                if let revenue = figures.latestRevenue {
                    record.revenue = Sourced(revenue, source: figures.source, fetchedAt: figures.fetchedAt)
                }
            } catch CompanyDataError.notFound(_, _) {
                // No statements filed: the revenue stays unknown.
            }
        }
        return record
    }

    /// Every result that was never a client and never dismissed becomes one (`origin: search`):
    /// a company the tenant deleted as a client stays deleted; those marked "not checked" wait
    /// for a person to tick them. The rest are left as they are.
    private func importNew(_ run: ProspectSearchRun) async throws {
        let records = try await searches.recordsForImport(runID: run.id, companyID: run.companyID, resultIDs: nil)
        var created = 0
        var start = 0
        while start < records.count {
            let part = Array(records[start..<min(start + Self.importChunkSize, records.count)])
            created += try await clients.importRecords(companyID: run.companyID, part, origin: .search, leavingOutDismissed: true, originRunID: run.id).count
            start += Self.importChunkSize
        }
        if created > 0 {
            try await searches.recordImport(runID: run.id, companyID: run.companyID, imported: created)
        }
    }

    /// The run keeps the problem's stored form, which the run page words in the visitor's
    /// language; the log and the audit event get it in English.
    private func fail(_ run: ProspectSearchRun, problem: ProspectProblem, calls: Int) async throws -> ProspectSearchRun {
        logger.notice("discovery run failed", metadata: ["run_id": "\(run.id)", "reason": "\(problem.englishText)"])
        let failed = try await searches.failRun(run.id, companyID: run.companyID, reason: problem.stored)
        await recordOutcome(failed, calls: calls, reason: problem.englishText)
        return failed
    }

    /// `reason`: why it failed, in English (the run itself holds the stored form).
    private func recordOutcome(_ run: ProspectSearchRun, calls: Int, reason: String? = nil) async {
        var details = [
            "run_id": run.id.uuidString,
            "status": run.status.rawValue,
            "scheduled": run.isScheduled ? "true" : "false",
            "queries": "\(run.queriesDone)/\(run.queriesTotal)",
            "found": String(run.found),
            "imported": String(run.imported),
            "provider_calls": String(calls),
            "lookups": "\(run.lookupsDone)/\(run.lookupsWanted)",
        ]
        if let searchID = run.searchID { details["search_id"] = searchID.uuidString }
        if let reason { details["reason"] = reason }
        await audit.record(AuditEvent(time: now(), kind: Self.auditKind, companyID: run.companyID, details: details))
    }
}
