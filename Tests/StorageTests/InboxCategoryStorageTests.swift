import Domain
import Foundation
import SQLKit
@testable import Storage
import TestSupport
import Testing

/// Runs on the engine `SMARTYSALES_TEST_DATABASE` names: `scripts/test` runs it on both.
@Suite struct InboxCategoryStorageTests {
    @Test func signUpSeedsTheDefaultsOfTheTenantsLanguageOnce() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка", locale: .ru)
            let scope = TenantScope.tenant(anna)
            let seeded = try await world.categories.list(scope)
            #expect(seeded.map(\.name) == ["Заявка", "Счёт", "Поддержка", "Резюме", "Рассылка", "Спам"])
            #expect(seeded.map(\.position) == Array(0..<6))
            #expect(seeded.allSatisfy { $0.isActive && $0.labelName.hasPrefix("SmartySales/") && $0.examples.count >= 2 })
            let rules = try await world.rules.list(scope)
            #expect(Set(rules.map(\.categoryID)) == Set(seeded.map(\.id)))
            #expect(rules.allSatisfy { $0.isEnabled && $0.actions == .labelOnly })

            #expect(try await world.categories.seedDefaults(companyID: anna.companyID, locale: .ru) == false)
            #expect(try await world.categories.seedDefaults(companyID: anna.companyID, locale: .en) == false, "a tenant with categories is left alone")
            #expect(try await world.categories.list(scope).count == 6)
            #expect(try await world.rules.list(scope).count == 6)

            let john = try await world.tenant("john@acme.com", company: "Acme", locale: .en)
            #expect(try await world.categories.list(.tenant(john)).map(\.name) == ["Lead", "Invoice", "Support", "CV", "Newsletter", "Spam"])
        }
    }

    @Test func onlyATenantWithoutAnyCategoryIsSeeded() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let scope = TenantScope.tenant(anna)
            for category in try await world.categories.list(scope) {
                _ = try await world.categories.setActive(anna, id: category.id, active: false)
            }
            #expect(try await world.categories.activeCategories(companyID: anna.companyID).isEmpty)
            #expect(try await world.categories.seedDefaults(companyID: anna.companyID, locale: .ru) == false, "inactive categories still count")

            // A tenant from before categories existed has none at all.
            try await db.sql.raw("DELETE FROM inbox_categories WHERE company_id = \(bind: anna.companyID)").run()
            #expect(try await world.rules.list(scope).isEmpty, "rules go with their categories")
            #expect(try await world.categories.seedDefaults(companyID: anna.companyID, locale: .ru))
            #expect(try await world.categories.activeCategories(companyID: anna.companyID).count == 6)
            #expect(try await world.rules.list(scope).count == 6)
        }
    }

    @Test func categoriesAreEditableAndOrdered() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let scope = TenantScope.tenant(anna)
            let draft = try InboxCategoryDraft(name: "Партнёрство", description: "Предложения о сотрудничестве",
                                               examples: ["Предлагаем стать дилером"], labelName: "SmartySales/Партнёрство",
                                               colour: "#5E35B1").validated()
            let partnership = try await world.categories.create(anna, draft)
            #expect(partnership.position == 6 && partnership.colour == "#5e35b1")
            #expect(try await world.rules.rule(forCategory: partnership.id, scope: scope)?.actions == .labelOnly)
            await #expect(throws: StorageError.alreadyExists) { _ = try await world.categories.create(anna, draft) }

            var edited = draft
            edited.name = "Партнёры"
            edited.examples = ["Предлагаем стать дилером", "Хотим представлять вашу продукцию в регионе"]
            let renamed = try await world.categories.update(anna, id: partnership.id, edited)
            #expect(renamed.name == "Партнёры" && renamed.examples.count == 2 && renamed.position == 6)
            var clash = edited
            clash.name = "Заявка"
            await #expect(throws: StorageError.alreadyExists) { _ = try await world.categories.update(anna, id: partnership.id, clash) }

            _ = try await world.categories.setActive(anna, id: partnership.id, active: false)
            #expect(try await world.categories.activeCategories(companyID: anna.companyID).count == 6)
            #expect(try await world.categories.list(scope).count == 7)

            let before = try await world.categories.list(scope)
            let reordered = try await world.categories.reorder(anna, orderedIDs: [partnership.id, before[5].id, UUID()])
            #expect(reordered.map(\.name) == ["Партнёры", "Спам", "Заявка", "Счёт", "Поддержка", "Резюме", "Рассылка"])
            #expect(try await world.categories.list(scope).map(\.position) == Array(0..<7))
        }
    }

    @Test func anotherTenantCannotTouchCategoriesRulesOrSettings() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            let annas = try await world.categories.list(.tenant(anna))
            let target = annas[0]
            let draft = InboxCategoryDraft(name: "Взлом", description: "", examples: [], labelName: "x", colour: "#000000")
            await #expect(throws: StorageError.notFound) { _ = try await world.categories.find(target.id, scope: .tenant(boris)) }
            await #expect(throws: StorageError.notFound) { _ = try await world.categories.update(boris, id: target.id, draft) }
            await #expect(throws: StorageError.notFound) { _ = try await world.categories.setActive(boris, id: target.id, active: false) }
            await #expect(throws: StorageError.notFound) {
                _ = try await world.rules.save(boris, categoryID: target.id, actions: InboxRuleActions(markAsRead: true), isEnabled: false)
            }
            let annasRule = try #require(try await world.rules.rule(forCategory: target.id, scope: .tenant(anna)))
            await #expect(throws: StorageError.notFound) { _ = try await world.rules.setEnabled(boris, ruleID: annasRule.id, enabled: false) }
            await #expect(throws: StorageError.notFound) { try await world.rules.delete(boris, ruleID: annasRule.id) }
            #expect(try await world.rules.rule(forCategory: target.id, scope: .tenant(boris)) == nil)
            _ = try await world.categories.reorder(boris, orderedIDs: annas.reversed().map(\.id))
            #expect(try await world.categories.list(.tenant(anna)) == annas, "nothing of A's changed")
            #expect(try await world.rules.rule(forCategory: target.id, scope: .tenant(anna)) == annasRule)
            await #expect(throws: StorageError.notFound) {
                _ = try await world.categories.list(.tenant(boris), companyID: anna.companyID)
            }

            let platform = TenantScope.platform(userID: UUID())
            #expect(try await world.categories.list(platform, companyID: anna.companyID) == annas)
            await #expect(throws: StorageError.notFound) { _ = try await world.categories.list(platform) }
            #expect(try await world.rules.settings(platform, companyID: anna.companyID).needsReviewLabel == "SmartySales/На проверку")
        }
    }

    @Test func rulesAndSettingsAreSavedPerTenant() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let john = try await world.tenant("john@acme.com", company: "Acme", locale: .en)
            let scope = TenantScope.tenant(anna)
            let spam = try await world.categories.list(scope)[5]
            let actions = try InboxRuleActions(applyLabel: true, markAsRead: true, moveToFolder: " Спам ").validated()
            let saved = try await world.rules.save(anna, categoryID: spam.id, actions: actions, isEnabled: true)
            #expect(saved.actions == InboxRuleActions(applyLabel: true, markAsRead: true, moveToFolder: "Спам"))
            let again = try await world.rules.save(anna, categoryID: spam.id, actions: .labelOnly, isEnabled: false)
            #expect(again.id == saved.id && !again.isEnabled && again.actions == .labelOnly, "one rule per category, updated in place")
            #expect(try await world.rules.setEnabled(anna, ruleID: again.id, enabled: true).isEnabled)
            try await world.rules.delete(anna, ruleID: again.id)
            #expect(try await world.rules.rule(forCategory: spam.id, scope: scope) == nil)
            #expect(try await world.rules.rules(companyID: anna.companyID).count == 5)

            #expect(try await world.rules.settings(scope) == InboxSettings.defaults(companyID: anna.companyID, locale: .ru))
            #expect(try await world.rules.settings(companyID: john.companyID).needsReviewLabel == "SmartySales/Needs review")
            let settings = try InboxSettings(companyID: anna.companyID, needsReviewLabel: "Проверить", reviewThreshold: 0.75).validated()
            _ = try await world.rules.updateSettings(anna, needsReviewLabel: settings.needsReviewLabel, reviewThreshold: settings.reviewThreshold)
            let updated = try await world.rules.updateSettings(anna, needsReviewLabel: "Проверить вручную", reviewThreshold: 0.7)
            #expect(updated == InboxSettings(companyID: anna.companyID, needsReviewLabel: "Проверить вручную", reviewThreshold: 0.7))
            #expect(try await world.rules.settings(companyID: john.companyID).reviewThreshold == InboxSettings.defaultReviewThreshold)
        }
    }
}
