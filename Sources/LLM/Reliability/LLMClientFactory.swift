import AsyncHTTPClient
import Logging

/// Assembles the client the rest of the application uses for one tenant:
///
///     limiter( fallback[ retries( accounting( adapter ) ) for each provider ] )
///
/// Accounting sits next to the adapter so that every real call is recorded — a retried rate
/// limit and a provider that failed before the fallback answered are calls the audit trail must
/// show. Retries wrap each provider on its own; the fallback moves on once a provider's retries
/// are spent; the limiter holds one slot for the whole logical request.
public enum LLMClientFactory {
    /// Providers in order of preference; none gives a client that throws `.notConfigured`.
    /// `tenantID` keys the limiter and stamps the usage events (nil: platform work, limited as
    /// one "platform" tenant).
    public static func reliableClient(
        providers: [LLMProviderConfiguration],
        httpClient: HTTPClient,
        tenantID: String?,
        limiter: TenantRateLimiter,
        recorder: any LLMUsageRecorder,
        prices: LLMPriceTable,
        retryPolicy: LLMRetryPolicy = LLMRetryPolicy(),
        waitForLimiter: Bool = true,
        sleep: @escaping LLMSleep = { try await Task.sleep(for: $0) },
        logger: Logger = Logger(label: "smartysales.llm")
    ) -> any LLMClient {
        let perProvider: [any LLMClient] = providers.map { configuration -> any LLMClient in
            let accounted = AccountingLLMClient(
                base: configuration.makeAdapter(httpClient: httpClient, logger: logger),
                provider: configuration.kind, model: configuration.model, tenantID: tenantID,
                recorder: recorder, prices: prices
            )
            return RetryingLLMClient(base: accounted, policy: retryPolicy, sleep: sleep, logger: logger)
        }
        return LimitedLLMClient(
            base: FallbackLLMClient(clients: perProvider, logger: logger),
            limiter: limiter,
            tenantKey: tenantID ?? "platform",
            waitIfBusy: waitForLimiter
        )
    }
}
