import Foundation

/// A tenant: one customer company with its users and data.
public struct Company: Sendable, Equatable, Identifiable {
    public let id: UUID
    public var name: String
    /// Filled into outreach templates as `{{my_company_description}}`.
    public var description: String
    public var defaultLocale: AppLocale
    public let createdAt: Date

    public init(id: UUID, name: String, description: String, defaultLocale: AppLocale, createdAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.defaultLocale = defaultLocale
        self.createdAt = createdAt
    }
}
