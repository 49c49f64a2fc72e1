import Domain
import Foundation
import Hummingbird
import Storage

/// The month's enrichment quota and what was charged against it. The rule is on the page in
/// plain words: a client is charged only when enrichment found at least one verified contact or
/// decision maker, once per client and month; failures, outages and empty results cost nothing.
/// Periods are calendar months in UTC, as charges are booked (``EnrichmentCharge/period(of:)``).
struct EnrichmentUsageController {
    let services: WebServices

    /// How many months the selector offers, the current one included.
    static let monthsShown = 12

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/usage/enrichment", use: show)
    }

    struct ChargeRow {
        let chargedAt: String
        let clientName: String
        /// Nil when the client was removed since.
        let clientURL: String?
        let inn: String
        let source: String
        let reason: String
    }

    struct UsageView {
        let periodOptions: [InboxViews.Option]
        let periodLabel: String
        let used: String
        let limit: String
        let remaining: String
        let isExhausted: Bool
        let charges: [ChargeRow]
        let hasCharges: Bool
        /// The list stops at ``chargeLimit`` rows.
        let isTruncated: Bool
        let chargeLimit: String
    }

    static let chargeLimit = 500

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, member) = try context.require(client: .viewUsage)
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let months = Self.months(endingWith: Date())
        let requested = String(request.uri.queryParameters["period"] ?? "")
        guard let selected = months.first(where: { $0.key == requested }) ?? months.first else { throw HTTPError(.notFound) }
        // Mid-month, clear of any boundary however the repository reads the moment.
        let quota = try await services.enrichmentQuota.quota(companyID: member.companyID, at: selected.start.addingTimeInterval(15 * 24 * 3_600))
        let charges = try await services.enrichmentQuota.charges(.tenant(member), period: selected.key, limit: Self.chargeLimit)
        let rows = charges.map { (charge: EnrichmentCharge) -> ChargeRow in
            ChargeRow(chargedAt: DisplayFormat.dateTime(charge.chargedAt, locale), clientName: charge.clientName,
                      clientURL: charge.clientID.map { "/clients/\($0.uuidString)" }, inn: charge.inn,
                      source: Self.source(charge.source, text), reason: charge.reason)
        }
        // A UTC month starts at 03:00 Moscow time on the same day: Moscow's month name is right.
        let view = UsageView(
            periodOptions: months.map { InboxViews.Option(value: $0.key, label: LLMUsageController.monthLabel($0.start, locale), selected: $0.key == selected.key) },
            periodLabel: LLMUsageController.monthLabel(selected.start, locale),
            used: ClientFormat.grouped(quota.used, locale), limit: ClientFormat.grouped(quota.limit, locale),
            remaining: ClientFormat.grouped(quota.remaining, locale), isExhausted: quota.isExhausted,
            charges: rows, hasCharges: !rows.isEmpty, isTruncated: rows.count >= Self.chargeLimit,
            chargeLimit: ClientFormat.grouped(Self.chargeLimit, locale))
        return services.renderer.page("enrichment-usage", titleKey: "title_enrichment_usage", content: view, request: request, context: context)
    }

    // MARK: Periods

    static let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0)!

    struct Month {
        /// `yyyy-MM`, the query value and the charges' period.
        let key: String
        let start: Date
    }

    /// The UTC month of `now` and the ones before it, newest first.
    static func months(endingWith now: Date, count: Int = monthsShown) -> [Month] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        guard let current = calendar.dateInterval(of: .month, for: now)?.start else { return [] }
        return (0..<max(1, count)).compactMap { offset -> Month? in
            guard let start = calendar.date(byAdding: .month, value: -offset, to: current) else { return nil }
            return Month(key: EnrichmentCharge.period(of: start), start: start)
        }
    }

    /// Where the data came from, in words: `cache`, `providers`, `web_search`, or several joined
    /// with `+`.
    static func source(_ source: String, _ text: (String) -> String) -> String {
        source.split(separator: "+").map { part -> String in
            let key = "enrichment_source_\(part)"
            let label = text(key)
            return label == key ? String(part) : label
        }.joined(separator: " + ")
    }
}
