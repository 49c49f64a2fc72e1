import AsyncHTTPClient

/// The HTTP client for every call to an outside service: LLM providers and company-data
/// providers. AsyncHTTPClient's `.shared` opens at most 8 connections to one host, so ten
/// enrichment jobs calling DaData kept two of them waiting behind the others' replies (measured
/// by `scripts/bench enrich`: 77% of the ideal); this one allows as many as a busy worker runs.
/// Like `.shared` it lives as long as the process and is never shut down.
public enum ProviderHTTPClient {
    public static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
