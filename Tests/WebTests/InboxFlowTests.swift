import Domain
import Foundation
import HummingbirdTesting
import Storage
import Testing
@testable import Web

/// The inbox through the real app, over messages stored and classified through the
/// repositories as the pipeline stores them: filters, search, pages, the chart, the message
/// card, corrections, retries and the live progress figures.
@Suite struct InboxFlowTests {
    static let day: TimeInterval = 24 * 3600

    /// Links to message cards, in page order (with or without the list to go back to).
    static func messageLinks(_ html: String) -> [String] {
        html.matches(of: /href="\/inbox\/([0-9A-F-]{36})(?:\?back=[^"]*)?"/).map { String($0.output.1) }
    }

    /// The chart the page embeds as a `data:` image, decoded.
    static func chartSVG(_ html: String) -> String? {
        guard let match = html.firstMatch(of: /src="data:image\/svg\+xml;base64,([A-Za-z0-9+\/=]+)"/),
              let data = Data(base64Encoded: String(match.output.1)) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The chart's figures in words (its `<desc>`), one "category: total" each, in any order.
    static func chartSummary(_ html: String) -> Set<String>? {
        guard let svg = chartSVG(html), let match = svg.firstMatch(of: /<desc[^>]*>([^<]*)<\/desc>/) else { return nil }
        return Set(String(match.output.1).components(separatedBy: ", "))
    }

    static func chartDays(_ html: String) -> Int? {
        chartSVG(html).map { $0.components(separatedBy: "<g class=\"chart-day\">").count - 1 }
    }

    static func nextPage(_ html: String) -> String? {
        html.firstMatch(of: /href="([^"]+)" rel="next"/).map { String($0.output.1).replacingOccurrences(of: "&amp;", with: "&") }
    }

    @Test func filtersSearchAndPagesOverStoredMessages() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let sales = try await InboxFixtures.gmailMailbox(app, member)
            let support = try await InboxFixtures.gmailMailbox(app, member, address: "help@romashka.ru")
            let lead = try await InboxFixtures.category(app, member, named: "Заявка")
            let invoice = try await InboxFixtures.category(app, member, named: "Счёт")
            let now = Date()

            // 60 older messages in one mailbox, a few special ones in the other.
            let bulk = try await InboxFixtures.store(app, (0..<60).map {
                InboxFixtures.message($0, receivedAt: now.addingTimeInterval(-3 * Self.day - Double($0) * 60))
            }, in: sales)
            #expect(bulk.count == 60)
            let special = try await InboxFixtures.store(app, [
                InboxFixtures.message(100, subject: "Счёт № 1452 на оплату", from: "buh@postavshik.ru", fromName: "Ёлкина Мария", receivedAt: now),
                InboxFixtures.message(101, subject: "Запрос КП на кабель", from: "ivan@zavod.ru", fromName: "Иван Петров", receivedAt: now.addingTimeInterval(-60)),
                InboxFixtures.message(102, subject: "Непонятное письмо", receivedAt: now.addingTimeInterval(-120)),
            ], in: support)
            let (bill, request, unclear) = (special[0], special[1], special[2])
            try await app.services.classifications.save([
                NewClassification(messageID: bill.id, categoryID: invoice.id, confidence: 0.93, reason: "Счёт на оплату", source: "llm:openai/gpt-4.1-mini", needsReview: false),
                NewClassification(messageID: request.id, categoryID: lead.id, confidence: 0.88, reason: "Запрос цены", source: "embedded", needsReview: false),
                NewClassification(messageID: unclear.id, categoryID: nil, confidence: 0.31, reason: "Неясно", source: "embedded", needsReview: true),
            ], companyID: member.companyID)
            let actions = try await app.services.labelActions.enqueue([.applyLabel("SmartySales/Счёт", to: bill.id)], companyID: member.companyID)
            try await app.services.labelActions.markFailed(try #require(actions.first).id, companyID: member.companyID,
                                                          error: "Сервер не хранит метки в этой папке", maximumAttempts: 1)

            let page = try await anna.get("/inbox")
            #expect(page.status == .ok)
            let firstLinks = Self.messageLinks(page.text)
            #expect(firstLinks.count == 50)
            #expect(Array(firstLinks.prefix(3)) == [bill.id.uuidString, request.id.uuidString, unclear.id.uuidString], "newest first")
            #expect(page.text.contains("Счёт № 1452 на оплату"))
            #expect(page.text.contains("93 %"))
            #expect(page.text.contains(InboxFixtures.html(app, "inbox_needs_review", .ru)))
            #expect(page.text.contains(InboxFixtures.html(app, "inbox_label_failed", .ru)))
            let chart = try #require(Self.chartSVG(page.text), "the chart of the last 14 days")
            #expect(chart.components(separatedBy: "<g class=\"chart-day\">").count - 1 == 14)
            #expect(chart.contains("fill=\"\(invoice.colour)\""))
            #expect(chart.contains("Счёт: 1</title>"))
            #expect(page.text.contains("fill=\"\(invoice.colour)\""), "the category chip")

            // Older: the rest, none twice.
            let next = try #require(Self.nextPage(page.text))
            #expect(next.contains("after="))
            let second = try await anna.get(next)
            let secondLinks = Self.messageLinks(second.text)
            #expect(secondLinks.count == 13)
            #expect(Set(firstLinks).isDisjoint(with: secondLinks))
            #expect(Self.nextPage(second.text) == nil)

            // Filters and search, alone and together.
            func links(_ query: String) async throws -> [String] { Self.messageLinks(try await anna.get("/inbox?" + query).text) }
            #expect(try await links("review=1") == [unclear.id.uuidString])
            #expect(try await links("failed=1") == [bill.id.uuidString])
            #expect(try await links("category=\(lead.id.uuidString)") == [request.id.uuidString])
            #expect(try await links("mailbox=\(support.id.uuidString)").count == 3)
            #expect(try await links("q=" + InboxFilters.encode("иван петров")) == [request.id.uuidString], "sender name, any case")
            #expect(try await links("q=" + InboxFilters.encode("елкина")) == [bill.id.uuidString], "ё typed as е")
            #expect(try await links("q=%D0%9A%D0%9F+%D0%BD%D0%B0") == [request.id.uuidString], "subject words, + as a space")
            #expect(try await links("q=postavshik.ru&category=\(invoice.id.uuidString)") == [bill.id.uuidString])
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = DisplayFormat.timeZone
            formatter.dateFormat = "yyyy-MM-dd"
            let yesterday = formatter.string(from: now.addingTimeInterval(-Self.day))
            let recent = try await links("from=\(yesterday)&mailbox=\(sales.id.uuidString)")
            #expect(recent.isEmpty, "the bulk is three days old")
            let old = try await links("to=\(formatter.string(from: now.addingTimeInterval(-2 * Self.day)))")
            #expect(old.count == 50, "a page of the older messages")
            let none = try await anna.get("/inbox?q=" + InboxFilters.encode("ничего такого"))
            #expect(none.text.contains(InboxFixtures.html(app, "inbox_empty_filtered", .ru)))
        }
    }

    @Test func theMessageCardShowsTheVerdictAndACorrectionRelabelsAndTeaches() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, member)
            let lead = try await InboxFixtures.category(app, member, named: "Заявка")
            let invoice = try await InboxFixtures.category(app, member, named: "Счёт")
            let stored = try await InboxFixtures.store(app, [
                InboxFixtures.message(1, subject: "Прайс-лист", from: "ivan@zavod.ru", fromName: "Иван Петров"),
                InboxFixtures.message(2, subject: "Re: Прайс-лист", from: "buh@zavod.ru", inReplyTo: ["<message-1@example.ru>"]),
            ], in: mailbox)
            let (original, reply) = (stored[0], stored[1])
            try await app.services.classifications.save([
                NewClassification(messageID: reply.id, categoryID: lead.id, confidence: 0.42, reason: "Похоже на запрос цены",
                                  source: "llm:openai/gpt-4.1-mini", needsReview: true),
            ], companyID: member.companyID)
            let actions = try await app.services.labelActions.enqueue([.applyLabel("SmartySales/На проверку", to: reply.id)], companyID: member.companyID)
            try await app.services.labelActions.markFailed(try #require(actions.first).id, companyID: member.companyID,
                                                          error: "Сервер не хранит метки в этой папке", maximumAttempts: 1)

            let card = try await anna.get("/inbox/\(reply.id.uuidString)")
            #expect(card.status == .ok)
            for text in ["Re: Прайс-лист", "buh@zavod.ru", "sales@romashka.ru", "message-2@example.ru", "message-1@example.ru", "Похоже на запрос цены",
                         "42 %", "openai / gpt-4.1-mini", "SmartySales/На проверку", "Сервер не хранит метки в этой папке", "Продажи"] {
                #expect(card.text.contains(text), "card shows \(text)")
            }
            #expect(card.text.contains("href=\"/inbox/\(original.id.uuidString)\""), "the message it answers is linked")
            #expect(card.text.contains("action=\"/inbox/\(reply.id.uuidString)/retry\""))
            #expect(card.text.contains(InboxFixtures.html(app, "inbox_action_status_failed", .ru)))

            // The correction: the verdict becomes the person's, the mailbox is relabelled, the trail has it.
            let corrected = try await anna.post("/inbox/\(reply.id.uuidString)/category", [("category_id", invoice.id.uuidString)])
            #expect(corrected.location == "/inbox/\(reply.id.uuidString)")
            let verdict = try #require(try await app.services.classifications.classification(forMessage: reply.id, scope: .tenant(member)))
            #expect(verdict.categoryID == invoice.id)
            #expect(verdict.source == MessageClassification.correctionSource)
            #expect(verdict.needsReview == false)
            #expect(verdict.correctedBy == member.userID)
            let examples = try await app.services.classifications.trainingExamples(companyID: member.companyID)
            #expect(examples.map(\.categoryID) == [invoice.id], "remembered as a training example")
            let relabels = try await InboxFixtures.claimAll(app, kind: "inbox.relabel")
            #expect(relabels.count == 1)
            let relabel = try #require(relabels.first)
            #expect(relabel.companyID == member.companyID)
            let payload = try InboxFixtures.payload(relabel)
            #expect(payload["messageID"] as? String == reply.id.uuidString)
            #expect(payload["previousCategoryID"] as? String == lead.id.uuidString)
            let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(kind: "inbox.corrected"), page: 1)
            let event = try #require(trail.events.first)
            #expect(event.details["message_id"] == reply.id.uuidString)
            #expect(event.details["category_id"] == invoice.id.uuidString)
            #expect(event.details["previous_category_id"] == lead.id.uuidString)
            let after = try await anna.get("/inbox/\(reply.id.uuidString)")
            #expect(after.text.contains(InboxFixtures.html(app, "flash_category_corrected", .ru)))
            #expect(after.text.contains(InboxFixtures.html(app, "inbox_source_user", .ru)))

            // A message without a verdict: the previous category is written as null.
            #expect(try await anna.post("/inbox/\(original.id.uuidString)/category", [("category_id", lead.id.uuidString)],
                                        tokenFrom: "/inbox/\(original.id.uuidString)").location == "/inbox/\(original.id.uuidString)")
            let second = try #require(try await InboxFixtures.claimAll(app, kind: "inbox.relabel").first)
            #expect(second.payload.contains("\"previousCategoryID\":null"))
            #expect(try InboxFixtures.payload(second)["messageID"] as? String == original.id.uuidString)

            // Another tenant's category is no choice.
            let bogus = try await anna.post("/inbox/\(original.id.uuidString)/category", [("category_id", UUID().uuidString)],
                                            tokenFrom: "/inbox/\(original.id.uuidString)")
            #expect(bogus.location == "/inbox/\(original.id.uuidString)")
            #expect(try await InboxFixtures.claimAll(app, kind: "inbox.relabel").isEmpty)

            // Retrying the failed action gives it fresh attempts.
            let retried = try await anna.post("/inbox/\(reply.id.uuidString)/retry", [], tokenFrom: "/inbox/\(reply.id.uuidString)")
            #expect(retried.location == "/inbox/\(reply.id.uuidString)")
            let retriedActions = try await app.services.labelActions.actions(forMessage: reply.id, scope: .tenant(member))
            #expect(retriedActions.map(\.status) == [LabelActionStatus.pending])
            let labelJob = try #require(try await InboxFixtures.claimAll(app, kind: "inbox.label").first)
            #expect(try InboxFixtures.payload(labelJob)["mailboxID"] as? String == mailbox.id.uuidString)
        }
    }

    @Test func viewersReadMessagesButCannotCorrectThem() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            try await Flows.addUser(anna, email: "vera@romashka.ru", role: "viewer")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, member)
            let message = try #require(try await InboxFixtures.store(app, [InboxFixtures.message(1)], in: mailbox).first)
            let lead = try await InboxFixtures.category(app, member, named: "Заявка")

            let vera = Browser(client)
            try await Flows.logIn(vera, email: "vera@romashka.ru", password: "temporary password 1")
            try await vera.post("/account/password", [
                ("current_password", "temporary password 1"), ("new_password", "vera own password"), ("new_password_confirm", "vera own password"),
            ], tokenFrom: "/account")
            let card = try await vera.get("/inbox/\(message.id.uuidString)")
            #expect(card.status == .ok)
            #expect(!card.text.contains("name=\"category_id\""), "no correction form for a viewer")
            let refused = try await vera.post("/inbox/\(message.id.uuidString)/category", [("category_id", lead.id.uuidString)])
            #expect(refused.status == .forbidden)
            #expect(try await app.services.classifications.classification(forMessage: message.id, scope: .tenant(member)) == nil)
        }
    }

    @Test func classifyAgainQueuesTheMessagesWithoutAVerdictOnceAndRefusesAViewer() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            try await Flows.addUser(anna, email: "vera@romashka.ru", role: "viewer")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, member)
            let stored = try await InboxFixtures.store(app, (1...3).map { InboxFixtures.message($0) }, in: mailbox)
            try await app.services.classifications.save([
                NewClassification(messageID: stored[0].id, categoryID: nil, confidence: 0.9, reason: "", source: "embedded", needsReview: false),
            ], companyID: member.companyID)
            // Their classify job died a moment ago: the button does not wait out the sweep's back-off.
            let died = try await app.services.jobs.enqueue(NewJob(kind: "inbox.classify", companyID: member.companyID, maxAttempts: 1))
            _ = try #require(try await app.services.jobs.claim(worker: "test", lease: 60, kinds: ["inbox.classify"]))
            try await app.services.jobs.fail(died, worker: "test", error: "LLM provider unavailable")
            #expect(try await app.services.jobs.find(died)?.status == .dead)
            // Another company's message waits too.
            let owen = Browser(client)
            try await Flows.signUp(owen, email: "owen@lotos.ru", company: "ООО Лотос")
            let other = try await InboxFixtures.member(app, email: "owen@lotos.ru")
            let otherMailbox = try await InboxFixtures.gmailMailbox(app, other, address: "sales@lotos.ru")
            let otherMessage = try #require(try await InboxFixtures.store(app, [InboxFixtures.message(9)], in: otherMailbox).first)

            // A viewer sees no button, and the route refuses her.
            let vera = Browser(client)
            try await Flows.logIn(vera, email: "vera@romashka.ru", password: "temporary password 1")
            try await vera.post("/account/password", [
                ("current_password", "temporary password 1"), ("new_password", "vera own password"), ("new_password_confirm", "vera own password"),
            ], tokenFrom: "/account")
            let seen = try await vera.get("/inbox")
            #expect(seen.status == .ok)
            #expect(!seen.text.contains("action=\"/inbox/classify-again\""))
            let refused = try await vera.post("/inbox/classify-again", [], tokenFrom: "/inbox")
            #expect(refused.status == .forbidden)
            #expect(try await InboxFixtures.claimAll(app, kind: "inbox.classify").isEmpty)

            // The owner's click queues the two without a verdict, and only those.
            let page = try await anna.get("/inbox")
            #expect(page.text.contains("action=\"/inbox/classify-again\""))
            let queued = try await anna.post("/inbox/classify-again", [], tokenFrom: "/inbox")
            #expect(queued.location == "/inbox")
            let done = app.services.renderer.localizer.text("flash_classify_again_queued", .ru).replacingOccurrences(of: "{messages}", with: "2")
            #expect(try await anna.get("/inbox").text.contains(LocalizedTemplates.escape(done)))

            // A second click while their job waits queues nothing more, and says why.
            let again = try await anna.post("/inbox/classify-again", [], tokenFrom: "/inbox")
            #expect(again.location == "/inbox")
            #expect(try await anna.get("/inbox").text.contains(InboxFixtures.html(app, "flash_classify_again_busy", .ru)))
            let jobs = try await InboxFixtures.claimAll(app, kind: "inbox.classify")
            #expect(jobs.count == 1)
            let job = try #require(jobs.first)
            #expect(job.companyID == member.companyID)
            let named = try #require(try InboxFixtures.payload(job)["messageIDs"] as? [String])
            #expect(Set(named) == Set([stored[1].id.uuidString, stored[2].id.uuidString]))
            #expect(!named.contains(otherMessage.id.uuidString))
            let trail = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(kind: "inbox.classify_requeued"), page: 1)
            #expect(trail.events.count == 1)
            #expect(trail.events.first?.details["messages"] == "2")
            #expect(trail.events.first?.details["trigger"] == "button")
        }
    }

    /// The first mailbox of the progress JSON.
    static func firstMailboxProgress(_ text: String) throws -> [String: Any] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let mailboxes = try #require(json["mailboxes"] as? [[String: Any]])
        return try #require(mailboxes.first)
    }

    @Test func progressCarriesWhyAMailboxFailedAndNullOnceItRecovered() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, member)
            let target = "data-progress=\"mailbox.\(mailbox.id.uuidString).lastError\" data-progress-clears"
            let reason = "Сервер отклонил пароль приложения"

            try await app.services.mailboxes.markFailed(mailbox.id, companyID: member.companyID, error: reason)
            let failing = try Self.firstMailboxProgress(try await anna.get("/inbox/progress").text)
            #expect(failing["status"] as? String == "error")
            #expect(failing["lastError"] as? String == reason)
            let page = try await anna.get("/mailboxes")
            #expect(page.text.contains("\(target)>\(reason)</p>"), "the reason shows in the element the script updates")

            try await app.services.mailboxes.markSynced(mailbox.id, companyID: member.companyID)
            let recovered = try Self.firstMailboxProgress(try await anna.get("/inbox/progress").text)
            #expect(recovered["status"] as? String == "connected")
            #expect(recovered["lastError"] is NSNull, "null, not left out: the script hides the old reason on null")
            let after = try await anna.get("/mailboxes")
            #expect(after.text.contains("\(target) hidden></p>"), "the element is there for the script, empty and hidden")
            #expect(!after.text.contains(reason))
        }
    }

    @Test func everyoneWhoReadsTheInboxSeesEachMailboxsStatusAndWhyItFails() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let sales = try await InboxFixtures.gmailMailbox(app, member)
            let support = try await app.services.mailboxes.create(
                member, try MailboxDraft.gmail(displayName: "Поддержка", address: try #require(EmailAddress("help@romashka.ru"))).validated(),
                secret: "qrstuvwxyzabcdef")
            try await app.services.mailboxes.markSynced(sales.id, companyID: member.companyID)
            try await app.services.mailboxes.markFailed(support.id, companyID: member.companyID,
                                                        error: MailProblem(.hostUnreachable, values: [MailProblem.detail: "connect ECONNREFUSED 127.0.0.1:993"]).stored)
            let sentence = InboxFixtures.html(app, "mailbox_problem_host_unreachable", .ru)
            let never = InboxFixtures.html(app, "mailboxes_never_synced", .ru)

            for role in ["manager", "viewer"] {
                let colleague = try await ClientFixtures.colleague(app, client, owner: anna, email: "\(role)@romashka.ru", role: role)
                let page = try await colleague.get("/inbox")
                #expect(page.status == .ok)
                #expect(page.text.contains("<strong>Поддержка</strong>"), "\(role): the mailbox by name")
                #expect(page.text.contains("class=\"badge status-error\" data-progress=\"mailbox.\(support.id.uuidString).statusLabel\""),
                        "\(role): the failing mailbox's badge, kept live")
                #expect(page.text.contains("class=\"badge status-connected\" data-progress=\"mailbox.\(sales.id.uuidString).statusLabel\""))
                #expect(page.text.contains("data-progress=\"mailbox.\(support.id.uuidString).lastError\" data-progress-clears>\(sentence)</p>"),
                        "\(role): why, in the reader's language, where the script updates it")
                #expect(page.text.contains("connect ECONNREFUSED 127.0.0.1:993"), "\(role): the server's words under it")
                #expect(page.text.contains("data-progress=\"mailbox.\(support.id.uuidString).lastSync\">\(never)<"))
                #expect(!page.text.contains("data-progress=\"mailbox.\(sales.id.uuidString).lastSync\">\(never)<"), "the synced one shows its time")
                #expect(!page.text.contains(MailProblem.prefix), "never the stored form")
                #expect(!page.text.contains("abcdefghijklmnop") && !page.text.contains("qrstuvwxyzabcdef"), "no password")
                #expect(!page.text.contains("imap.gmail.com"), "no settings")
            }

            // Recovered: the reason's element stays for the script, empty and hidden.
            try await app.services.mailboxes.markSynced(support.id, companyID: member.companyID)
            let after = try await anna.get("/inbox")
            #expect(after.text.contains("data-progress=\"mailbox.\(support.id.uuidString).lastError\" data-progress-clears hidden></p>"))
            #expect(after.text.contains("class=\"badge status-connected\" data-progress=\"mailbox.\(support.id.uuidString).statusLabel\""))
            #expect(!after.text.contains(sentence))
        }
    }

    @Test func aBrokenDateFilterSaysWhyBesideTheFieldAndFiltersNothing() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, member)
            let now = Date()
            try await InboxFixtures.store(app, [
                InboxFixtures.message(1, receivedAt: now),
                InboxFixtures.message(2, receivedAt: now.addingTimeInterval(-3 * Self.day)),
                InboxFixtures.message(3, receivedAt: now.addingTimeInterval(-10 * Self.day)),
            ], in: mailbox)
            let day = { (daysAgo: Double) in DisplayFormat.isoDay(now.addingTimeInterval(-daysAgo * Self.day)) }

            // A day that does not exist (were it read as 2 March 2999, nothing would be listed).
            let invalid = try await anna.get("/inbox?from=2999-02-30")
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.text.contains("id=\"filter-from-error\">\(InboxFixtures.html(app, "validation_filter_date", .ru))</p>"))
            #expect(invalid.text.contains("value=\"2999-02-30\" aria-invalid=\"true\" aria-describedby=\"filter-from-error\""), "the typed value stays")
            #expect(Self.messageLinks(invalid.text).count == 3, "the broken date filters nothing out")

            // "To" before "from": said beside "to", which is left out; "from" still applies.
            let reversed = try await anna.get("/inbox?from=\(day(4))&to=\(day(8))")
            #expect(reversed.status == .unprocessableContent)
            #expect(reversed.text.contains("id=\"filter-to-error\">\(InboxFixtures.html(app, "validation_filter_date_order", .ru))</p>"))
            #expect(!reversed.text.contains("id=\"filter-from-error\""))
            #expect(Self.messageLinks(reversed.text).count == 2)

            // A proper range: no error, and it filters.
            let proper = try await anna.get("/inbox?from=\(day(4))&to=\(day(0))")
            #expect(proper.status == .ok)
            #expect(!proper.text.contains("class=\"field-error\" id=\"filter-"))
            #expect(Self.messageLinks(proper.text).count == 2)
            let narrow = try await anna.get("/inbox?from=\(day(11))&to=\(day(9))")
            #expect(Self.messageLinks(narrow.text).count == 1)

            // The same in English.
            let bob = Browser(client)
            try await Flows.signUp(bob, email: "bob@lilia.ru", company: "ООО Лилия", name: "Bob Smith", locale: "en")
            let english = try await bob.get("/inbox?to=not-a-day")
            #expect(english.status == .unprocessableContent)
            #expect(english.text.contains("id=\"filter-to-error\">\(InboxFixtures.html(app, "validation_filter_date", .en))</p>"))
        }
    }

    @Test func theChartFollowsTheListsFiltersAndItsLegendFiltersByCategory() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let sales = try await InboxFixtures.gmailMailbox(app, member)
            let support = try await InboxFixtures.gmailMailbox(app, member, address: "help@romashka.ru")
            let lead = try await InboxFixtures.category(app, member, named: "Заявка")
            let invoice = try await InboxFixtures.category(app, member, named: "Счёт")
            let now = Date()
            let inSales = try await InboxFixtures.store(app, [
                InboxFixtures.message(1, receivedAt: now),
                InboxFixtures.message(2, receivedAt: now.addingTimeInterval(-60)),
                InboxFixtures.message(3, receivedAt: now.addingTimeInterval(-40 * Self.day)),
            ], in: sales)
            let inSupport = try await InboxFixtures.store(app, [InboxFixtures.message(4, receivedAt: now.addingTimeInterval(-120))], in: support)
            try await app.services.classifications.save([
                NewClassification(messageID: inSales[0].id, categoryID: lead.id, confidence: 0.9, reason: "", source: "embedded", needsReview: false),
                NewClassification(messageID: inSales[1].id, categoryID: lead.id, confidence: 0.4, reason: "", source: "embedded", needsReview: true),
                NewClassification(messageID: inSales[2].id, categoryID: lead.id, confidence: 0.9, reason: "", source: "embedded", needsReview: false),
                NewClassification(messageID: inSupport[0].id, categoryID: invoice.id, confidence: 0.9, reason: "", source: "embedded", needsReview: false),
            ], companyID: member.companyID)
            func day(_ offset: TimeInterval) -> String { DisplayFormat.isoDay(now.addingTimeInterval(offset * Self.day)) }

            // No filters: the last 14 days, every mailbox.
            let all = try await anna.get("/inbox").text
            #expect(Self.chartDays(all) == 14)
            #expect(Self.chartSummary(all) == Set(["Заявка: 2", "Счёт: 1"]))

            // The mailbox and the needs-review filter narrow the chart too.
            let salesOnly = try await anna.get("/inbox?mailbox=\(sales.id.uuidString)").text
            #expect(Self.chartDays(salesOnly) == 14)
            #expect(Self.chartSummary(salesOnly) == Set(["Заявка: 2"]))
            let review = try await anna.get("/inbox?review=1").text
            #expect(Self.chartSummary(review) == Set(["Заявка: 1"]))
            let failed = try await anna.get("/inbox?failed=1").text
            #expect(Self.chartSummary(failed) == nil, "no message has a failed label: no chart")

            // The dates make the period: 61 days from "from" to "to", the old message in it.
            let twoMonths = try await anna.get("/inbox?from=\(day(-60))&to=\(day(0))").text
            #expect(Self.chartDays(twoMonths) == 61)
            #expect(Self.chartSummary(twoMonths) == Set(["Заявка: 3", "Счёт: 1"]))
            #expect(!twoMonths.contains(InboxFixtures.html(app, "inbox_chart_clipped", .ru)))
            // Only "to": the 14 days up to it.
            let earlier = try await anna.get("/inbox?to=\(day(-35))").text
            #expect(Self.chartDays(earlier) == 14)
            #expect(Self.chartSummary(earlier) == Set(["Заявка: 1"]))
            // Longer than 90 days: the last 90, and the page says so.
            let long = try await anna.get("/inbox?from=\(day(-200))").text
            #expect(Self.chartDays(long) == 90)
            #expect(long.contains(InboxFixtures.html(app, "inbox_chart_clipped", .ru)))

            // Each legend entry lists its category, the other filters kept.
            let reviewInSales = try await anna.get("/inbox?mailbox=\(sales.id.uuidString)&review=1").text
            let legendLink = "/inbox?mailbox=\(sales.id.uuidString)&category=\(lead.id.uuidString)&review=1"
            #expect(reviewInSales.contains("href=\"\(legendLink.replacingOccurrences(of: "&", with: "&amp;"))\">Заявка</a>: 1"))
            let followed = try await anna.get(legendLink).text
            #expect(Self.messageLinks(followed) == [inSales[1].id.uuidString])
            #expect(all.contains("href=\"/inbox?category=\(invoice.id.uuidString)\">Счёт</a>: 1"))
        }
    }

    @Test func aFilteredListSaysHowManyMessagesMatch() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let sales = try await InboxFixtures.gmailMailbox(app, member)
            let support = try await InboxFixtures.gmailMailbox(app, member, address: "help@romashka.ru")
            try await InboxFixtures.store(app, (0..<55).map { InboxFixtures.message($0, receivedAt: Date().addingTimeInterval(-Double($0) * 60)) }, in: sales)
            try await InboxFixtures.store(app, [InboxFixtures.message(100, subject: "Счёт на оплату")], in: support)
            let localizer = app.services.renderer.localizer
            func matching(_ count: Int) -> String {
                LocalizedTemplates.escape(localizer.text("inbox_match_count", .ru, values: ["count": String(count)]))
            }

            let salesPage = try await anna.get("/inbox?mailbox=\(sales.id.uuidString)")
            #expect(Self.messageLinks(salesPage.text).count == 50, "one page of the list")
            #expect(salesPage.text.contains(matching(55)), "the count covers every page")
            let one = try await anna.get("/inbox?q=" + InboxFilters.encode("счёт"))
            #expect(one.text.contains(InboxFixtures.html(app, "inbox_match_count_one", .ru)))
            let none = try await anna.get("/inbox?q=" + InboxFilters.encode("ничего такого"))
            #expect(none.text.contains(matching(0)))
            let whole = try await anna.get("/inbox").text
            #expect(!whole.contains("data-match-count"), "the whole inbox has its total above")

            // Past the cap, the count stops and says so.
            let more = InboxController.matchCountText(InboxController.matchCountCap + 1, localizer: localizer, locale: .en)
            #expect(more == localizer.text("inbox_match_count_more", .en, values: ["count": "10,000"]))
            #expect(InboxController.matchCountText(InboxController.matchCountCap, localizer: localizer, locale: .ru)
                == localizer.text("inbox_match_count", .ru, values: ["count": "10\u{00A0}000"]))
        }
    }

    @Test func theListCarriesItsTotalForTheNewMailBanner() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, member)
            try await InboxFixtures.store(app, (0..<3).map { InboxFixtures.message($0) }, in: mailbox)

            let page = try await anna.get("/inbox?review=1&after=1700000000.\(UUID().uuidString.lowercased())").text
            let banner = try #require(page.firstMatch(of: /<div class="alert alert-info new-mail-banner"([^>]*)>([^<]*<span[^>]*><\/span>[^<]*<a href="([^"]*)">)/))
            let attributes = String(banner.output.1)
            #expect(attributes.contains("data-new-mail-since=\"3\""))
            #expect(attributes.hasSuffix(" hidden"), "hidden until app.js sees more")
            #expect(attributes.contains("data-new-mail-many=\"\(InboxFixtures.html(app, "inbox_new_mail_many", .ru))\""))
            #expect(attributes.contains("data-new-mail-one=\"\(InboxFixtures.html(app, "inbox_new_mail_one", .ru))\""))
            #expect(String(banner.output.3) == "/inbox?review=1", "the first page, the filters kept")
            #expect(!page.contains("<script>"), "no inline script")

            // New mail: the progress the page polls reports more than the page was rendered with.
            try await InboxFixtures.store(app, [InboxFixtures.message(3)], in: mailbox)
            let progress = try await anna.get("/inbox/progress")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(progress.text.utf8)) as? [String: Any])
            #expect((json["totals"] as? [String: Any])?["messages"] as? Int == 4)
            let reloaded = try await anna.get("/inbox").text
            #expect(reloaded.contains("data-new-mail-since=\"4\""), "the page after a reload starts from the new total")
        }
    }

    @Test func progressFiguresAreSmallJSON() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@romashka.ru")
            let member = try await InboxFixtures.member(app, email: "anna@romashka.ru")
            let mailbox = try await InboxFixtures.gmailMailbox(app, member)
            let stored = try await InboxFixtures.store(app, (0..<5).map { InboxFixtures.message($0) }, in: mailbox)
            try await app.services.classifications.save([
                NewClassification(messageID: stored[0].id, categoryID: nil, confidence: 0.2, reason: "", source: "embedded", needsReview: true),
                NewClassification(messageID: stored[1].id, categoryID: nil, confidence: 0.9, reason: "", source: "embedded", needsReview: false),
            ], companyID: member.companyID)
            try await app.services.mailboxes.markSynced(mailbox.id, companyID: member.companyID)
            try await app.services.jobs.enqueue(NewJob(kind: "inbox.classify", companyID: member.companyID))

            let inbox = try await anna.get("/inbox")
            #expect(inbox.text.contains("data-progress=\"totals.messages\">5<"), "the figures are on the page without JavaScript")
            let response = try await anna.get("/inbox/progress")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
            let totals = try #require(json["totals"] as? [String: Any])
            #expect(totals["messages"] as? Int == 5)
            #expect(totals["needsReview"] as? Int == 1)
            #expect(totals["unclassified"] as? Int == 3)
            #expect(totals["failedLabels"] as? Int == 0)
            #expect(totals["queuedJobs"] as? Int == 1)
            let mailboxes = try #require(json["mailboxes"] as? [[String: Any]])
            #expect(mailboxes.count == 1)
            let entry = try #require(mailboxes.first)
            #expect(entry["id"] as? String == mailbox.id.uuidString)
            #expect(entry["status"] as? String == "connected")
            #expect(entry["statusLabel"] as? String == app.services.renderer.localizer.text("mailbox_status_connected", .ru))
            #expect(entry["messagesStored"] as? Int == 5)
            #expect(entry["lastSyncAt"] is String)
            #expect(json["generatedAt"] is String)

            // Signed out, it is no JSON at all.
            let stranger = Browser(client)
            #expect(try await stranger.get("/inbox/progress").location == "/login")
        }
    }
}
