import Domain

/// A tenant's company-data provider with its key in plain text, for the enrichment and search
/// workers' calls. Hand the key to the provider's adapter and nowhere else; printing, dumping or
/// reflecting the value never shows it.
public struct CompanyDataProviderCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable {
    public let kind: CompanyDataProviderKind
    public let apiKey: String
    /// `nil`: the provider's public API.
    public let baseURL: String?

    public init(kind: CompanyDataProviderKind, apiKey: String, baseURL: String?) {
        self.kind = kind
        self.apiKey = apiKey
        self.baseURL = baseURL
    }

    public var description: String { "CompanyDataProviderCredentials(kind: \(kind.rawValue), apiKey: ***)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["kind": kind, "baseURL": baseURL as Any], displayStyle: .struct)
    }
}
