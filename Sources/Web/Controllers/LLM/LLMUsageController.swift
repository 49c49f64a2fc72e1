import Domain
import Foundation
import Hummingbird
import Storage
import Workers

/// What the company's LLM calls came to in a month: calls, tokens, failures and cost per
/// provider, model and purpose, summed from the `llm.call` events of the audit trail. Months
/// are calendar months in Moscow time, the current one and the eleven before it.
struct LLMUsageController {
    let services: WebServices

    /// How many months the selector offers, the current one included.
    static let monthsShown = 12

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/settings/llm/usage", use: show)
    }

    struct Month {
        /// `yyyy-MM`, the query value.
        let key: String
        let start: Date
        let end: Date
    }

    struct UsageRow {
        let provider: String
        let model: String
        let purpose: String
        let calls: String
        let failures: String
        let hasFailures: Bool
        let inputTokens: String
        let outputTokens: String
        let cachedInputTokens: String
        let cost: String
        let hasUnpriced: Bool
    }

    struct UsageView {
        let monthOptions: [InboxViews.Option]
        let monthLabel: String
        let rows: [UsageRow]
        let total: UsageRow
        let isEmpty: Bool
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.manageLLMProviders)
        let member = try context.member()
        let locale = context.visitor.locale
        let text = { (key: String) in services.renderer.localizer.text(key, locale) }
        let months = Self.months(endingWith: Date())
        let requested = String(request.uri.queryParameters["month"] ?? "")
        guard let selected = months.first(where: { $0.key == requested }) ?? months.first else { throw HTTPError(.notFound) }
        let details = try await services.auditTrail.details(
            ofKind: AuditLLMUsageRecorder.eventKind, companyID: member.companyID, from: selected.start, to: selected.end)
        let summary = LLMUsageSummary(details: details)
        let view = UsageView(
            monthOptions: months.map { InboxViews.Option(value: $0.key, label: Self.monthLabel($0.start, locale), selected: $0.key == selected.key) },
            monthLabel: Self.monthLabel(selected.start, locale),
            rows: summary.rows.map { Self.row($0, text: text) },
            total: Self.row(summary.total, text: text),
            isEmpty: summary.rows.isEmpty)
        return services.renderer.page("llm-usage", titleKey: "title_llm_usage", content: view, request: request, context: context)
    }

    // MARK: Months

    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = DisplayFormat.timeZone
        return calendar
    }

    /// The month of `now` and the ones before it, newest first.
    static func months(endingWith now: Date, count: Int = monthsShown) -> [Month] {
        let calendar = Self.calendar
        guard let current = calendar.dateInterval(of: .month, for: now)?.start else { return [] }
        return (0..<max(1, count)).compactMap { offset -> Month? in
            guard let start = calendar.date(byAdding: .month, value: -offset, to: current),
                  let end = calendar.date(byAdding: .month, value: 1, to: start) else { return nil }
            return Month(key: monthKey(start), start: start, end: end)
        }
    }

    static func monthKey(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = DisplayFormat.timeZone
        formatter.dateFormat = "yyyy-MM"
        return formatter.string(from: date)
    }

    /// "ноябрь 2026", "November 2026".
    static func monthLabel(_ date: Date, _ locale: AppLocale) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: locale == .ru ? "ru_RU" : "en_GB")
        formatter.timeZone = DisplayFormat.timeZone
        formatter.dateFormat = "LLLL yyyy"
        return formatter.string(from: date)
    }

    // MARK: Figures

    static func row(_ row: LLMUsageSummary.Row, text: (String) -> String) -> UsageRow {
        let provider = row.provider.isEmpty ? "" : text("llm_provider_\(row.provider)")
        let purposeKey = "llm_purpose_\(row.purpose)"
        let purpose = text(purposeKey)
        return UsageRow(
            provider: provider == "llm_provider_\(row.provider)" ? row.provider : provider,
            model: row.model,
            purpose: purpose == purposeKey ? row.purpose : purpose,
            calls: number(row.calls), failures: number(row.failures), hasFailures: row.failures > 0,
            inputTokens: number(row.inputTokens), outputTokens: number(row.outputTokens), cachedInputTokens: number(row.cachedInputTokens),
            cost: cost(row.costMicros), hasUnpriced: row.unpricedCalls > 0)
    }

    /// Digits in groups of three, split by a no-break space: `1 234 567`.
    static func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append("\u{00A0}") }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// `0.0123 USD`, one amount per currency; `—` when nothing was priced.
    static func cost(_ micros: [String: Int64]) -> String {
        guard !micros.isEmpty else { return "—" }
        return micros.keys.sorted().map { (currency: String) -> String in
            let value = String(format: "%.4f", locale: Locale(identifier: "en_US_POSIX"), Double(micros[currency] ?? 0) / 1_000_000)
            return currency.isEmpty ? value : "\(value) \(currency)"
        }.joined(separator: " + ")
    }
}
