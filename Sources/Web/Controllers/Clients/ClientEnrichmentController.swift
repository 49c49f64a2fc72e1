import Domain
import Foundation
import Hummingbird
import Storage
import Workers

/// Asking for enrichment — one client from its card, the rows ticked on the list, or every
/// client the list's filters match — and its live progress as a small JSON document that
/// `app.js` polls while any client waits. The jobs themselves (`clients.enrich`) are the
/// workers'; the web only marks clients pending and queues them.
struct ClientEnrichmentController {
    let services: WebServices

    /// "Enrich all matching" queues at most this many clients at once: a bigger batch would
    /// hold the request for long and could spend a month's quota by one click. The page says so.
    static let allMatchingCap = 10_000
    /// Ids are read from the list this many at a time.
    static let readPageSize = 200
    /// And queued this many at a time.
    static let enqueueBatch = 1_000

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/clients/enrich", use: enrichMany)
        group.post("/clients/{id}/enrich", use: enrichOne)
        group.get("/clients/enrichment-progress.json", use: progress)
    }

    // MARK: Asking

    /// The card's button: always queues, even a client already waiting (a person asked again,
    /// perhaps after fixing a key).
    @Sendable func enrichOne(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.uuidParameter()
        let member = try context.member()
        let client = try await services.clients.find(id, scope: .tenant(member))
        let (identity, _) = try context.require(client: .work)
        try await ClientEnrichmentJob.enqueue(clientIDs: [client.id], companyID: member.companyID, clients: services.clients, queue: services.jobs)
        await services.audit.record(kind: "client.enrichment_requested", identity: identity, context: context, details: [
            "client_id": client.id.uuidString, "count": "1", "scope": "one",
        ])
        try await services.flash(context, .success, "flash_client_enrichment_queued")
        return .seeOther("/clients/\(client.id.uuidString)")
    }

    /// The list's two buttons: `scope=selected` with the ticked `ids`, or `scope=all` with the
    /// list's filters (`filter`, a query string). Clients already waiting are left alone while
    /// an enrichment job of the tenant is live, so a second click does not queue them twice;
    /// with none live, "pending" clients wait for nothing (their job died) and are taken again.
    @Sendable func enrichMany(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (identity, member) = try context.require(client: .work)
        let scope = TenantScope.tenant(member)
        let running = try await Self.enrichmentRunning(services.jobs, companyID: member.companyID)
        let takesPending = !running
        let filterQuery = context.form["filter"]
        let filters = ClientFilters(query: filterQuery)
        let back = filters.url("/clients")
        var ids: [UUID] = []
        var capped = false
        switch context.form["scope"] {
        case "selected":
            // At most a few pages' worth: the list shows fifty rows.
            let picked = Array(Set(context.form.all("ids").compactMap(UUID.init(uuidString:)))).prefix(Self.readPageSize)
            for id in picked {
                // Each id must be one of the tenant's clients; another tenant's is skipped unseen.
                guard let client = try? await services.clients.find(id, scope: scope) else { continue }
                if client.enrichment != .pending || takesPending { ids.append(client.id) }
            }
        case "all":
            let (matching, errors) = filters.listQuery(regions: services.regions, okvedTree: services.okved, pageSize: Self.readPageSize)
            guard errors.isEmpty else {
                try await services.flash(context, .error, "flash_clients_filter_invalid")
                return .seeOther(back)
            }
            (ids, capped) = try await matchingIDs(matching, scope: scope, takesPending: takesPending)
        default:
            throw HTTPError(.badRequest)
        }
        guard !ids.isEmpty else {
            try await services.flash(context, .error, "flash_clients_enrichment_nothing")
            return .seeOther(back)
        }
        // Every successful enrichment (a cache hit too) is charged, an empty or failed one is
        // not: the month's remaining quota is the most this request can spend, so queuing more
        // would only end the rest "failed" for want of quota.
        let locale = context.visitor.locale
        let quota = try await services.enrichmentQuota.quota(companyID: member.companyID)
        let renews = Self.renewalDay(of: quota.period, locale) ?? quota.period
        guard quota.remaining > 0 else {
            try await services.flash(context, .error, "flash_clients_enrichment_quota_used_up", values: [
                "limit": ClientFormat.grouped(quota.limit, locale), "renews": renews,
            ])
            return .seeOther(back)
        }
        let asked = ids.count
        let limited = asked > quota.remaining
        if limited { ids = Array(ids.prefix(quota.remaining)) }
        let batchID = UUID()
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<min(start + Self.enqueueBatch, ids.count)])
            try await ClientEnrichmentJob.enqueue(clientIDs: batch, companyID: member.companyID, clients: services.clients, queue: services.jobs,
                                                  batchID: batchID)
            start += Self.enqueueBatch
        }
        await services.audit.record(kind: "client.enrichment_requested", identity: identity, context: context, details: [
            "count": String(ids.count), "scope": context.form["scope"], "capped": capped ? "yes" : "no", "filter": filterQuery,
            "asked": String(asked), "quota_remaining": String(quota.remaining), "batch_id": batchID.uuidString,
        ])
        if limited {
            try await services.flash(context, .success, "flash_clients_enrichment_quota_limited", values: [
                "queued": ClientFormat.grouped(ids.count, locale), "asked": ClientFormat.grouped(asked, locale),
                "remaining": ClientFormat.grouped(quota.remaining, locale), "renews": renews,
            ])
        } else {
            try await services.flash(context, .success, capped ? "flash_clients_enrichment_capped" : "flash_clients_enrichment_queued")
        }
        return .seeOther(Self.following(batchID, back))
    }

    /// The list to return to, with the request's batch: its live progress then counts that
    /// request's clients only.
    static func following(_ batchID: UUID, _ list: String) -> String {
        list + (list.contains("?") ? "&" : "?") + "batch=" + batchID.uuidString
    }

    /// The day the quota of `period` (`2026-11`) renews: the first of the next month (UTC, as
    /// charges are booked; 03:00 in Moscow, the same day), as people write it: `1 December`,
    /// `1 декабря`. Nil for a period that is not `yyyy-MM`.
    static func renewalDay(of period: String, _ locale: AppLocale) -> String? {
        let parts = period.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, (1...12).contains(parts[1]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = EnrichmentUsageController.utc
        guard let start = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: 1)),
              let next = calendar.date(byAdding: .month, value: 1, to: start) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: locale == .ru ? "ru_RU" : "en_GB")
        formatter.timeZone = DisplayFormat.timeZone
        formatter.dateFormat = "d MMMM"
        return formatter.string(from: next)
    }

    /// The ids of every client the query matches that is not already waiting (unless
    /// `takesPending`), up to the cap, in the list's order; and whether more matched than the
    /// cap allows.
    private func matchingIDs(_ query: ClientListQuery, scope: TenantScope, takesPending: Bool) async throws -> ([UUID], Bool) {
        var query = query
        query.page = 1
        var ids: [UUID] = []
        while true {
            let page = try await services.clients.list(scope, query)
            for client in page.clients where client.enrichment != .pending || takesPending {
                guard ids.count < Self.allMatchingCap else { return (ids, true) }
                ids.append(client.id)
            }
            guard page.hasNext, !page.clients.isEmpty else { return (ids, false) }
            query.page += 1
        }
    }

    /// Whether an enrichment job of the tenant is queued, running or waiting to retry: "pending"
    /// clients are then on their way; with none, they wait for nothing.
    static func enrichmentRunning(_ jobs: JobQueue, companyID: UUID) async throws -> Bool {
        try await jobs.hasLiveJob(kind: ClientEnrichmentJob.kind, companyID: companyID)
    }

    // MARK: Progress

    struct Progress: Encodable {
        /// Clients per ``EnrichmentState`` raw value, every state present.
        let counts: [String: Int]
        let pending: Int
        /// Whether a job is still working on them: `app.js` stops polling when not.
        let running: Bool
        let total: Int
        /// The clients of the bulk request `?batch=` names, when it does.
        let batch: Figures?
        let generatedAt: String
    }

    /// One set of figures: clients per state, every state present.
    struct Figures: Encodable {
        let counts: [String: Int]
        let pending: Int
        let total: Int

        init(_ counts: [EnrichmentState: Int]) {
            var figures: [String: Int] = [:]
            for state in EnrichmentState.allCases { figures[state.rawValue] = counts[state] ?? 0 }
            self.counts = figures
            pending = counts[.pending] ?? 0
            total = figures.values.reduce(0, +)
        }
    }

    @Sendable func progress(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, member) = try context.require(client: .view)
        let tenant = Figures(try await services.clients.enrichmentCounts(companyID: member.companyID, ids: nil))
        var batch: Figures?
        if let batchID = Self.batchID(request) {
            batch = Figures(try await services.clients.enrichmentCounts(companyID: member.companyID, batchID: batchID))
        }
        var running = false
        if tenant.pending > 0 { running = try await Self.enrichmentRunning(services.jobs, companyID: member.companyID) }
        let progress = Progress(counts: tenant.counts, pending: tenant.pending, running: running, total: tenant.total, batch: batch,
                                generatedAt: ISO8601DateFormatter().string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = String(decoding: try encoder.encode(progress), as: UTF8.self)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// The bulk request a page or the progress asks about (`?batch=`), if a well-formed id.
    static func batchID(_ request: Request) -> UUID? {
        request.uri.queryParameters["batch"].flatMap { UUID(uuidString: String($0)) }
    }
}
