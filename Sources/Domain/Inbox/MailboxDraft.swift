import Foundation

/// What the "add mailbox" and "edit mailbox" forms produce: everything but the status, the
/// counters and the secret (which travels beside it, straight into the sealed column).
public struct MailboxDraft: Sendable, Equatable {
    public var kind: MailboxKind
    public var displayName: String
    public var address: EmailAddress
    public var username: String
    public var connection: MailboxConnection
    public var importWindowDays: Int

    public init(
        kind: MailboxKind, displayName: String, address: EmailAddress, username: String, connection: MailboxConnection,
        importWindowDays: Int = Mailbox.defaultImportWindowDays
    ) {
        self.kind = kind
        self.displayName = displayName
        self.address = address
        self.username = username
        self.connection = connection
        self.importWindowDays = importWindowDays
    }

    /// A Gmail mailbox: Google's servers, the address as the login.
    public static func gmail(displayName: String, address: EmailAddress, importWindowDays: Int = Mailbox.defaultImportWindowDays) -> MailboxDraft {
        MailboxDraft(kind: .gmail, displayName: displayName, address: address, username: address.value,
                     connection: .imap(.gmail), importWindowDays: importWindowDays)
    }

    public static let maximumDisplayNameLength = 100
    public static let maximumUsernameLength = 256
    public static let importWindowRange = 1...365

    /// Checks the draft and names every field that is wrong (form field names: `kind`,
    /// `display_name`, `username`, `imap_host`, `imap_port`, `smtp_host`, `smtp_port`,
    /// `custom_ca`, `ews_url`, `import_window_days`). Returns the draft with text trimmed.
    public func validated() throws -> MailboxDraft {
        var errors = FieldErrors()
        var draft = self
        draft.displayName = FormRules.requireText(displayName, field: "display_name", maxLength: Self.maximumDisplayNameLength, into: &errors)
        draft.username = FormRules.requireText(username, field: "username", maxLength: Self.maximumUsernameLength, into: &errors)
        if !Self.importWindowRange.contains(importWindowDays) { errors.add("import_window_days", "validation_import_window") }
        switch connection {
        case .imap(var settings):
            if kind == .exchange { errors.add("kind", "validation_mailbox_kind") }
            settings.imap.host = Self.host(settings.imap.host, field: "imap_host", into: &errors)
            settings.smtp.host = Self.host(settings.smtp.host, field: "smtp_host", into: &errors)
            Self.port(settings.imap.port, field: "imap_port", into: &errors)
            Self.port(settings.smtp.port, field: "smtp_port", into: &errors)
            if let pem = settings.customCAPEM?.trimmingCharacters(in: .whitespacesAndNewlines) {
                if pem.isEmpty {
                    settings.customCAPEM = nil
                } else if !pem.contains("-----BEGIN CERTIFICATE-----") || !pem.contains("-----END CERTIFICATE-----") || pem.utf8.count > 64_000 {
                    errors.add("custom_ca", "validation_certificate")
                } else {
                    settings.customCAPEM = pem
                }
            }
            draft.connection = .imap(settings)
        case .exchange(var settings):
            if kind != .exchange { errors.add("kind", "validation_mailbox_kind") }
            if let raw = settings.ewsURL?.trimmingCharacters(in: .whitespacesAndNewlines) {
                if raw.isEmpty {
                    settings.ewsURL = nil
                } else if let url = URL(string: raw), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
                          let host = url.host, !host.isEmpty, raw.count <= 2_000 {
                    settings.ewsURL = raw
                } else {
                    errors.add("ews_url", "validation_url")
                }
            }
            draft.connection = .exchange(settings)
        }
        try errors.throwIfAny()
        return draft
    }

    /// A host name or address literal: something a resolver could take, not a URL.
    static func host(_ value: String, field: String, into errors: inout FieldErrors) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            errors.add(field, "validation_required")
        } else if trimmed.utf8.count > 253 || trimmed.contains(where: { $0.isWhitespace || "/@?#\\".contains($0) })
                    || trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            errors.add(field, "validation_host")
        }
        return trimmed
    }

    static func port(_ value: Int, field: String, into errors: inout FieldErrors) {
        if !(1...65_535).contains(value) { errors.add(field, "validation_port") }
    }
}
