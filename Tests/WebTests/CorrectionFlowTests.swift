import Domain
import Foundation
import HummingbirdTesting
import Storage
import Testing
@testable import Web

/// People's corrections on the categories page: counted per category, listed newest first with
/// "from → to", who and when, and deleted by those who may correct a category.
@Suite struct CorrectionFlowTests {
    @Test func correctionsAreListedCountedAndDeletedButNotByAViewer() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            try await Flows.addUser(anna, email: "vera@romashka.ru", role: "viewer")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, member)
            let message = try #require(try await InboxFixtures.store(app, [
                InboxFixtures.message(1, subject: "Счёт на оплату №77", from: "buh@supplier.ru"),
            ], in: mailbox).first)
            let lead = try await InboxFixtures.category(app, member, named: "Заявка")
            let invoice = try await InboxFixtures.category(app, member, named: "Счёт")
            try await app.services.classifications.save([
                NewClassification(messageID: message.id, categoryID: lead.id, confidence: 0.7, reason: "", source: "embedded", needsReview: false),
            ], companyID: member.companyID)

            let before = try await anna.get("/categories")
            #expect(before.text.contains(InboxFixtures.html(app, "corrections_empty", .ru)))
            #expect(!before.text.contains("Счёт на оплату №77"))

            let corrected = try await anna.post("/inbox/\(message.id.uuidString)/category", [("category_id", invoice.id.uuidString)],
                                                tokenFrom: "/inbox/\(message.id.uuidString)")
            #expect(corrected.location == "/inbox/\(message.id.uuidString)")
            let correction = try #require(try await app.services.classifications.corrections(.tenant(member)).first)
            #expect(correction.previousCategoryID == lead.id && correction.categoryID == invoice.id)

            let page = try await anna.get("/categories")
            #expect(page.status == .ok)
            #expect(!page.text.contains(InboxFixtures.html(app, "corrections_empty", .ru)))
            #expect(page.text.contains("Счёт на оплату №77"))
            #expect(page.text.contains("buh@supplier.ru"))
            #expect(page.text.contains("Заявка → Счёт"), "from → to")
            #expect(page.text.contains("\(InboxFixtures.html(app, "categories_corrections_count", .ru)): 1"), "counted in the categories table")
            let deletePath = "/categories/corrections/\(correction.id.uuidString)/delete"
            #expect(page.text.contains("action=\"\(deletePath)\""))

            // A viewer sees the list but may not delete.
            let vera = Browser(client)
            try await Flows.logIn(vera, email: "vera@romashka.ru", password: "temporary password 1")
            try await vera.post("/account/password", [
                ("current_password", "temporary password 1"), ("new_password", "vera own password"), ("new_password_confirm", "vera own password"),
            ], tokenFrom: "/account")
            let veraPage = try await vera.get("/categories")
            #expect(veraPage.text.contains("Счёт на оплату №77"))
            #expect(veraPage.text.contains("Анна Петрова"), "who corrected it (the page is Vera's, so the name comes from the list)")
            #expect(!veraPage.text.contains("action=\"\(deletePath)\""), "no delete button for a viewer")
            let refused = try await vera.post(deletePath, [], tokenFrom: "/categories")
            #expect(refused.status == .forbidden)
            #expect(try await app.services.classifications.corrections(.tenant(member)).count == 1)

            // The owner deletes it: forgotten as an example, the message keeps its category.
            let deleted = try await anna.post(deletePath, [], tokenFrom: "/categories")
            #expect(deleted.location == "/categories")
            #expect(try await app.services.classifications.corrections(.tenant(member)).isEmpty)
            #expect(try await app.services.classifications.trainingExamples(companyID: member.companyID).isEmpty)
            #expect(try await app.services.classifications.classification(forMessage: message.id, scope: .tenant(member))?.categoryID == invoice.id)
            let after = try await anna.get("/categories")
            #expect(after.text.contains(InboxFixtures.html(app, "flash_correction_deleted", .ru)))
            #expect(!after.text.contains("action=\"\(deletePath)\""))
            #expect(try await anna.post(deletePath, [], tokenFrom: "/categories").status == .notFound, "gone")

            let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(kind: "inbox.correction_deleted"), page: 1)
            let event = try #require(trail.events.first)
            #expect(event.details["correction_id"] == correction.id.uuidString)
            #expect(event.details["message_id"] == message.id.uuidString)
            #expect(event.details["category_id"] == invoice.id.uuidString)
        }
    }
}
