import Domain

/// One company-data service behind one interface. Adapters never retry: the enrichment and
/// search jobs decide (by `CompanyDataError.isRetryable`) and their queue backs off.
public protocol CompanyDataProvider: Sendable {
    var kind: CompanyDataProviderKind { get }
    var capabilities: Set<CompanyDataCapability> { get }

    /// The company with this INN (or OGRN/OGRNIP, where the provider looks those up too); nil
    /// when the provider knows no such company.
    func findByINN(_ number: RussianCompanyNumber) async throws -> CompanyRecord?

    /// One page of companies matching the query.
    func search(_ query: CompanySearchQuery) async throws -> CompanySearchPage

    /// Accounting lines by year; `CompanyDataError.notFound` when the company is unknown.
    func finances(inn: RussianCompanyNumber) async throws -> CompanyFinances
}
