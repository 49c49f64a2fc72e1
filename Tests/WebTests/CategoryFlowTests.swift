import Domain
import Foundation
import HummingbirdTesting
import Storage
import Testing
@testable import Web

/// Categories and their rules through the real app: the defaults, adding, editing, order,
/// switching off, duplicate names, and the inbox settings.
@Suite struct CategoryFlowTests {
    static func fields(name: String, label: String = "", colour: String = "#123ABC", examples: String = "Просим выставить счёт\r\nЖдём предложение",
                       extra: [(String, String)] = [("is_active", "1"), ("apply_label", "1"), ("mark_as_read", "1"), ("rule_enabled", "1")],
                       folder: String = "Archive/Partners") -> [(String, String)] {
        [("name", name), ("description", "Письма от партнёров и дилеров"), ("examples", examples), ("label_name", label), ("colour", colour),
         ("move_to_folder", folder)] + extra
    }

    @Test func categoriesAreAddedEditedReorderedAndSwitchedOff() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let list = try await anna.get("/categories")
            #expect(list.status == .ok)
            for name in ["Заявка", "Счёт", "Поддержка", "Резюме", "Рассылка", "Спам"] { #expect(list.text.contains(name), "default \(name)") }

            let added = try await anna.post("/categories", Self.fields(name: "Партнёры"), tokenFrom: "/categories/new")
            #expect(added.location == "/categories")
            let partners = try await InboxFixtures.category(app, member, named: "Партнёры")
            #expect(partners.labelName == "SmartySales/Партнёры", "a blank label is made from the name")
            #expect(partners.colour == "#123abc")
            #expect(partners.examples == ["Просим выставить счёт", "Ждём предложение"])
            #expect(partners.isActive)
            let all = try await app.services.categories.list(.tenant(member))
            #expect(all.last?.id == partners.id, "a new category goes to the end")
            let rule = try #require(try await app.services.rules.rule(forCategory: partners.id, scope: .tenant(member)))
            #expect(rule.actions == InboxRuleActions(applyLabel: true, markAsRead: true, moveToFolder: "Archive/Partners"))
            #expect(rule.isEnabled)
            let shown = try await anna.get("/categories")
            #expect(shown.text.contains(InboxFixtures.html(app, "flash_category_added", .ru)))
            #expect(shown.text.contains("fill=\"#123abc\""), "the colour swatch")

            // The same name again is a field error.
            let duplicate = try await anna.post("/categories", Self.fields(name: "Партнёры"), tokenFrom: "/categories/new")
            #expect(duplicate.status == .unprocessableContent)
            #expect(duplicate.text.contains(InboxFixtures.html(app, "validation_category_exists", .ru)))
            #expect(duplicate.text.contains("value=\"Партнёры\""))
            let invalid = try await anna.post("/categories", Self.fields(name: "", colour: "blue", folder: "a//b"), tokenFrom: "/categories/new")
            #expect(invalid.status == .unprocessableContent)
            for key in ["validation_required", "validation_colour", "validation_folder_name"] {
                #expect(invalid.text.contains(InboxFixtures.html(app, key, .ru)), "\(key)")
            }

            // Editing: a new name and label, the rule switched off.
            let edit = try await anna.get("/categories/\(partners.id.uuidString)/edit")
            #expect(edit.status == .ok)
            #expect(edit.text.contains("Просим выставить счёт\nЖдём предложение"), "examples one per line")
            let saved = try await anna.post("/categories/\(partners.id.uuidString)",
                                            Self.fields(name: "Партнёры и дилеры", label: "Дилеры", extra: [("is_active", "1"), ("apply_label", "1")], folder: ""))
            #expect(saved.location == "/categories")
            let edited = try await app.services.categories.find(partners.id, scope: .tenant(member))
            #expect(edited.name == "Партнёры и дилеры")
            #expect(edited.labelName == "Дилеры")
            let editedRule = try #require(try await app.services.rules.rule(forCategory: partners.id, scope: .tenant(member)))
            #expect(editedRule.isEnabled == false)
            #expect(editedRule.actions == InboxRuleActions(applyLabel: true, markAsRead: false, moveToFolder: nil))
            #expect(try await anna.get("/categories").text.contains(InboxFixtures.html(app, "categories_rule_off", .ru)))
            let clash = try await anna.post("/categories/\(partners.id.uuidString)", Self.fields(name: "Спам"), tokenFrom: "/categories/\(partners.id.uuidString)/edit")
            #expect(clash.status == .unprocessableContent)
            #expect(clash.text.contains(InboxFixtures.html(app, "validation_category_exists", .ru)))

            // Up one place, then the first one up (nothing moves, nothing fails).
            let before = try await app.services.categories.list(.tenant(member)).map(\.id)
            let up = try await anna.post("/categories/\(partners.id.uuidString)/move", [("direction", "up")], tokenFrom: "/categories")
            #expect(up.location == "/categories")
            var expected = before
            expected.swapAt(before.count - 1, before.count - 2)
            #expect(try await app.services.categories.list(.tenant(member)).map(\.id) == expected)
            let first = try #require(expected.first)
            #expect(try await anna.post("/categories/\(first.uuidString)/move", [("direction", "up")], tokenFrom: "/categories").location == "/categories")
            #expect(try await app.services.categories.list(.tenant(member)).map(\.id) == expected)
            #expect(try await anna.post("/categories/\(first.uuidString)/move", [("direction", "sideways")], tokenFrom: "/categories").status == .badRequest)

            let off = try await anna.post("/categories/\(partners.id.uuidString)/deactivate", [], tokenFrom: "/categories")
            #expect(off.location == "/categories")
            #expect(try await app.services.categories.find(partners.id, scope: .tenant(member)).isActive == false)
            #expect(try await app.services.categories.activeCategories(companyID: member.companyID).contains { $0.id == partners.id } == false)
            #expect(try await anna.post("/categories/\(partners.id.uuidString)/activate", [], tokenFrom: "/categories").location == "/categories")
            #expect(try await app.services.categories.find(partners.id, scope: .tenant(member)).isActive)

            let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(), page: 1, pageSize: 500)
            let kinds = Set(trail.events.map(\.kind))
            #expect(kinds.isSuperset(of: ["category.created", "category.updated", "category.moved", "category.deactivated", "category.activated"]))
        }
    }

    @Test func inboxSettingsAreValidated() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let page = try await anna.get("/categories")
            #expect(page.text.contains("value=\"SmartySales/На проверку\""))
            #expect(page.text.contains("value=\"0.60\""))

            let saved = try await anna.post("/categories/settings", [("needs_review_label", "SmartySales/Проверить"), ("review_threshold", "0,75")])
            #expect(saved.location == "/categories")
            let settings = try await app.services.rules.settings(.tenant(member))
            #expect(settings.needsReviewLabel == "SmartySales/Проверить")
            #expect(settings.reviewThreshold == 0.75)

            let wrong = try await anna.post("/categories/settings", [("needs_review_label", "a//b"), ("review_threshold", "2")], tokenFrom: "/categories")
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains(InboxFixtures.html(app, "validation_threshold", .ru)))
            #expect(wrong.text.contains(InboxFixtures.html(app, "validation_label_name", .ru)))
            #expect(wrong.text.contains("value=\"2\""), "what was typed stays")
            #expect(try await app.services.rules.settings(.tenant(member)).reviewThreshold == 0.75)
        }
    }
}
