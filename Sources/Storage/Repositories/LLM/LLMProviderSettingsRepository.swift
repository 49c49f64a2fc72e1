import Domain
import FluentKit
import Foundation

/// The tenant's own LLM providers, their keys sealed with SecretBox.
///
/// Pages read with a ``TenantScope`` and never see a key (a provider carries only the last
/// characters, taken when the key was typed); changes take a ``TenantMember``, so the platform
/// scope cannot even ask. Keys are opened in two places only: ``configurations(companyID:)`` for
/// the workers' calls, and ``credentials(for:)`` for the settings page's test call, which sends a
/// key only to the provider and address it was saved for.
public struct LLMProviderSettingsRepository: Sendable {
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
    public func list(_ scope: TenantScope, companyID: UUID? = nil) async throws -> [TenantLLMProvider] {
        let company = try scope.company(lookingAt: companyID)
        return try await ordered(company, on: persistence.database).map { try $0.toDomain() }
    }

    public func find(_ id: UUID, scope: TenantScope) async throws -> TenantLLMProvider {
        guard let model = try await scopedModel(id, companyID: scope.companyID, on: persistence.database) else { throw StorageError.notFound }
        return try model.toDomain()
    }

    /// Adds a provider (`id` nil, at the end of the order) or changes one. Pass a draft that went
    /// through `TenantLLMProviderDraft.validated()` and a key that went through
    /// `TenantLLMProviderDraft.normalisedKey(_:)`.
    ///
    /// An empty `apiKey` keeps the stored key. A new provider needs one (`FieldErrors` on
    /// `api_key`: `validation_required`), and so does a change of provider or base URL
    /// (`validation_llm_key_for_new_server`): a stored key goes only where it went before, so
    /// nobody can have it sent to a server of their choosing. Throws `alreadyExists` when the
    /// tenant has a key for this provider already, `notFound` for an id that is not the tenant's.
    public func save(_ member: TenantMember, id: UUID?, _ draft: TenantLLMProviderDraft, apiKey: String) async throws -> TenantLLMProvider {
        let key = apiKey.trimmingCharacters(in: .whitespacesAndNewlines)
        let sealed: String? = try key.isEmpty ? nil : secretBox.seal(key)
        let hint = TenantLLMProviderDraft.keyHint(for: key)
        let now = clock.now()
        do {
            return try await persistence.database.transaction { db in
                let model: TenantLLMProviderModel
                if let id {
                    guard let existing = try await scopedModel(id, companyID: member.companyID, on: db) else { throw StorageError.notFound }
                    if sealed == nil, existing.provider != draft.provider.rawValue || existing.baseURL != draft.baseURL {
                        throw FieldErrors(["api_key": "validation_llm_key_for_new_server"])
                    }
                    model = existing
                } else {
                    guard sealed != nil else { throw FieldErrors(["api_key": "validation_required"]) }
                    let last = try await TenantLLMProviderModel.query(on: db).filter(\.$companyID == member.companyID)
                        .sort(\.$position, .descending).first()
                    model = TenantLLMProviderModel()
                    model.id = UUID()
                    model.companyID = member.companyID
                    model.position = (last?.position ?? -1) + 1
                }
                model.provider = draft.provider.rawValue
                model.modelID = draft.model
                model.baseURL = draft.baseURL
                model.isEnabled = draft.isEnabled
                if let sealed {
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

    /// Puts the named providers first, in the given order, and the rest after them in their
    /// current order. Ids of other tenants are ignored. Returns the new order.
    public func reorder(_ member: TenantMember, orderedIDs: [UUID]) async throws -> [TenantLLMProvider] {
        let now = clock.now()
        return try await persistence.database.transaction { db in
            let current = try await ordered(member.companyID, on: db)
            let wanted = orderedIDs.uniqued(by: { $0 })
            let rank = Dictionary(uniqueKeysWithValues: wanted.enumerated().map { ($1, $0) })
            let reordered = current.enumerated().sorted { lhs, rhs in
                let left = (lhs.element.id.flatMap { rank[$0] } ?? wanted.count, lhs.offset)
                let right = (rhs.element.id.flatMap { rank[$0] } ?? wanted.count, rhs.offset)
                return left < right
            }.map { $0.element }
            for (position, model) in reordered.enumerated() where model.position != position {
                model.position = position
                model.updatedAt = now
                try await model.save(on: db)
            }
            return try reordered.map { try $0.toDomain() }
        }
    }

    /// Forgets the provider and its key.
    public func delete(_ member: TenantMember, id: UUID) async throws {
        let db = persistence.database
        guard try await scopedModel(id, companyID: member.companyID, on: db) != nil else { throw StorageError.notFound }
        try await TenantLLMProviderModel.query(on: db).filter(\.$id == id).filter(\.$companyID == member.companyID).delete()
    }

    // MARK: Calls

    /// The tenant's enabled providers in their order, keys in plain text: what the classify
    /// worker calls. Workers only; the keys go to the providers' adapters and nowhere else —
    /// never into a log line, an error message, a job payload or a page. A key sealed under an
    /// older master key is re-sealed under the current one on the way.
    public func configurations(companyID: UUID) async throws -> [LLMProviderCredentials] {
        let db = persistence.database
        let enabled = try await ordered(companyID, on: db).filter(\.isEnabled)
        var opened: [LLMProviderCredentials] = []
        for model in enabled {
            opened.append(try await open(model, on: db))
        }
        return opened
    }

    /// One provider with its key, for the settings page's test call to that same provider and
    /// address (disabled or not). The same care as ``configurations(companyID:)`` applies.
    public func credentials(for provider: TenantLLMProvider) async throws -> LLMProviderCredentials {
        let db = persistence.database
        guard let model = try await scopedModel(provider.id, companyID: provider.companyID, on: db) else { throw StorageError.notFound }
        return try await open(model, on: db)
    }

    // MARK: Helpers

    private func open(_ model: TenantLLMProviderModel, on db: any Database) async throws -> LLMProviderCredentials {
        let provider = try model.toDomain()
        let key = try secretBox.open(model.apiKeySealed)
        if secretBox.needsRotation(model.apiKeySealed) {
            let resealed = try secretBox.seal(key)
            try await TenantLLMProviderModel.query(on: db).filter(\.$id == provider.id).filter(\.$companyID == provider.companyID)
                .set(\.$apiKeySealed, to: resealed).update()
        }
        return LLMProviderCredentials(provider: provider.provider, model: provider.model, baseURL: provider.baseURL, apiKey: key)
    }

    private func ordered(_ companyID: UUID, on db: any Database) async throws -> [TenantLLMProviderModel] {
        try await TenantLLMProviderModel.query(on: db).filter(\.$companyID == companyID)
            .sort(\.$position).sort(\.$provider).all()
    }

    private func scopedModel(_ id: UUID, companyID: UUID?, on db: any Database) async throws -> TenantLLMProviderModel? {
        let query = TenantLLMProviderModel.query(on: db).filter(\.$id == id)
        if let companyID { query.filter(\.$companyID == companyID) }
        return try await query.first()
    }
}

extension TenantLLMProviderModel {
    func toDomain() throws -> TenantLLMProvider {
        guard let kind = LLMProvider(rawValue: provider) else { throw StorageError.corruptRow("tenant_llm_providers.provider") }
        return TenantLLMProvider(
            id: try requireID(), companyID: companyID, provider: kind, model: modelID, baseURL: baseURL, keyHint: keyHint,
            position: position, isEnabled: isEnabled, updatedAt: updatedAt)
    }
}
