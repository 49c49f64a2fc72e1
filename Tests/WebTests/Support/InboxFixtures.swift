import Domain
import Foundation
import Storage
@testable import Web

/// Mailboxes and stored messages for the inbox tests, made through the repositories the way
/// the sync and classify workers make them.
enum InboxFixtures {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// A signed-up user as the tenant member repositories take.
    static func member(_ app: TestApp, email: String) async throws -> TenantMember {
        guard let address = EmailAddress(email),
              let member = try await app.services.users.credentialsForSignIn(email: address)?.user.scope?.member else {
            throw Missing(description: "no tenant member \(email)")
        }
        return member
    }

    static func gmailMailbox(_ app: TestApp, _ member: TenantMember, address: String = "sales@romashka.ru", secret: String = "abcdefghijklmnop") async throws -> Mailbox {
        guard let email = EmailAddress(address) else { throw Missing(description: "bad address \(address)") }
        return try await app.services.mailboxes.create(member, try MailboxDraft.gmail(displayName: "Продажи", address: email).validated(), secret: secret)
    }

    /// A message as a connector would hand it over; `index` makes its ids unique.
    static func message(
        _ index: Int, subject: String? = nil, from: String? = nil, fromName: String? = nil, receivedAt: Date = Date(),
        inReplyTo: [String] = [], snippet: String = "Добрый день! Пишу по поводу поставки."
    ) -> NewInboundMessage {
        NewInboundMessage(
            providerItemID: "gmail:\(1_000 + index)", messageID: "message-\(index)@example.ru", inReplyTo: inReplyTo,
            fromAddress: from ?? "client\(index)@example.ru", fromName: fromName, toAddresses: ["sales@romashka.ru"],
            subject: subject ?? "Письмо номер \(index)", snippet: snippet, receivedAt: receivedAt)
    }

    @discardableResult
    static func store(_ app: TestApp, _ messages: [NewInboundMessage], in mailbox: Mailbox) async throws -> [InboundMessage] {
        try await app.services.inboundMessages.store(messages, companyID: mailbox.companyID, mailboxID: mailbox.id)
    }

    static func category(_ app: TestApp, _ member: TenantMember, named name: String) async throws -> InboxCategory {
        guard let category = try await app.services.categories.list(.tenant(member)).first(where: { $0.name == name }) else {
            throw Missing(description: "no category \(name)")
        }
        return category
    }

    /// Every queued job of `kind` the queue hands out now, claimed so no other test step sees them again.
    static func claimAll(_ app: TestApp, kind: String) async throws -> [Job] {
        var jobs: [Job] = []
        while let job = try await app.services.jobs.claim(worker: "test", lease: 60, kinds: [kind]) {
            jobs.append(job)
        }
        return jobs
    }

    /// A job's JSON payload as a dictionary.
    static func payload(_ job: Job) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(job.payload.utf8)) as? [String: Any] else {
            throw Missing(description: "payload of \(job.kind) is not an object: \(job.payload)")
        }
        return object
    }

    /// Text as the pages show it: HTML-escaped.
    static func html(_ app: TestApp, _ key: String, _ locale: AppLocale) -> String {
        LocalizedTemplates.escape(app.services.renderer.localizer.text(key, locale))
    }
}
