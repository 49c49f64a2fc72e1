/// The company-data services SmartySales can ask, chosen per tenant.
public enum CompanyDataProviderKind: String, Sendable, Hashable, Codable, CaseIterable {
    case daData = "dadata"
    case checko
    /// Contract-only business API: see `RusprofileProvider`.
    case rusprofile
    case apiFNS = "api_fns"

    /// Whether a tenant can add a key for this service and have it used. Rusprofile cannot yet:
    /// its API could not be verified against documentation, so its adapter does nothing and a
    /// key for it would only look like a working source.
    public var isAvailable: Bool {
        self != .rusprofile
    }
}

/// What a provider can do. A call outside its capabilities throws `CompanyDataError.unsupported`.
public enum CompanyDataCapability: String, Sendable, Hashable, Codable, CaseIterable {
    /// `findByINN`: one company by INN (or OGRN).
    case findByINN = "find_by_inn"
    /// `search` with a name.
    case searchByName = "search_by_name"
    /// `search` with an OKVED code.
    case searchByOKVED = "search_by_okved"
    /// `finances`: accounting lines by year.
    case finances
}

/// The operation an audit event is about.
public enum CompanyDataOperation: String, Sendable, Hashable, Codable, CaseIterable {
    case findByINN = "find_by_inn"
    case search
    case finances
}
