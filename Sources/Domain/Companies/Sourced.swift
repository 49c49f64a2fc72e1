import Foundation

/// Where a value came from: a provider, the LLM web search, or a person typing it in.
public struct CompanyDataSource: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(_ provider: CompanyDataProviderKind) {
        self.rawValue = provider.rawValue
    }

    public static let daData = CompanyDataSource(.daData)
    public static let checko = CompanyDataSource(.checko)
    public static let rusprofile = CompanyDataSource(.rusprofile)
    public static let apiFNS = CompanyDataSource(.apiFNS)
    public static let webSearch = CompanyDataSource(rawValue: "web_search")
    public static let manual = CompanyDataSource(rawValue: "manual")

    public var description: String { rawValue }
}

/// A value with its source and the time it was fetched: the client card shows both for every
/// field, and a merge of several providers keeps them per field.
public struct Sourced<Value: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    public var value: Value
    public var source: CompanyDataSource
    public var fetchedAt: Date
    /// The page the value was found on (web search); nil for registry data.
    public var url: String?
    /// Who typed the value in (their name when they did), for a `manual` value; nil otherwise.
    public var enteredBy: String?

    public init(_ value: Value, source: CompanyDataSource, fetchedAt: Date, url: String? = nil, enteredBy: String? = nil) {
        self.value = value
        self.source = source
        self.fetchedAt = fetchedAt
        self.url = url
        self.enteredBy = enteredBy
    }
}
