import Domain
import FluentKit
import Foundation

/// Companies as their members and the platform see them.
public struct CompanyRepository: Sendable {
    let persistence: Persistence

    public init(persistence: Persistence) {
        self.persistence = persistence
    }

    /// The company of a tenant member. The platform scope reads any company by id.
    public func find(_ id: UUID, scope: TenantScope) async throws -> Company {
        if let own = scope.companyID, own != id { throw StorageError.notFound }
        guard let model = try await CompanyModel.find(id, on: persistence.database) else { throw StorageError.notFound }
        return try model.toDomain()
    }

    public func updateSettings(_ member: TenantMember, name: String, description: String, defaultLocale: AppLocale) async throws -> Company {
        guard let model = try await CompanyModel.find(member.companyID, on: persistence.database) else { throw StorageError.notFound }
        model.name = name
        model.description = description
        model.defaultLocale = defaultLocale.rawValue
        try await model.save(on: persistence.database)
        return try model.toDomain()
    }

    /// The companies an operator's command means by `reference`: the one with that id, else
    /// every company with exactly that name (trimmed; names are not unique, so the caller
    /// refuses more than one). Platform tooling only: it reads across tenants.
    public func companies(matching reference: String) async throws -> [Company] {
        let text = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return [] }
        let db = persistence.database
        if let id = UUID(uuidString: text) {
            guard let model = try await CompanyModel.find(id, on: db) else { return [] }
            return [try model.toDomain()]
        }
        return try await CompanyModel.query(on: db).filter(\.$name == text).sort(\.$createdAt).all().map { try $0.toDomain() }
    }

    /// Every tenant with its head count and latest audit activity, for the platform console.
    public func listAllForPlatform(_ scope: TenantScope) async throws -> [TenantSummary] {
        guard case .platform = scope else { throw StorageError.platformScopeRefused }
        let db = persistence.database
        let companies = try await CompanyModel.query(on: db).sort(\.$createdAt, .descending).all()
        var summaries: [TenantSummary] = []
        for company in companies {
            let id = try company.requireID()
            let users = try await UserModel.query(on: db).filter(\.$companyID == id).count()
            let last = try await AuditEventModel.query(on: db).filter(\.$companyID == id).sort(\.$createdAt, .descending).first()
            summaries.append(TenantSummary(company: try company.toDomain(), userCount: users, lastActivityAt: last?.createdAt))
        }
        return summaries
    }
}

public struct TenantSummary: Sendable {
    public let company: Company
    public let userCount: Int
    public let lastActivityAt: Date?
}
