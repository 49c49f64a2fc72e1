import Domain
import Foundation
import HummingbirdTesting
import Storage
import Testing
@testable import Web

/// Triage in the reader's language and without losing one's place: the embedded classifier's
/// reasons worded in Russian with the best guess by name, no category pre-filled by accident,
/// the unclassified filter, the card's way back to the filtered list, and mail problems worded
/// from their stored codes.
@Suite struct InboxTriageFlowTests {
    static func ru(_ app: TestApp, _ key: String, _ values: [String: String]) -> String {
        LocalizedTemplates.escape(app.services.renderer.localizer.text(key, .ru, values: values))
    }

    @Test func embeddedReasonsReadInRussianWithTheBestGuessByNameAndPreselected() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, member)
            let lead = try await InboxFixtures.category(app, member, named: "Заявка")
            let invoice = try await InboxFixtures.category(app, member, named: "Счёт")
            let stored = try await InboxFixtures.store(app, (1...3).map { InboxFixtures.message($0) }, in: mailbox)
            let (sure, guessed, lost) = (stored[0], stored[1], stored[2])
            // The forms the embedded classifier has always stored.
            try await app.services.classifications.save([
                NewClassification(messageID: sure.id, categoryID: lead.id, confidence: 0.91, reason: "local classifier",
                                  source: MessageClassification.embeddedSource, needsReview: false),
                NewClassification(messageID: guessed.id, categoryID: nil, confidence: 0.41,
                                  reason: "local classifier unsure; best guess \(invoice.id.uuidString)",
                                  source: MessageClassification.embeddedSource, needsReview: true),
                NewClassification(messageID: lost.id, categoryID: nil, confidence: 0.2, reason: "local classifier unsure",
                                  source: MessageClassification.embeddedSource, needsReview: true),
            ], companyID: member.companyID)

            let sureCard = try await anna.get("/inbox/\(sure.id.uuidString)")
            #expect(sureCard.text.contains(InboxFixtures.html(app, "inbox_reason_embedded", .ru)))
            #expect(!sureCard.text.contains("local classifier"))
            #expect(sureCard.text.contains("<option value=\"\(lead.id.uuidString)\" selected>"), "its own category is chosen")
            #expect(!sureCard.text.contains("<option value=\"\" selected>"), "no empty choice when one is chosen")

            let guessCard = try await anna.get("/inbox/\(guessed.id.uuidString)")
            #expect(guessCard.text.contains(Self.ru(app, "inbox_reason_embedded_best_guess", ["category": "Счёт"])), "\(guessCard.text)")
            #expect(guessCard.text.contains("«Счёт»"))
            #expect(!guessCard.text.contains("local classifier"))
            #expect(!guessCard.text.contains("best guess"))
            #expect(guessCard.text.contains("<option value=\"\(invoice.id.uuidString)\" selected>"), "the best guess is pre-selected")
            #expect(!guessCard.text.contains("<option value=\"\" selected>"))

            let lostCard = try await anna.get("/inbox/\(lost.id.uuidString)")
            #expect(lostCard.text.contains(InboxFixtures.html(app, "inbox_reason_embedded_unsure", .ru)))
            #expect(lostCard.text.contains("<option value=\"\" selected>\(InboxFixtures.html(app, "inbox_correct_choose", .ru))</option>"))
            #expect(lostCard.text.contains("name=\"category_id\" required"), "the browser will not send the empty choice")
            for category in try await app.services.categories.list(.tenant(member)) {
                #expect(!lostCard.text.contains("<option value=\"\(category.id.uuidString)\" selected>"), "nothing but the empty choice is selected")
            }

            // Sent anyway (no browser check): refused, nothing filed.
            let empty = try await anna.post("/inbox/\(lost.id.uuidString)/category", [("category_id", "")], tokenFrom: "/inbox/\(lost.id.uuidString)")
            #expect(empty.location == "/inbox/\(lost.id.uuidString)")
            let verdict = try await app.services.classifications.classification(forMessage: lost.id, scope: .tenant(member))
            #expect(verdict?.categoryID == nil)
            #expect(verdict?.isCorrected == false)

            // In English the same row reads in English; a model's words stay as it wrote them.
            let localizer = app.services.renderer.localizer
            let row = try #require(try await app.services.classifications.classification(forMessage: guessed.id, scope: .tenant(member)))
            let english = InboxController.reasonText(row, categories: [invoice.id: invoice], localizer: localizer, locale: .en)
            #expect(english == localizer.text("inbox_reason_embedded_best_guess", .en, values: ["category": "Счёт"]))
            #expect(english?.contains("Счёт") == true)
            var model = row
            model.source = "llm:openai/gpt-4.1-mini"
            #expect(InboxController.reasonText(model, categories: [invoice.id: invoice], localizer: localizer, locale: .ru) == row.reason)
        }
    }

    @Test func theUnclassifiedFilterListsTheMessagesWithoutAVerdict() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, member)
            let lead = try await InboxFixtures.category(app, member, named: "Заявка")
            let now = Date()
            let stored = try await InboxFixtures.store(app, (1...3).map {
                InboxFixtures.message($0, receivedAt: now.addingTimeInterval(-Double($0) * 60))
            }, in: mailbox)
            try await app.services.classifications.save([
                NewClassification(messageID: stored[0].id, categoryID: lead.id, confidence: 0.9, reason: "Запрос", source: "llm:openai/gpt-4.1-mini", needsReview: false),
            ], companyID: member.companyID)

            let page = try await anna.get("/inbox")
            #expect(page.text.contains("<a href=\"/inbox?unclassified=1\">\(InboxFixtures.html(app, "inbox_stat_unclassified", .ru))</a>"),
                    "the count links to the filter")
            let filtered = try await anna.get("/inbox?unclassified=1")
            #expect(InboxFlowTests.messageLinks(filtered.text) == [stored[1].id.uuidString, stored[2].id.uuidString])
            #expect(filtered.text.contains("name=\"unclassified\" type=\"checkbox\" value=\"1\" checked"))
            #expect(InboxFlowTests.messageLinks(page.text).count == 3)
            #expect(!page.text.contains("value=\"1\" checked"), "no filter ticked on the plain list")
        }
    }

    @Test func theCardGoesBackToTheFilteredListAndNowhereElse() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, member)
            let lead = try await InboxFixtures.category(app, member, named: "Заявка")
            let message = try #require(try await InboxFixtures.store(app, [InboxFixtures.message(1, subject: "Кабель")], in: mailbox).first)
            try await app.services.classifications.save([
                NewClassification(messageID: message.id, categoryID: nil, confidence: 0.3, reason: "Неясно", source: "llm:openai/gpt-4.1-mini", needsReview: true),
            ], companyID: member.companyID)
            let card = "/inbox/\(message.id.uuidString)"
            let list = "/inbox?q=%D0%BA%D0%B0%D0%B1%D0%B5%D0%BB%D1%8C&review=1"
            let encoded = InboxFilters.encode(list)

            // The filtered list links to the card with the list to come back to.
            let page = try await anna.get(list)
            #expect(page.text.contains("href=\"\(card)?back=\(encoded)\""), "\(page.text)")
            #expect(try await anna.get("/inbox").text.contains("href=\"\(card)\""), "the plain list needs no back")

            // The card's breadcrumb goes back there, and its forms carry it on.
            let opened = try await anna.get("\(card)?back=\(encoded)")
            #expect(opened.status == .ok)
            #expect(opened.text.contains("<a href=\"\(list.replacingOccurrences(of: "&", with: "&amp;"))\">"), "\(opened.text)")
            #expect(opened.text.contains("name=\"back\" value=\"\(list.replacingOccurrences(of: "&", with: "&amp;"))\""))
            let corrected = try await anna.post("\(card)/category", [("category_id", lead.id.uuidString), ("back", list)])
            #expect(corrected.location == "\(card)?back=\(encoded)")

            // Anything but the inbox list is refused: the plain list instead, never another site.
            for bad in ["https://evil.example/inbox", "//evil.example/inbox", "/inboxes", "/inbox/../admin", "/clients?x=1", "/inbox?a=b c"] {
                let refused = try await anna.get("\(card)?back=\(InboxFilters.encode(bad))")
                #expect(refused.status == .ok)
                #expect(refused.text.contains("<p class=\"breadcrumb\"><a href=\"/inbox\">"), "\(bad)")
                // (The language switcher returns to this very card, query and all: not a way out.)
                #expect(!refused.text.contains("href=\"https://evil.example") && !refused.text.contains("href=\"//evil.example"), "\(bad)")
                #expect(!refused.text.contains("name=\"back\""), "\(bad)")
                let posted = try await anna.post("\(card)/category", [("category_id", lead.id.uuidString), ("back", bad)], tokenFrom: card)
                #expect(posted.location == card, "\(bad)")
            }

            // "Classify again" comes back to the list it was pressed on.
            let again = try await anna.post("/inbox/classify-again", [("back", list)], tokenFrom: list)
            #expect(again.location == list)
            let refusedAgain = try await anna.post("/inbox/classify-again", [("back", "https://evil.example/")], tokenFrom: list)
            #expect(refusedAgain.location == "/inbox")
        }
    }

    @Test func mailProblemsAreWordedInTheReadersLanguageAndOldSentencesShownAsTheyAre() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let gmail = try await InboxFixtures.gmailMailbox(app, member)
            let other = try await InboxFixtures.gmailMailbox(app, member, address: "help@romashka.ru")
            try await app.services.mailboxes.markFailed(gmail.id, companyID: member.companyID,
                                                        error: MailProblem(.hostUnreachable, values: [MailProblem.detail: "connect ECONNREFUSED 127.0.0.1:993"]).stored)
            try await app.services.mailboxes.markFailed(other.id, companyID: member.companyID, error: "The IMAP server did not answer in time.")

            let page = try await anna.get("/mailboxes")
            #expect(page.text.contains(InboxFixtures.html(app, "mailbox_problem_host_unreachable", .ru)))
            #expect(page.text.contains("connect ECONNREFUSED 127.0.0.1:993"), "the server's words under the sentence")
            #expect(!page.text.contains(MailProblem.prefix), "never the stored form")
            #expect(page.text.contains("The IMAP server did not answer in time."), "an old row as it is")

            let message = try #require(try await InboxFixtures.store(app, [InboxFixtures.message(1)], in: gmail).first)
            let actions = try await app.services.labelActions.enqueue([.applyLabel("SmartySales/Счёт", to: message.id)], companyID: member.companyID)
            try await app.services.labelActions.markFailed(try #require(actions.first).id, companyID: member.companyID,
                                                          error: MailProblem(.movedUnreachable, values: [MailProblem.folder: "Архив"]).stored,
                                                          maximumAttempts: 1)
            let card = try await anna.get("/inbox/\(message.id.uuidString)")
            #expect(card.text.contains(Self.ru(app, "mailbox_problem_moved_unreachable", [MailProblem.folder: "Архив"])), "\(card.text)")
            #expect(!card.text.contains(MailProblem.prefix))
        }
    }

    @Test func everyMailProblemHasASentenceInBothLanguagesNamingItsValues() throws {
        let localizer = try Localizer.load(from: WebResources.directory.appendingPathComponent("Locales"))
        for code in MailProblem.Code.allCases {
            for locale in AppLocale.allCases {
                let key = "mailbox_problem_\(code.rawValue)"
                let sentence = localizer.text(key, locale)
                #expect(sentence != key, "\(key) missing in \(locale)")
                for name in code.parameters where name != MailProblem.detail {
                    #expect(sentence.contains("{\(name)}"), "\(key) in \(locale) does not show {\(name)}")
                }
            }
        }
        let stored = MailProblem(.folderAmbiguous, values: [MailProblem.path: "Счета & co", MailProblem.name: "Счета", MailProblem.count: "2"]).stored
        #expect(MailProblem(stored: stored)?.values[MailProblem.path] == "Счета & co")
        #expect(MailProblem(stored: "The IMAP server did not answer in time.") == nil)
        let text = MailProblemFormat.text(stored, localizer: localizer, locale: .ru)
        #expect(text?.sentence.contains("«Счета» (2)") == true, "\(text?.sentence ?? "nil")")
        #expect(MailProblemFormat.text("plain words", localizer: localizer, locale: .ru) == MailProblemFormat.Text(sentence: "plain words", detail: nil))
        #expect(MailProblemFormat.text("", localizer: localizer, locale: .ru) == nil)
    }
}
