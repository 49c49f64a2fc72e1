import Domain
import Foundation
import Storage
import TestSupport
import Testing

/// Runs on the engine `SMARTYSALES_TEST_DATABASE` names: `scripts/test` runs it on both.
@Suite struct InboundMessageStorageTests {
    @Test func storingTheSameBatchAgainStoresNothing() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru")
            let batch = [
                world.message("7:1", messageID: "<one@buyer.ru>", minutesAgo: 3),
                world.message("7:2", messageID: "two@buyer.ru", minutesAgo: 2),
                world.message("7:3", messageID: nil, minutesAgo: 1),
            ]
            let first = try await world.messages.store(batch, companyID: anna.companyID, mailboxID: mailbox.id)
            #expect(first.map(\.providerItemID) == ["7:1", "7:2", "7:3"])
            #expect(first[0].messageID == "one@buyer.ru")
            let second = try await world.messages.store(batch, companyID: anna.companyID, mailboxID: mailbox.id)
            #expect(second.isEmpty, "a re-run (a restarted sync) makes no new messages and so no new classify jobs")
            #expect(try await world.messages.list(.tenant(anna)).entries.count == 3)
            #expect(try await world.mailboxes.find(mailbox.id, scope: .tenant(anna)).messagesStored == 3)
            let stored = try await world.messages.find(first[0].id, scope: .tenant(anna))
            #expect(stored == first[0], "what store returns is what was stored")
        }
    }

    @Test func duplicatesAreStoredOncePerTenant() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let boris = try await world.tenant("boris@lyutik.ru", company: "Лютик")
            let sales = try await world.mailbox(anna, "sales@romashka.ru")
            let info = try await world.mailbox(anna, "info@romashka.ru")
            let borisBox = try await world.mailbox(boris, "sales@lyutik.ru")

            // The same server item twice in one batch (a restarted fetch): stored once.
            let sameItem = try await world.messages.store(
                [world.message("9:5", messageID: "a@x"), world.message("9:5", messageID: "other@x")],
                companyID: anna.companyID, mailboxID: sales.id)
            #expect(sameItem.map(\.messageID) == ["a@x"])

            // The same Message-ID under a new UIDVALIDITY, and in another mailbox of the tenant: skipped.
            #expect(try await world.messages.store([world.message("10:1", messageID: "<a@x>")], companyID: anna.companyID, mailboxID: sales.id).isEmpty)
            #expect(try await world.messages.store([world.message("3:1", messageID: "a@x")], companyID: anna.companyID, mailboxID: info.id).isEmpty)

            // Messages without a Message-ID never collide with each other.
            let anonymous = try await world.messages.store(
                [world.message("3:2"), world.message("3:3")], companyID: anna.companyID, mailboxID: info.id)
            #expect(anonymous.count == 2)

            // Another tenant's copy of the same mail is its own.
            #expect(try await world.messages.store([world.message("1:1", messageID: "a@x")], companyID: boris.companyID, mailboxID: borisBox.id).count == 1)

            #expect(try await world.messages.list(.tenant(anna)).entries.count == 3)
            #expect(try await world.messages.list(.tenant(boris)).entries.count == 1)
        }
    }

    @Test func searchIgnoresLetterCaseInCyrillicToo() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru")
            _ = try await world.messages.store([
                world.message("1:1", subject: "Заявка на поставку кабеля", minutesAgo: 5),
                world.message("1:2", from: "buh@partner.ru", name: "Бухгалтерия", subject: "СЧЁТ № 15 от 12.03", minutesAgo: 4),
                world.message("1:3", from: "promo@shop.ru", name: nil, subject: "Скидка 100% на всё", minutesAgo: 3),
                world.message("1:4", from: "promo@shop.ru", name: nil, subject: "Скидка 1000 рублей", minutesAgo: 2),
                world.message("1:5", from: "OLGA@Client.RU", name: "Ольга", subject: "Re: order_42", minutesAgo: 1),
            ], companyID: anna.companyID, mailboxID: mailbox.id)
            func subjects(_ search: String) async throws -> [String] {
                try await world.messages.list(.tenant(anna), filter: InboxFilter(search: search)).entries.map(\.message.subject).sorted()
            }
            #expect(try await subjects("ЗАЯВКА") == ["Заявка на поставку кабеля"])
            #expect(try await subjects("счет") == ["СЧЁТ № 15 от 12.03"], "ё and е are the same letter to a searcher")
            #expect(try await subjects("бухгалтерИЯ") == ["СЧЁТ № 15 от 12.03"], "the sender's name counts")
            #expect(try await subjects("olga@client") == ["Re: order_42"], "and the sender's address")
            #expect(try await subjects("100%") == ["Скидка 100% на всё"], "% in the query is a character, not a wildcard")
            #expect(try await subjects("r_4") == ["Re: order_42"])
            #expect(try await subjects("d_r") == [], "and so is _ (as a wildcard it would match \"order\")")
            #expect(try await subjects("иван").count == 1)
            #expect(try await subjects("   ").count == 5, "a blank search is no filter")
        }
    }

    @Test func keysetPagesAreCompleteAndStable() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru")
            // 25 messages, three at a time sharing a second, so the tie-break on id matters.
            let batch = (0..<25).map { world.message("1:\($0)", messageID: "m\($0)@x", minutesAgo: Double($0 / 3)) }
            let stored = try await world.messages.store(batch, companyID: anna.companyID, mailboxID: mailbox.id)
            #expect(stored.count == 25)

            var seen: [InboxEntry] = []
            var cursor: InboxCursor?
            var pages = 0
            repeat {
                let page = try await world.messages.list(.tenant(anna), after: cursor, limit: 10)
                seen += page.entries
                cursor = page.nextCursor.flatMap { InboxCursor(token: $0.token) }
                pages += 1
                if pages == 1 {
                    // Mail arriving while someone pages must not shift what comes next.
                    world.clock.advance(by: 60)
                    _ = try await world.messages.store([world.message("1:99", messageID: "new@x")], companyID: anna.companyID, mailboxID: mailbox.id)
                }
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen.count == 25)
            #expect(Set(seen.map(\.message.id)) == Set(stored.map(\.id)))
            let times = seen.map(\.message.receivedAt)
            #expect(times == times.sorted(by: >))
            let first = try await world.messages.list(.tenant(anna), limit: 10)
            #expect(first.entries.first?.message.providerItemID == "1:99")
        }
    }

    @Test func queueUnclassifiedTakesTheTenantsOldestWaitingMessagesUnlessAJobOfTheKindIsLive() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let boris = try await world.tenant("boris@lotos.ru", company: "Лотос")
            let sales = try await world.mailbox(anna, "sales@romashka.ru")
            let lotos = try await world.mailbox(boris, "sales@lotos.ru")
            let queue = JobQueue(persistence: db, clock: world.clock)
            let early = try await world.messages.store(
                [world.message("1:1", minutesAgo: 30), world.message("1:2", minutesAgo: 20), world.message("1:3", minutesAgo: 10)],
                companyID: anna.companyID, mailboxID: sales.id)
            let borisMessage = try #require(try await world.messages.store([world.message("2:1", minutesAgo: 90)], companyID: boris.companyID,
                                                                           mailboxID: lotos.id).first)
            try await world.classifications.save([
                NewClassification(messageID: early[1].id, categoryID: nil, confidence: 0.9, reason: "", source: "embedded", needsReview: false),
            ], companyID: anna.companyID)
            let cut = world.clock.now().addingTimeInterval(1)
            world.clock.advance(by: 60)
            // Received before all the others, but stored after the cut.
            let late = try #require(try await world.messages.store([world.message("1:4", minutesAgo: 60)], companyID: anna.companyID,
                                                                   mailboxID: sales.id).first)

            // One job per call, its payload the ids it was given, so the test reads back what was named.
            func requeue(_ company: UUID, storedBefore: Date? = nil, limit: Int) async throws -> UnclassifiedRequeue {
                try await world.messages.queueUnclassified(companyID: company, storedBefore: storedBefore, limit: limit, unlessLive: "k") { ids in
                    [NewJob(kind: "k", companyID: company, payload: ids.map(\.uuidString).joined(separator: ","))]
                }
            }
            func named() async throws -> [[UUID]] {
                var all: [[UUID]] = []
                while let job = try await queue.claim(worker: "w", lease: 30, kinds: ["k"]) {
                    all.append(job.payload.split(separator: ",").compactMap { UUID(uuidString: String($0)) })
                    try await queue.complete(job.id, worker: "w")
                }
                return all
            }

            #expect(try await requeue(anna.companyID, storedBefore: cut, limit: 1) == .queued(messages: 1, jobs: 1))
            #expect(try await requeue(anna.companyID, limit: 10) == .alreadyQueued, "her job is queued")
            #expect(try await requeue(boris.companyID, limit: 10) == .queued(messages: 1, jobs: 1), "Anna's job does not hold Boris back")
            let firstRound = try await named()
            // Anna's: the oldest received of those stored before the cut; Boris's own.
            #expect(Set(firstRound) == Set([[early[0].id], [borisMessage.id]]))

            #expect(try await requeue(anna.companyID, limit: 10) == .queued(messages: 3, jobs: 1))
            #expect(try await named() == [[late.id, early[0].id, early[2].id]], "oldest first, the classified one left out, none of Boris's")
            #expect(try await requeue(anna.companyID, storedBefore: world.clock.now().addingTimeInterval(-3_600), limit: 10) == .nothingWaiting)
        }
    }

    @Test func filtersCombine() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let scope = TenantScope.tenant(anna)
            let sales = try await world.mailbox(anna, "sales@romashka.ru")
            let info = try await world.mailbox(anna, "info@romashka.ru")
            let inSales = try await world.messages.store(
                [world.message("1:1", minutesAgo: 60 * 24 * 3), world.message("1:2", minutesAgo: 10), world.message("1:3", minutesAgo: 5)],
                companyID: anna.companyID, mailboxID: sales.id)
            let inInfo = try await world.messages.store([world.message("2:1", minutesAgo: 1)], companyID: anna.companyID, mailboxID: info.id)
            let categories = try await world.categories.list(scope)
            let lead = categories[0], invoice = categories[1]
            try await world.classifications.save([
                NewClassification(messageID: inSales[1].id, categoryID: lead.id, confidence: 0.95, reason: "просят КП", source: "embedded", needsReview: false),
                NewClassification(messageID: inSales[2].id, categoryID: invoice.id, confidence: 0.4, reason: "неясно", source: "embedded", needsReview: true),
                NewClassification(messageID: inInfo[0].id, categoryID: lead.id, confidence: 0.9, reason: "", source: "embedded", needsReview: false),
            ], companyID: anna.companyID)
            let action = try #require(try await world.labels.enqueue([.applyLabel("SmartySales/Заявка", to: inInfo[0].id)], companyID: anna.companyID).first)
            _ = try await world.labels.markFailed(action.id, companyID: anna.companyID, error: "keyword limit reached", maximumAttempts: 1)

            func items(_ filter: InboxFilter) async throws -> [String] {
                try await world.messages.list(scope, filter: filter).entries.map(\.message.providerItemID)
            }
            #expect(try await items(InboxFilter(mailboxID: sales.id)) == ["1:3", "1:2", "1:1"])
            #expect(try await items(InboxFilter(categoryID: lead.id)) == ["2:1", "1:2"])
            #expect(try await items(InboxFilter(mailboxID: sales.id, categoryID: lead.id)) == ["1:2"])
            #expect(try await items(InboxFilter(needsReview: true)) == ["1:3"])
            #expect(try await items(InboxFilter(failedLabelActions: true)) == ["2:1"])
            #expect(try await items(InboxFilter(from: world.clock.now().addingTimeInterval(-3600))) == ["2:1", "1:3", "1:2"])
            #expect(try await items(InboxFilter(to: world.clock.now().addingTimeInterval(-3600))) == ["1:1"])

            let entries = try await world.messages.list(scope).entries
            #expect(entries.first { $0.message.id == inInfo[0].id }?.failedLabelActions == 1)
            #expect(entries.first { $0.message.id == inSales[0].id }?.classification == nil)
            #expect(entries.first { $0.message.id == inSales[1].id }?.classification?.reason == "просят КП")

            let counts = try await world.messages.attentionCounts(scope)
            #expect(counts == InboxAttentionCounts(total: 4, needsReview: 1, unclassified: 1, failedLabels: 1))
            #expect(try await world.messages.unclassified(companyID: anna.companyID).map(\.id) == [inSales[0].id])

            let detail = try await world.messages.detail(inInfo[0].id, scope: scope)
            #expect(detail.entry.classification?.categoryID == lead.id)
            #expect(detail.labelActions.map(\.status) == [.failed])
            #expect(detail.labelActions.first?.lastError == "keyword limit reached")
        }
    }

    @Test func anotherTenantCannotReadMessages() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            let mailbox = try await world.mailbox(anna, "sales@a.ru")
            let stored = try await world.messages.store([world.message("1:1", messageID: "secret@a.ru", subject: "Коммерческая тайна")],
                                                        companyID: anna.companyID, mailboxID: mailbox.id)
            let id = stored[0].id
            let borisScope = TenantScope.tenant(boris)
            await #expect(throws: StorageError.notFound) { _ = try await world.messages.find(id, scope: borisScope) }
            await #expect(throws: StorageError.notFound) { _ = try await world.messages.detail(id, scope: borisScope) }
            #expect(try await world.messages.list(borisScope).entries.isEmpty)
            #expect(try await world.messages.list(borisScope, filter: InboxFilter(companyID: anna.companyID)).entries.isEmpty,
                    "a tenant cannot widen its scope with the platform's filter")
            #expect(try await world.messages.list(borisScope, filter: InboxFilter(search: "тайна")).entries.isEmpty)
            #expect(try await world.messages.findByMessageIDs(["secret@a.ru"], companyID: boris.companyID).isEmpty)
            #expect(try await world.messages.messages([id], companyID: boris.companyID).isEmpty)
            #expect(try await world.messages.attentionCounts(borisScope).total == 0)

            let platform = TenantScope.platform(userID: UUID())
            #expect(try await world.messages.find(id, scope: platform).subject == "Коммерческая тайна")
            #expect(try await world.messages.list(platform, filter: InboxFilter(companyID: anna.companyID)).entries.count == 1)
            #expect(try await world.messages.list(platform, filter: InboxFilter(companyID: boris.companyID)).entries.isEmpty)
        }
    }

    @Test func whereARuleMovedAMessageIsRecordedWithItsMoveDoneForTheTenantAlone() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let boris = try await world.tenant("boris@lyutik.ru", company: "Лютик")
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru")
            let stored = try await world.messages.store([
                world.message("imap:7:1", messageID: "one@buyer.ru"), world.message("imap:7:2", messageID: "two@buyer.ru"),
            ], companyID: anna.companyID, mailboxID: mailbox.id)
            try #require(stored.count == 2)
            let (one, two) = (stored[0], stored[1])
            let moves = try await world.labels.enqueue([.move(one.id, to: "Архив"), .move(two.id, to: "Потеряно")], companyID: anna.companyID)
            let moveOfOne = try #require(moves.first { $0.messageID == one.id })
            let moveOfTwo = try #require(moves.first { $0.messageID == two.id })

            // Another tenant's write changes nothing.
            try await world.messages.recordMove(
                one.id, to: MessageLocation(folder: "Чужое", itemID: "imap:1:1:Чужое"), moveAction: moveOfOne.id, companyID: boris.companyID)
            #expect(try await world.messages.find(one.id, scope: .tenant(anna)).movedTo == nil)
            #expect(try await world.labels.actions(forMessage: one.id, scope: .tenant(anna)).map(\.status) == [.pending])

            let archived = MessageLocation(folder: "Архив", itemID: "imap:9:5:Архив")
            let lost = MessageLocation(folder: "Потеряно", itemID: nil)
            try await world.messages.recordMove(one.id, to: archived, moveAction: moveOfOne.id, companyID: anna.companyID)
            try await world.messages.recordMove(two.id, to: lost, moveAction: moveOfTwo.id, note: "Moved, but not found there.", companyID: anna.companyID)

            // Read back every way the workers and the pages read messages.
            let read = try await world.messages.messages([one.id, two.id], companyID: anna.companyID)
            #expect(read.map(\.movedTo) == [archived, lost])
            #expect(read.map(\.currentItemID) == ["imap:9:5:Архив", nil])
            #expect(read.map(\.providerItemID) == ["imap:7:1", "imap:7:2"], "the id the sync knows them by stays")
            #expect(try await world.messages.find(one.id, scope: .tenant(anna)).movedTo == archived)
            #expect(try await world.messages.list(.tenant(anna)).entries.first { $0.message.id == one.id }?.message.movedTo == archived)

            // Each move is done, in the same write; the note stays where there is one.
            let oneMove = try #require(try await world.labels.actions(forMessage: one.id, scope: .tenant(anna)).first)
            #expect(oneMove.status == .done)
            #expect(oneMove.lastError == nil)
            #expect(oneMove.doneAt != nil)
            let twoMove = try #require(try await world.labels.actions(forMessage: two.id, scope: .tenant(anna)).first)
            #expect(twoMove.status == .done)
            #expect(twoMove.lastError == "Moved, but not found there.")
            #expect(try await world.labels.pending(mailboxID: mailbox.id, companyID: anna.companyID, limit: 10).isEmpty)

            // Its owner moves it back: the sync lists it again under a new id, and where the rule
            // had put it is forgotten.
            try await world.messages.updateProviderItemIDs(["one@buyer.ru": "imap:7:3"], companyID: anna.companyID, mailboxID: mailbox.id)
            let back = try await world.messages.find(one.id, scope: .tenant(anna))
            #expect(back.movedTo == nil)
            #expect(back.currentItemID == "imap:7:3")
            #expect(try await world.messages.find(two.id, scope: .tenant(anna)).movedTo == lost)
        }
    }

    @Test func repliesAreFoundByTheMessageIDsTheyAnswer() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru")
            let original = try await world.messages.store([world.message("1:1", messageID: "<q1@buyer.ru>")], companyID: anna.companyID, mailboxID: mailbox.id)
            let reply = NewInboundMessage(
                providerItemID: "1:2", messageID: "<r1@buyer.ru>", inReplyTo: ["<q1@buyer.ru>"], references: ["<root@buyer.ru>", "<q1@buyer.ru>"],
                fromAddress: "ivan@buyer.ru", fromName: nil, toAddresses: ["sales@romashka.ru"], subject: "Re: Вопрос", snippet: "Ответ",
                receivedAt: world.clock.now())
            let stored = try await world.messages.store([reply], companyID: anna.companyID, mailboxID: mailbox.id)
            #expect(stored[0].inReplyTo == ["q1@buyer.ru"])
            #expect(stored[0].answeredMessageIDs == ["q1@buyer.ru", "root@buyer.ru"])
            let linked = try await world.messages.findByMessageIDs(stored[0].answeredMessageIDs, companyID: anna.companyID)
            #expect(linked.map(\.id) == [original[0].id])
            #expect(try await world.messages.findByMessageIDs(["<q1@buyer.ru>", "unknown@x"], companyID: anna.companyID).count == 1)
        }
    }

    @Test func messagesPerCategoryPerDayFollowTheTenantsMidnight() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let scope = TenantScope.tenant(anna)
            let mailbox = try await world.mailbox(anna, "sales@romashka.ru")
            func at(_ item: String, _ iso: String) -> NewInboundMessage {
                NewInboundMessage(providerItemID: item, messageID: nil, fromAddress: "a@b.ru", fromName: nil, toAddresses: [],
                                  subject: item, snippet: "", receivedAt: InboxWorld.date(iso))
            }
            let stored = try await world.messages.store([
                at("today", "2027-01-15T07:00:00Z"),         // 10:00 in Moscow, 15 January
                at("after-midnight", "2027-01-14T22:30:00Z"), // 01:30 in Moscow, already 15 January
                at("before-midnight", "2027-01-14T20:30:00Z"),// 23:30 in Moscow, 14 January
                at("first-day", "2027-01-13T12:00:00Z"),      // 13 January
                at("too-old", "2027-01-12T20:00:00Z"),        // 23:00 on 12 January: outside three days
            ], companyID: anna.companyID, mailboxID: mailbox.id)
            let categories = try await world.categories.list(scope)
            let lead = categories[0].id, invoice = categories[1].id
            func id(_ item: String) -> UUID { stored.first { $0.providerItemID == item }!.id }
            try await world.classifications.save([
                NewClassification(messageID: id("today"), categoryID: lead, confidence: 1, reason: "", source: "embedded", needsReview: false),
                NewClassification(messageID: id("after-midnight"), categoryID: lead, confidence: 1, reason: "", source: "embedded", needsReview: false),
                NewClassification(messageID: id("before-midnight"), categoryID: invoice, confidence: 1, reason: "", source: "embedded", needsReview: false),
                NewClassification(messageID: id("too-old"), categoryID: invoice, confidence: 1, reason: "", source: "embedded", needsReview: false),
            ], companyID: anna.companyID)

            let moscow = TimeZone(secondsFromGMT: 3 * 3600)!
            let chart = try await world.messages.dailyCategoryCounts(scope, days: 3, timeZone: moscow, now: InboxWorld.date("2027-01-15T08:00:00Z"))
            #expect(chart.days == [InboxWorld.date("2027-01-12T21:00:00Z"), InboxWorld.date("2027-01-13T21:00:00Z"), InboxWorld.date("2027-01-14T21:00:00Z")])
            #expect(chart.counts(for: lead) == [0, 0, 2])
            #expect(chart.counts(for: invoice) == [0, 1, 0])
            #expect(chart.counts(for: nil) == [1, 0, 0], "unclassified mail is counted apart")
            #expect(chart.series.map(\.categoryID) == [lead, invoice, nil] || chart.series.map(\.categoryID) == [lead, nil, invoice])

            let single = try await world.messages.dailyCategoryCounts(scope, days: 1, timeZone: moscow, now: InboxWorld.date("2027-01-15T08:00:00Z"))
            #expect(single.counts(for: lead) == [2])

            let otherTenant = try await world.tenant("boris@lyutik.ru", company: "Лютик")
            let empty = try await world.messages.dailyCategoryCounts(.tenant(otherTenant), days: 3, timeZone: moscow, now: InboxWorld.date("2027-01-15T08:00:00Z"))
            #expect(empty.series.isEmpty && empty.days.count == 3)
        }
    }

    @Test func theChartAndTheMatchCountFollowTheListsFilters() async throws {
        try await TestDatabase.with { db in
            let world = try InboxWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let scope = TenantScope.tenant(anna)
            let sales = try await world.mailbox(anna, "sales@romashka.ru")
            let support = try await world.mailbox(anna, "help@romashka.ru")
            func at(_ item: String, _ iso: String) -> NewInboundMessage {
                NewInboundMessage(providerItemID: item, messageID: nil, fromAddress: "a@b.ru", fromName: nil, toAddresses: [],
                                  subject: item, snippet: "", receivedAt: InboxWorld.date(iso))
            }
            let inSales = try await world.messages.store([
                at("early", "2027-01-10T09:00:00Z"),
                at("unsure", "2027-01-14T09:00:00Z"),
                at("after-the-period", "2027-01-15T09:00:00Z"),
            ], companyID: anna.companyID, mailboxID: sales.id)
            let inSupport = try await world.messages.store([at("invoice", "2027-01-14T10:00:00Z")], companyID: anna.companyID, mailboxID: support.id)
            let categories = try await world.categories.list(scope)
            let lead = categories[0].id, invoice = categories[1].id
            func id(_ item: String) -> UUID { (inSales + inSupport).first { $0.providerItemID == item }!.id }
            try await world.classifications.save([
                NewClassification(messageID: id("early"), categoryID: lead, confidence: 1, reason: "", source: "embedded", needsReview: false),
                NewClassification(messageID: id("unsure"), categoryID: lead, confidence: 0.3, reason: "", source: "embedded", needsReview: true),
                NewClassification(messageID: id("after-the-period"), categoryID: lead, confidence: 1, reason: "", source: "embedded", needsReview: false),
                NewClassification(messageID: id("invoice"), categoryID: invoice, confidence: 1, reason: "", source: "embedded", needsReview: false),
            ], companyID: anna.companyID)

            // Five days up to 14 January, long before "now": the period is the caller's, not the clock's.
            let moscow = TimeZone(secondsFromGMT: 3 * 3600)!
            let lastDay = InboxWorld.date("2027-01-13T21:00:00Z")
            let later = InboxWorld.date("2027-03-01T08:00:00Z")
            let all = try await world.messages.dailyCategoryCounts(scope, days: 5, through: lastDay, timeZone: moscow, now: later)
            #expect(all.days.first == InboxWorld.date("2027-01-09T21:00:00Z") && all.days.count == 5)
            #expect(all.counts(for: lead) == [1, 0, 0, 0, 1])
            #expect(all.counts(for: invoice) == [0, 0, 0, 0, 1])

            let salesOnly = try await world.messages.dailyCategoryCounts(scope, filter: InboxFilter(mailboxID: sales.id), days: 5, through: lastDay,
                                                                         timeZone: moscow, now: later)
            #expect(salesOnly.counts(for: lead) == [1, 0, 0, 0, 1])
            #expect(salesOnly.series.map(\.categoryID) == [lead], "the other mailbox's invoice is left out")

            let review = try await world.messages.dailyCategoryCounts(scope, filter: InboxFilter(needsReview: true), days: 5, through: lastDay,
                                                                      timeZone: moscow, now: later)
            #expect(review.series.map(\.categoryID) == [lead])
            #expect(review.counts(for: lead) == [0, 0, 0, 0, 1])

            // The count of a filtered list, stopped just past the cap.
            #expect(try await world.messages.countMatching(scope, filter: InboxFilter(mailboxID: sales.id), cappedAt: 100) == 3)
            #expect(try await world.messages.countMatching(scope, filter: InboxFilter(categoryID: lead), cappedAt: 100) == 3)
            #expect(try await world.messages.countMatching(scope, filter: InboxFilter(needsReview: true), cappedAt: 100) == 1)
            #expect(try await world.messages.countMatching(scope, filter: InboxFilter(), cappedAt: 2) == 3, "more than the cap")
            let otherTenant = try await world.tenant("boris@lyutik.ru", company: "Лютик")
            #expect(try await world.messages.countMatching(.tenant(otherTenant), filter: InboxFilter(mailboxID: sales.id), cappedAt: 100) == 0)
        }
    }
}
