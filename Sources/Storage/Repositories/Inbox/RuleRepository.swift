import Domain
import FluentKit
import Foundation
import SQLKit

/// Processing rules (one per category) and the tenant's inbox settings (the "needs review"
/// label and the confidence below which a verdict goes to review).
public struct RuleRepository: Sendable {
    let persistence: Persistence
    let clock: any StorageClock

    public init(persistence: Persistence, clock: any StorageClock = SystemStorageClock()) {
        self.persistence = persistence
        self.clock = clock
    }

    // MARK: Rules

    /// The tenant's rules; the platform scope names the company it looks at.
    public func list(_ scope: TenantScope, companyID: UUID? = nil) async throws -> [InboxRule] {
        let company = try scope.company(lookingAt: companyID)
        return try await rules(companyID: company)
    }

    /// The rule of a category, or `nil` when it has none.
    public func rule(forCategory categoryID: UUID, scope: TenantScope) async throws -> InboxRule? {
        let query = InboxRuleModel.query(on: persistence.database).filter(\.$categoryID == categoryID)
        if let company = scope.companyID { query.filter(\.$companyID == company) }
        return try await query.first()?.toDomain()
    }

    /// Sets the rule of one of the tenant's categories (creating it if the category has none).
    /// Pass actions that went through `InboxRuleActions.validated()`.
    public func save(_ member: TenantMember, categoryID: UUID, actions: InboxRuleActions, isEnabled: Bool) async throws -> InboxRule {
        let now = clock.now()
        let db = persistence.database
        guard try await InboxCategoryModel.query(on: db).filter(\.$id == categoryID).filter(\.$companyID == member.companyID).first() != nil else {
            throw StorageError.notFound
        }
        try await db.asSQL.insert(into: InboxRuleModel.schema)
            .columns("id", "company_id", "category_id", "apply_label", "mark_as_read", "move_to_folder", "is_enabled", "created_at", "updated_at")
            .values([
                SQLBind(UUID()), SQLBind(member.companyID), SQLBind(categoryID), SQLBind(actions.applyLabel), SQLBind(actions.markAsRead),
                SQLBind(actions.moveToFolder), SQLBind(isEnabled), SQLBind(now), SQLBind(now),
            ] as [any SQLExpression])
            .onConflict(with: ["company_id", "category_id"]) {
                $0.set(excludedValueOf: "apply_label").set(excludedValueOf: "mark_as_read").set(excludedValueOf: "move_to_folder")
                    .set(excludedValueOf: "is_enabled").set(excludedValueOf: "updated_at")
            }
            .run()
        guard let model = try await InboxRuleModel.query(on: db).filter(\.$categoryID == categoryID)
            .filter(\.$companyID == member.companyID).first() else { throw StorageError.notFound }
        return try model.toDomain()
    }

    /// Switches a rule on or off; a switched-off rule leaves messages untouched in the mailbox.
    public func setEnabled(_ member: TenantMember, ruleID: UUID, enabled: Bool) async throws -> InboxRule {
        let db = persistence.database
        guard let model = try await InboxRuleModel.query(on: db).filter(\.$id == ruleID).filter(\.$companyID == member.companyID).first() else {
            throw StorageError.notFound
        }
        model.isEnabled = enabled
        model.updatedAt = clock.now()
        try await model.save(on: db)
        return try model.toDomain()
    }

    public func delete(_ member: TenantMember, ruleID: UUID) async throws {
        let db = persistence.database
        guard try await InboxRuleModel.query(on: db).filter(\.$id == ruleID).filter(\.$companyID == member.companyID).first() != nil else {
            throw StorageError.notFound
        }
        try await InboxRuleModel.query(on: db).filter(\.$id == ruleID).filter(\.$companyID == member.companyID).delete()
    }

    /// Every rule of the tenant (switched-off ones too: `LabelPlan` checks), for the label planner.
    public func rules(companyID: UUID) async throws -> [InboxRule] {
        try await InboxRuleModel.query(on: persistence.database).filter(\.$companyID == companyID)
            .sort(\.$createdAt).all().map { try $0.toDomain() }
    }

    // MARK: Settings

    /// The tenant's inbox settings; the defaults of its language until someone saves them.
    public func settings(_ scope: TenantScope, companyID: UUID? = nil) async throws -> InboxSettings {
        let company = try scope.company(lookingAt: companyID)
        return try await settings(companyID: company)
    }

    /// The settings for the classify and label workers.
    public func settings(companyID: UUID) async throws -> InboxSettings {
        let db = persistence.database
        if let model = try await InboxSettingsModel.query(on: db).filter(\.$companyID == companyID).first() {
            return model.toDomain()
        }
        guard let company = try await CompanyModel.find(companyID, on: db) else { throw StorageError.notFound }
        return InboxSettings.defaults(companyID: companyID, locale: AppLocale(rawValue: company.defaultLocale) ?? .fallback)
    }

    /// Saves the tenant's settings; check them with `InboxSettings.validated()` first.
    public func updateSettings(_ member: TenantMember, needsReviewLabel: String, reviewThreshold: Double) async throws -> InboxSettings {
        let now = clock.now()
        try await persistence.sql.insert(into: InboxSettingsModel.schema)
            .columns("id", "company_id", "needs_review_label", "review_threshold", "updated_at")
            .values([SQLBind(UUID()), SQLBind(member.companyID), SQLBind(needsReviewLabel), SQLBind(reviewThreshold), SQLBind(now)] as [any SQLExpression])
            .onConflict(with: ["company_id"]) {
                $0.set(excludedValueOf: "needs_review_label").set(excludedValueOf: "review_threshold").set(excludedValueOf: "updated_at")
            }
            .run()
        return try await settings(companyID: member.companyID)
    }
}
