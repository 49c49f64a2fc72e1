import Domain
import Foundation
import Storage
import TestSupport
import Testing

/// The inbox repositories over one test database, with a clock the test moves and helpers for
/// tenants, mailboxes and messages.
struct InboxWorld {
    let db: Persistence
    let clock: TestClock
    let users: UserRepository
    let mailboxes: MailboxRepository
    let messages: InboundMessageRepository
    let categories: CategoryRepository
    let rules: RuleRepository
    let classifications: ClassificationRepository
    let labels: LabelActionRepository

    init(_ db: Persistence) throws {
        let clock = TestClock()
        self.db = db
        self.clock = clock
        let box = SecretBox(keyring: try MasterKeyring(current: MasterKey.generate(id: "k1")))
        users = UserRepository(persistence: db, clock: clock)
        mailboxes = MailboxRepository(persistence: db, secretBox: box, clock: clock)
        messages = InboundMessageRepository(persistence: db, clock: clock)
        categories = CategoryRepository(persistence: db, clock: clock)
        rules = RuleRepository(persistence: db, clock: clock)
        classifications = ClassificationRepository(persistence: db, clock: clock)
        labels = LabelActionRepository(persistence: db, clock: clock)
    }

    /// Signs a company up (which seeds its categories) and returns its owner.
    func tenant(_ email: String, company: String, locale: AppLocale = .ru) async throws -> TenantMember {
        let form = NewCompanyOwner(fullName: "Анна Петрова", email: EmailAddress(email)!, companyName: company,
                                   companyDescription: "", locale: locale)
        let (_, owner) = try await users.signUp(form, passwordHash: "hash")
        return try #require(owner.scope?.member)
    }

    static func imapDraft(_ address: String, host: String = "imap.romashka.ru") -> MailboxDraft {
        MailboxDraft(
            kind: .imap, displayName: "Продажи", address: EmailAddress(address)!, username: address,
            connection: .imap(IMAPSMTPSettings(
                imap: MailServerSettings(host: host, port: 993, tls: .implicit),
                smtp: MailServerSettings(host: "smtp.romashka.ru", port: 587, tls: .startTLS))))
    }

    func mailbox(_ member: TenantMember, _ address: String, secret: String = "app-password-1") async throws -> Mailbox {
        try await mailboxes.create(member, Self.imapDraft(address), secret: secret)
    }

    /// A message received `minutesAgo` minutes before the clock's now.
    func message(
        _ item: String, messageID: String? = nil, from: String = "ivan@buyer.ru", name: String? = "Иван Петров",
        subject: String = "Вопрос", minutesAgo: Double = 0
    ) -> NewInboundMessage {
        NewInboundMessage(
            providerItemID: item, messageID: messageID, fromAddress: from, fromName: name, toAddresses: ["sales@romashka.ru"],
            subject: subject, snippet: "Добрый день! \(subject)", receivedAt: clock.now().addingTimeInterval(-minutesAgo * 60))
    }

    static func date(_ iso: String) -> Date {
        ISO8601DateFormatter().date(from: iso)!
    }
}
