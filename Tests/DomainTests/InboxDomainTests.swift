import Domain
import Foundation
import Testing

@Suite struct InboxCategoryRulesTests {
    @Test(arguments: AppLocale.allCases)
    func defaultsAreValidAndDistinct(_ locale: AppLocale) throws {
        let defaults = InboxCategory.defaults(for: locale)
        #expect(defaults.count == 6)
        for draft in defaults {
            #expect(try draft.validated() == draft, "\(draft.name) must pass the same rules a user's category does")
            #expect(draft.labelName == InboxCategory.labelPrefix + draft.name)
            #expect((2...3).contains(draft.examples.count))
            #expect(!draft.description.isEmpty)
        }
        #expect(Set(defaults.map(\.name)).count == defaults.count)
        #expect(Set(defaults.map(\.colour)).count == defaults.count)
    }

    @Test func defaultsSpeakTheTenantsLanguage() {
        #expect(InboxCategory.defaults(for: .ru).map(\.name) == ["Заявка", "Счёт", "Поддержка", "Резюме", "Рассылка", "Спам"])
        #expect(InboxCategory.defaults(for: .en).map(\.name) == ["Lead", "Invoice", "Support", "CV", "Newsletter", "Spam"])
        #expect(InboxCategory.defaults(for: .ru)[0].labelName == "SmartySales/Заявка")
        #expect(InboxSettings.defaultNeedsReviewLabel(for: .ru) == "SmartySales/На проверку")
        #expect(InboxSettings.defaultNeedsReviewLabel(for: .en) == "SmartySales/Needs review")
    }

    static func errors(of draft: InboxCategoryDraft) -> FieldErrors {
        do {
            _ = try draft.validated()
            return FieldErrors()
        } catch let errors as FieldErrors {
            return errors
        } catch {
            Issue.record("unexpected error \(error)")
            return FieldErrors()
        }
    }

    static let valid = InboxCategoryDraft(name: "Заявка", description: "", examples: [], labelName: "SmartySales/Заявка", colour: "#1E88E5")

    @Test func validDraftIsTrimmedAndNormalised() throws {
        var draft = Self.valid
        draft.name = "  Заявка  "
        draft.examples = ["  пример  ", "", "   "]
        draft.colour = "#ABC"
        let checked = try draft.validated()
        #expect(checked.name == "Заявка")
        #expect(checked.examples == ["пример"])
        #expect(checked.colour == "#aabbcc")
    }

    @Test func nameMustBeOneToSixtyCharacters() {
        var draft = Self.valid
        draft.name = "   "
        #expect(Self.errors(of: draft)["name"] == "validation_required")
        draft.name = String(repeating: "я", count: 61)
        #expect(Self.errors(of: draft)["name"] == "validation_too_long")
        draft.name = String(repeating: "я", count: 60)
        #expect(Self.errors(of: draft).isEmpty)
    }

    @Test(arguments: ["", "a//b", "/a", "a/", "bad\u{0007}bell", "line\nbreak", String(repeating: "x", count: 101)])
    func badLabelNamesAreRefused(_ label: String) {
        var draft = Self.valid
        draft.labelName = label
        #expect(Self.errors(of: draft)["label_name"] != nil)
    }

    @Test(arguments: ["SmartySales/Заявка", "Lead", "Клиенты/Горячие лиды", String(repeating: "x", count: 100)])
    func goodLabelNamesPass(_ label: String) {
        var draft = Self.valid
        draft.labelName = label
        #expect(Self.errors(of: draft).isEmpty)
    }

    @Test(arguments: ["1e88e5", "#1e88e", "#gggggg", "blue", "#1e88e5ff"])
    func coloursMustBeHex(_ colour: String) {
        var draft = Self.valid
        draft.colour = colour
        #expect(Self.errors(of: draft)["colour"] == "validation_colour")
    }

    @Test func settingsCheckTheirLabelAndThreshold() {
        let good = InboxSettings(companyID: UUID(), needsReviewLabel: " SmartySales/На проверку ", reviewThreshold: 0.6)
        #expect((try? good.validated())?.needsReviewLabel == "SmartySales/На проверку")
        let bad = InboxSettings(companyID: UUID(), needsReviewLabel: "", reviewThreshold: 1.5)
        #expect(throws: FieldErrors(["needs_review_label": "validation_required", "review_threshold": "validation_threshold"])) {
            _ = try bad.validated()
        }
    }
}

@Suite struct MailboxDraftTests {
    static let address = EmailAddress("sales@romashka.ru")!

    @Test func gmailDraftUsesGooglesServersAndTheAddressAsLogin() throws {
        let draft = try MailboxDraft.gmail(displayName: "Продажи", address: Self.address).validated()
        #expect(draft.username == "sales@romashka.ru")
        #expect(draft.connection == .imap(.gmail))
        #expect(draft.importWindowDays == 14)
    }

    @Test func imapDraftNamesEveryBadField() {
        let settings = IMAPSMTPSettings(
            imap: MailServerSettings(host: "imap example.ru", port: 0, tls: .implicit),
            smtp: MailServerSettings(host: "", port: 70_000, tls: .startTLS),
            customCAPEM: "not a certificate")
        let draft = MailboxDraft(kind: .imap, displayName: "", address: Self.address, username: "u", connection: .imap(settings), importWindowDays: 0)
        #expect(throws: FieldErrors([
            "display_name": "validation_required", "imap_host": "validation_host", "imap_port": "validation_port",
            "smtp_host": "validation_required", "smtp_port": "validation_port", "custom_ca": "validation_certificate",
            "import_window_days": "validation_import_window",
        ])) {
            _ = try draft.validated()
        }
    }

    @Test func exchangeDraftTakesAnEWSURLOrAutodiscovery() throws {
        let autodiscover = MailboxDraft(kind: .exchange, displayName: "Exchange", address: Self.address, username: "ROMASHKA\\sales",
                                        connection: .exchange(ExchangeSettings(ewsURL: "  ", auth: .ntlm)))
        #expect(try autodiscover.validated().connection == .exchange(ExchangeSettings(ewsURL: nil, auth: .ntlm)))
        var bad = autodiscover
        bad.connection = .exchange(ExchangeSettings(ewsURL: "ftp://mail.romashka.ru/EWS", auth: .basic))
        #expect(throws: FieldErrors(["ews_url": "validation_url"])) { _ = try bad.validated() }
        var mismatched = autodiscover
        mismatched.kind = .imap
        #expect(throws: FieldErrors(["kind": "validation_mailbox_kind"])) { _ = try mismatched.validated() }
    }

    @Test func credentialsNeverPrintTheSecret() {
        let credentials = MailboxCredentials(username: "sales@romashka.ru", secret: "abcd efgh ijkl mnop")
        #expect(!"\(credentials)".contains("abcd"))
        #expect(!String(reflecting: credentials).contains("abcd"))
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!dumped.contains("abcd"))
    }
}

@Suite struct InboundMessageNormalisationTests {
    @Test func messageIDsLoseTheirBrackets() {
        #expect(InboundMessage.normalisedMessageID(" <abc@mail.ru> ") == "abc@mail.ru")
        #expect(InboundMessage.normalisedMessageID("abc@mail.ru") == "abc@mail.ru")
        #expect(InboundMessage.normalisedMessageID("<>") == nil)
        #expect(InboundMessage.normalisedMessageID(nil) == nil)
        #expect(InboundMessage.normalisedMessageID(String(repeating: "x", count: 2_000)) == nil)
    }

    @Test func newMessagesAreCutToWhatWeKeep() {
        let message = NewInboundMessage(
            providerItemID: "7:42", messageID: "<m1@a.ru>", inReplyTo: ["<out@smartysales>"], references: (0..<60).map { "<r\($0)@a.ru>" },
            fromAddress: " Ivan@Romashka.RU ", fromName: "  ", toAddresses: ["Sales@Firm.ru", " "], subject: "Тема",
            snippet: String(repeating: "ж", count: 800), receivedAt: Date(timeIntervalSince1970: 1_800_000_000.75))
        #expect(message.messageID == "m1@a.ru")
        #expect(message.inReplyTo == ["out@smartysales"])
        #expect(message.references.count == 50 && message.references.last == "r59@a.ru")
        #expect(message.fromAddress == "ivan@romashka.ru")
        #expect(message.fromName == nil)
        #expect(message.toAddresses == ["sales@firm.ru"])
        #expect(message.snippet.count == InboundMessage.snippetLength)
        #expect(message.receivedAt == Date(timeIntervalSince1970: 1_800_000_000))
    }
}

@Suite struct LabelPlanTests {
    static let company = UUID()
    static let category = InboxCategory(id: UUID(), companyID: company, name: "Счёт", description: "", examples: [],
                                        labelName: "SmartySales/Счёт", colour: "#43a047", position: 1, isActive: true)
    static let settings = InboxSettings.defaults(companyID: company, locale: .ru)

    static func verdict(category: UUID?, needsReview: Bool = false) -> MessageClassification {
        MessageClassification(messageID: UUID(), companyID: company, categoryID: category, confidence: 0.9, reason: "", source: "embedded",
                              needsReview: needsReview, classifiedAt: Date(), correctedBy: nil, correctedAt: nil)
    }

    static func rule(_ actions: InboxRuleActions, enabled: Bool = true) -> InboxRule {
        InboxRule(id: UUID(), companyID: company, categoryID: category.id, actions: actions, isEnabled: enabled)
    }

    @Test func ruleActionsComeInOrderWithTheMoveLast() {
        let verdict = Self.verdict(category: Self.category.id)
        let actions = LabelPlan.actions(for: verdict, category: Self.category,
                                        rule: Self.rule(InboxRuleActions(applyLabel: true, markAsRead: true, moveToFolder: "Бухгалтерия")),
                                        settings: Self.settings)
        #expect(actions == [.applyLabel("SmartySales/Счёт", to: verdict.messageID), .markRead(verdict.messageID),
                            .move(verdict.messageID, to: "Бухгалтерия")])
    }

    @Test func unsureVerdictsGetTheReviewLabelInstead() {
        let verdict = Self.verdict(category: Self.category.id, needsReview: true)
        #expect(LabelPlan.actions(for: verdict, category: Self.category, rule: Self.rule(.labelOnly), settings: Self.settings)
            == [.applyLabel("SmartySales/На проверку", to: verdict.messageID)])
    }

    @Test func switchedOffRulesAndMissingCategoriesDoNothing() {
        let verdict = Self.verdict(category: Self.category.id)
        #expect(LabelPlan.actions(for: verdict, category: Self.category, rule: Self.rule(.labelOnly, enabled: false), settings: Self.settings).isEmpty)
        #expect(LabelPlan.actions(for: Self.verdict(category: nil), category: nil, rule: nil, settings: Self.settings).isEmpty)
    }

    @Test func theSameActionHasTheSameKey() {
        let id = UUID()
        #expect(NewLabelAction.applyLabel(" Lead ", to: id).idempotencyKey == NewLabelAction.applyLabel("Lead", to: id).idempotencyKey)
        #expect(NewLabelAction.markRead(id) == NewLabelAction(messageID: id, kind: .markRead, label: "ignored"))
        #expect(NewLabelAction.applyLabel("Lead", to: id).idempotencyKey != NewLabelAction.move(id, to: "Lead").idempotencyKey)
    }
}
