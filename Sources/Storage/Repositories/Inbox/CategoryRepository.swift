import Domain
import FluentKit
import Foundation
import SQLKit

/// A tenant's inbox categories. Each category gets a rule ("apply its label") when it is made,
/// so a new category does something until the tenant says otherwise.
public struct CategoryRepository: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    // MARK: Reading

    /// The tenant's categories in their order, inactive ones included. The platform scope
    /// names the company it looks at.
    public func list(_ scope: TenantScope, companyID: UUID? = nil) async throws -> [InboxCategory] {
        let company = try scope.company(lookingAt: companyID)
        return try await ordered(company, on: persistence.database).map { try $0.toDomain() }
    }

    public func find(_ id: UUID, scope: TenantScope) async throws -> InboxCategory {
        guard let model = try await scopedModel(id, companyID: scope.companyID, on: persistence.database) else { throw StorageError.notFound }
        return try model.toDomain()
    }

    /// The categories a classifier may choose from (classify worker), in order.
    public func activeCategories(companyID: UUID) async throws -> [InboxCategory] {
        try await ordered(companyID, on: persistence.database).filter(\.isActive).map { try $0.toDomain() }
    }

    // MARK: Changing

    /// Adds a category at the end, with an enabled "apply its label" rule. Pass a draft that went
    /// through `InboxCategoryDraft.validated()`. Throws `alreadyExists` for a name in use.
    public func create(_ member: TenantMember, _ draft: InboxCategoryDraft) async throws -> InboxCategory {
        let now = clock.now()
        do {
            return try await persistence.database.transaction { db in
                let last = try await InboxCategoryModel.query(on: db).filter(\.$companyID == member.companyID)
                    .sort(\.$position, .descending).first()
                let model = InboxCategoryModel()
                model.id = UUID()
                model.companyID = member.companyID
                model.apply(draft)
                model.position = (last?.position ?? -1) + 1
                model.createdAt = now
                model.updatedAt = now
                try await model.create(on: db)
                let rule = InboxRuleModel.fresh(companyID: member.companyID, categoryID: try model.requireID(), now: now)
                try await rule.create(on: db)
                return try model.toDomain()
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw StorageError.alreadyExists
        }
    }

    /// Replaces name, description, examples, label, colour and the active switch.
    public func update(_ member: TenantMember, id: UUID, _ draft: InboxCategoryDraft) async throws -> InboxCategory {
        let db = persistence.database
        guard let model = try await scopedModel(id, companyID: member.companyID, on: db) else { throw StorageError.notFound }
        model.apply(draft)
        model.updatedAt = clock.now()
        do {
            try await model.save(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw StorageError.alreadyExists
        }
        return try model.toDomain()
    }

    /// Deactivating keeps the category and its history; classifiers stop offering it.
    public func setActive(_ member: TenantMember, id: UUID, active: Bool) async throws -> InboxCategory {
        let db = persistence.database
        guard let model = try await scopedModel(id, companyID: member.companyID, on: db) else { throw StorageError.notFound }
        model.isActive = active
        model.updatedAt = clock.now()
        try await model.save(on: db)
        return try model.toDomain()
    }

    /// Puts the named categories first, in the given order, and the rest after them in their
    /// current order. Ids of other tenants are ignored. Returns the new order.
    public func reorder(_ member: TenantMember, orderedIDs: [UUID]) async throws -> [InboxCategory] {
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

    // MARK: Defaults

    /// Gives a tenant the starter categories of its language (with "apply its label" rules),
    /// unless it has categories already. Returns whether anything was added. Sign-up does this
    /// in its own transaction; this is for tenants created before categories existed.
    @discardableResult
    public func seedDefaults(companyID: UUID, locale: AppLocale) async throws -> Bool {
        let now = clock.now()
        return try await persistence.database.transaction { db in
            try await Self.seedDefaults(companyID: companyID, locale: locale, now: now, on: db)
        }
    }

    /// The seeding itself, on the caller's connection (inside sign-up's transaction). Idempotent:
    /// a tenant with any category is left alone, and the unique (company, name) index makes a
    /// concurrent second seeding insert nothing.
    @discardableResult
    static func seedDefaults(companyID: UUID, locale: AppLocale, now: Date, on db: any Database) async throws -> Bool {
        guard try await InboxCategoryModel.query(on: db).filter(\.$companyID == companyID).count() == 0 else { return false }
        let sql = db.asSQL
        let insert = sql.insert(into: InboxCategoryModel.schema)
            .columns("id", "company_id", "name", "description", "examples", "label_name", "colour", "position", "is_active", "created_at", "updated_at")
        for (position, draft) in InboxCategory.defaults(for: locale).enumerated() {
            insert.values([
                SQLBind(UUID()), SQLBind(companyID), SQLBind(draft.name), SQLBind(draft.description),
                SQLBind(JSONText.encode(draft.examples)), SQLBind(draft.labelName), SQLBind(draft.colour), SQLBind(position),
                SQLBind(draft.isActive), SQLBind(now), SQLBind(now),
            ] as [any SQLExpression])
        }
        let created = try await insert.ignoringConflicts().returning("id").all().map { try $0.decode(column: "id", as: UUID.self) }
        guard !created.isEmpty else { return false }
        let rules = sql.insert(into: InboxRuleModel.schema)
            .columns("id", "company_id", "category_id", "apply_label", "mark_as_read", "move_to_folder", "is_enabled", "created_at", "updated_at")
        for categoryID in created {
            let actions = InboxRuleActions.labelOnly
            rules.values([
                SQLBind(UUID()), SQLBind(companyID), SQLBind(categoryID), SQLBind(actions.applyLabel), SQLBind(actions.markAsRead),
                SQLLiteral.null, SQLBind(true), SQLBind(now), SQLBind(now),
            ] as [any SQLExpression])
        }
        try await rules.ignoringConflicts().run()
        return true
    }

    // MARK: Helpers

    private func ordered(_ companyID: UUID, on db: any Database) async throws -> [InboxCategoryModel] {
        try await InboxCategoryModel.query(on: db).filter(\.$companyID == companyID)
            .sort(\.$position).sort(\.$createdAt).sort(\.$name).all()
    }

    private func scopedModel(_ id: UUID, companyID: UUID?, on db: any Database) async throws -> InboxCategoryModel? {
        let query = InboxCategoryModel.query(on: db).filter(\.$id == id)
        if let companyID { query.filter(\.$companyID == companyID) }
        return try await query.first()
    }
}

extension InboxRuleModel {
    /// The rule every new category starts with: apply its label, enabled.
    static func fresh(companyID: UUID, categoryID: UUID, now: Date, actions: InboxRuleActions = .labelOnly, isEnabled: Bool = true) -> InboxRuleModel {
        let model = InboxRuleModel()
        model.id = UUID()
        model.companyID = companyID
        model.categoryID = categoryID
        model.applyLabel = actions.applyLabel
        model.markAsRead = actions.markAsRead
        model.moveToFolder = actions.moveToFolder
        model.isEnabled = isEnabled
        model.createdAt = now
        model.updatedAt = now
        return model
    }
}
