import Foundation

/// One of the tenant's own company-data providers as pages see it. As with LLM keys, only the
/// key's last characters are here, so showing the list never opens a key.
public struct TenantCompanyDataProvider: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let companyID: UUID
    public let kind: CompanyDataProviderKind
    /// `nil`: the provider's public API.
    public let baseURL: String?
    public let keyHint: String
    /// 0 first: the order in which providers are asked.
    public let position: Int
    public let isEnabled: Bool
    public let updatedAt: Date

    public init(id: UUID, companyID: UUID, kind: CompanyDataProviderKind, baseURL: String?, keyHint: String, position: Int,
                isEnabled: Bool, updatedAt: Date) {
        self.id = id
        self.companyID = companyID
        self.kind = kind
        self.baseURL = baseURL
        self.keyHint = keyHint
        self.position = position
        self.isEnabled = isEnabled
        self.updatedAt = updatedAt
    }
}
