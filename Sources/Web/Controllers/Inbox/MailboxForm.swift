import Domain
import Foundation

/// The add and edit mailbox forms as typed, so a page shown again (with errors, or with the
/// result of a connection test) holds exactly what was entered. The password is not here: it
/// is read from the post when needed and never put back into a page.
struct MailboxForm {
    var displayName = ""
    var address = ""
    var username = ""
    var imapHost = ""
    var imapPort = "993"
    var imapTLS = MailTLSMode.implicit.rawValue
    var smtpHost = ""
    var smtpPort = "465"
    var smtpTLS = MailTLSMode.implicit.rawValue
    var customCA = ""
    var ewsURL = ""
    var exchangeAuth = ExchangeAuth.automatic.rawValue
    var importWindowDays = String(Mailbox.defaultImportWindowDays)

    /// The form field the password travels in (masked in the audit trail by its name).
    static let passwordField = "password"

    init() {}

    /// A stored mailbox's settings, for its edit form.
    init(_ mailbox: Mailbox) {
        displayName = mailbox.displayName
        address = mailbox.address.value
        username = mailbox.username
        importWindowDays = String(mailbox.importWindowDays)
        switch mailbox.connection {
        case .imap(let settings):
            imapHost = settings.imap.host
            imapPort = String(settings.imap.port)
            imapTLS = settings.imap.tls.rawValue
            smtpHost = settings.smtp.host
            smtpPort = String(settings.smtp.port)
            smtpTLS = settings.smtp.tls.rawValue
            customCA = settings.customCAPEM ?? ""
        case .exchange(let settings):
            ewsURL = settings.ewsURL ?? ""
            exchangeAuth = settings.auth.rawValue
        }
    }

    /// A posted form; fields a form does not have (Gmail's form asks for no servers) keep the
    /// values of `base`.
    init(_ input: FormData, base: MailboxForm = MailboxForm()) {
        self = base
        func read(_ field: String, into value: inout String) {
            if input.has(field) { value = input[field] }
        }
        read("display_name", into: &displayName)
        read("address", into: &address)
        read("username", into: &username)
        read("imap_host", into: &imapHost)
        read("imap_port", into: &imapPort)
        read("imap_tls", into: &imapTLS)
        read("smtp_host", into: &smtpHost)
        read("smtp_port", into: &smtpPort)
        read("smtp_tls", into: &smtpTLS)
        read("custom_ca", into: &customCA)
        read("ews_url", into: &ewsURL)
        read("exchange_auth", into: &exchangeAuth)
        read("import_window_days", into: &importWindowDays)
    }

    /// The mailbox these fields describe, or every field that is wrong (by form field name).
    /// A blank name shows the address; a blank login name is the address.
    func draft(kind: MailboxKind) -> Result<MailboxDraft, FieldErrors> {
        var errors = FieldErrors()
        let email = FormRules.email(address, field: "address", into: &errors)
        // While the address is wrong the rest is checked against a stand-in, so every mistake
        // shows at once; the stand-in never leaves this function.
        let checkedAddress = email ?? EmailAddress("mailbox@example.com")!
        let trimmedName = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        let name = trimmedName.isEmpty ? checkedAddress.value : trimmedName
        let trimmedLogin = username.trimmingCharacters(in: .whitespacesAndNewlines)
        let login = trimmedLogin.isEmpty ? checkedAddress.value : trimmedLogin
        let window = Self.number(importWindowDays) ?? 0

        var draft: MailboxDraft
        switch kind {
        case .gmail:
            draft = .gmail(displayName: name, address: checkedAddress, importWindowDays: window)
        case .imap:
            let imapMode = Self.choice(MailTLSMode(rawValue: imapTLS), field: "imap_tls", into: &errors)
            let smtpMode = Self.choice(MailTLSMode(rawValue: smtpTLS), field: "smtp_tls", into: &errors)
            let settings = IMAPSMTPSettings(
                imap: MailServerSettings(host: imapHost, port: Self.number(imapPort) ?? 0, tls: imapMode ?? .implicit),
                smtp: MailServerSettings(host: smtpHost, port: Self.number(smtpPort) ?? 0, tls: smtpMode ?? .implicit),
                customCAPEM: customCA)
            draft = MailboxDraft(kind: .imap, displayName: name, address: checkedAddress, username: login,
                                 connection: .imap(settings), importWindowDays: window)
        case .exchange:
            let auth = Self.choice(ExchangeAuth(rawValue: exchangeAuth), field: "exchange_auth", into: &errors)
            draft = MailboxDraft(kind: .exchange, displayName: name, address: checkedAddress, username: login,
                                 connection: .exchange(ExchangeSettings(ewsURL: ewsURL, auth: auth ?? .automatic)), importWindowDays: window)
        }
        do {
            draft = try draft.validated()
        } catch {
            for (field, key) in (error as? FieldErrors)?.messages ?? [:] { errors.add(field, key) }
        }
        return errors.isEmpty ? .success(draft) : .failure(errors)
    }

    /// The secret as the mailbox will use it: Google shows app passwords in groups of four with
    /// spaces, which are not part of it.
    static func secret(_ typed: String, kind: MailboxKind) -> String {
        kind == .gmail ? typed.filter { !$0.isWhitespace } : typed
    }

    private static func number(_ text: String) -> Int? {
        Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func choice<Value>(_ value: Value?, field: String, into errors: inout FieldErrors) -> Value? {
        if value == nil { errors.add(field, "validation_choice") }
        return value
    }
}
