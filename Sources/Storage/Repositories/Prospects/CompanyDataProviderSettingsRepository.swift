import Domain
import FluentKit
import Foundation

/// The tenant's own company-data providers (DaData, Checko, …), their keys sealed with SecretBox.
///
/// The same rules as for LLM keys (`LLMProviderSettingsRepository`): pages read with a
/// ``TenantScope`` and never see a key, only its last characters taken when it was typed;
/// changes take a ``TenantMember``, so the platform scope cannot even ask; keys are opened in one
/// place, ``credentials(companyID:)``, for the workers' calls.
public struct CompanyDataProviderSettingsRepository: Sendable {
    let persistence: Persistence
    let secretBox: SecretBox
    let clock: any StorageClock

    public init(persistence: Persistence, secretBox: SecretBox, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.secretBox = secretBox
        self.clock = clock
    }

    // MARK: Pages

    /// The tenant's providers in their order, disabled ones included. The platform scope names
    /// the company it looks at.
    public func list(_ scope: TenantScope, companyID: UUID? = nil) async throws -> [TenantCompanyDataProvider] {
        let company = try scope.company(lookingAt: companyID)
        return try await ordered(company, on: persistence.database).map { try $0.toDomain() }
    }

    public func find(_ id: UUID, scope: TenantScope) async throws -> TenantCompanyDataProvider {
        guard let model = try await scopedModel(id, companyID: scope.companyID, on: persistence.database) else { throw StorageError.notFound }
        return try model.toDomain()
    }

    /// Adds a provider (`id` nil, at the end of the order) or changes one.
    ///
    /// `baseURL` nil or blank means the provider's public API; anything else must be an `https`
    /// URL (plain `http` for this machine only), stored without trailing slashes. `apiKey` nil or
    /// blank keeps the stored key; a new provider needs one, and so does a change of provider or
    /// base URL, since a stored key goes only where it went before. Refusals are `FieldErrors`:
    /// `base_url` (`validation_llm_base_url`), `api_key` (`validation_required`,
    /// `validation_llm_key`, `validation_llm_key_for_new_server`); the messages are the LLM
    /// form's because the rules are. Throws `alreadyExists` when the tenant has this provider
    /// already, `notFound` for an id that is not the tenant's.
    public func save(
        _ member: TenantMember, id: UUID?, kind: CompanyDataProviderKind, baseURL: String?, isEnabled: Bool, apiKey: String?
    ) async throws -> TenantCompanyDataProvider {
        var errors = FieldErrors()
        let typedURL = (baseURL ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var url: String?
        if !typedURL.isEmpty {
            url = TenantLLMProviderDraft.normalisedBaseURL(typedURL)
            if url == nil { errors.add("base_url", "validation_llm_base_url") }
        }
        let typedKey = (apiKey ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var key: String?
        if !typedKey.isEmpty {
            key = TenantLLMProviderDraft.normalisedKey(typedKey)
            if key == nil { errors.add("api_key", "validation_llm_key") }
        }
        try errors.throwIfAny()
        let sealed = try key.map { try secretBox.seal($0) }
        let hint = key.map { TenantLLMProviderDraft.keyHint(for: $0) }
        let chosenURL = url
        let now = clock.now()
        do {
            return try await persistence.database.transaction { db in
                let model: TenantCompanyDataProviderModel
                if let id {
                    guard let existing = try await scopedModel(id, companyID: member.companyID, on: db) else { throw StorageError.notFound }
                    if sealed == nil, existing.kind != kind.rawValue || existing.baseURL != chosenURL {
                        throw FieldErrors(["api_key": "validation_llm_key_for_new_server"])
                    }
                    model = existing
                } else {
                    guard sealed != nil else { throw FieldErrors(["api_key": "validation_required"]) }
                    let last = try await TenantCompanyDataProviderModel.query(on: db).filter(\.$companyID == member.companyID)
                        .sort(\.$position, .descending).first()
                    model = TenantCompanyDataProviderModel()
                    model.id = UUID()
                    model.companyID = member.companyID
                    model.position = (last?.position ?? -1) + 1
                }
                model.kind = kind.rawValue
                model.baseURL = chosenURL
                model.isEnabled = isEnabled
                if let sealed, let hint {
                    model.apiKeySealed = sealed
                    model.keyHint = hint
                }
                model.updatedAt = now
                try await model.save(on: db)
                return try model.toDomain()
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw StorageError.alreadyExists
        }
    }

    /// Forgets the provider and its key.
    public func delete(_ member: TenantMember, id: UUID) async throws {
        let db = persistence.database
        guard try await scopedModel(id, companyID: member.companyID, on: db) != nil else { throw StorageError.notFound }
        try await TenantCompanyDataProviderModel.query(on: db).filter(\.$id == id).filter(\.$companyID == member.companyID).delete()
    }

    // MARK: Calls

    /// The tenant's enabled providers in their order, keys in plain text: what the search and
    /// enrichment workers call. Workers only; the keys go to the providers' adapters and nowhere
    /// else — never into a log line, an error message, a job payload or a page. A key sealed
    /// under an older master key is re-sealed under the current one on the way.
    public func credentials(companyID: UUID) async throws -> [CompanyDataProviderCredentials] {
        let db = persistence.database
        var opened: [CompanyDataProviderCredentials] = []
        for model in try await ordered(companyID, on: db) where model.isEnabled {
            let provider = try model.toDomain()
            let key = try secretBox.open(model.apiKeySealed)
            if secretBox.needsRotation(model.apiKeySealed) {
                let resealed = try secretBox.seal(key)
                try await TenantCompanyDataProviderModel.query(on: db).filter(\.$id == provider.id).filter(\.$companyID == companyID)
                    .set(\.$apiKeySealed, to: resealed).update()
            }
            opened.append(CompanyDataProviderCredentials(kind: provider.kind, apiKey: key, baseURL: provider.baseURL))
        }
        return opened
    }

    // MARK: Helpers

    private func ordered(_ companyID: UUID, on db: any Database) async throws -> [TenantCompanyDataProviderModel] {
        try await TenantCompanyDataProviderModel.query(on: db).filter(\.$companyID == companyID)
            .sort(\.$position).sort(\.$kind).all()
    }

    private func scopedModel(_ id: UUID, companyID: UUID?, on db: any Database) async throws -> TenantCompanyDataProviderModel? {
        let query = TenantCompanyDataProviderModel.query(on: db).filter(\.$id == id)
        if let companyID { query.filter(\.$companyID == companyID) }
        return try await query.first()
    }
}

extension TenantCompanyDataProviderModel {
    func toDomain() throws -> TenantCompanyDataProvider {
        guard let providerKind = CompanyDataProviderKind(rawValue: kind) else {
            throw StorageError.corruptRow("tenant_company_data_providers.kind")
        }
        return TenantCompanyDataProvider(
            id: try requireID(), companyID: companyID, kind: providerKind, baseURL: baseURL, keyHint: keyHint, position: position,
            isEnabled: isEnabled, updatedAt: updatedAt)
    }
}
