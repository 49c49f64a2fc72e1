import Domain
import FluentKit
import Foundation

/// The only place models turn into Domain values; nothing outside Storage sees a model.
extension CompanyModel {
    func toDomain() throws -> Company {
        Company(id: try requireID(), name: name, description: description,
                defaultLocale: AppLocale(rawValue: defaultLocale) ?? .fallback, createdAt: createdAt)
    }
}

extension UserModel {
    func toDomain() throws -> User {
        guard let address = EmailAddress(email) else { throw StorageError.corruptRow("users.email") }
        return User(
            id: try requireID(), companyID: companyID, fullName: fullName, email: address,
            role: role.flatMap(Role.init(rawValue:)), platformRole: platformRole.flatMap(PlatformRole.init(rawValue:)),
            locale: AppLocale(rawValue: locale) ?? .fallback, isActive: isActive,
            mustChangePassword: mustChangePassword, totpEnabled: totpEnabled,
            lastLoginAt: lastLoginAt, createdAt: createdAt)
    }
}

extension JobModel {
    func toDomain() throws -> Job {
        Job(id: try requireID(), kind: kind, companyID: companyID, payload: payload,
            status: JobStatus(rawValue: status) ?? .queued, runAt: runAt, attempts: attempts,
            maxAttempts: maxAttempts, lastError: lastError, lockedBy: lockedBy, lockedUntil: lockedUntil,
            createdAt: createdAt, updatedAt: updatedAt)
    }
}

// MARK: Inbox

extension MailboxModel {
    func toDomain() throws -> Mailbox {
        guard let mailboxKind = MailboxKind(rawValue: kind) else { throw StorageError.corruptRow("mailboxes.kind") }
        guard let email = EmailAddress(address) else { throw StorageError.corruptRow("mailboxes.address") }
        guard let mailboxStatus = MailboxSyncStatus(rawValue: status) else { throw StorageError.corruptRow("mailboxes.status") }
        let connection: MailboxConnection
        switch mailboxKind {
        case .exchange:
            connection = .exchange(ExchangeSettings(ewsURL: ewsURL, auth: exchangeAuth.flatMap(ExchangeAuth.init(rawValue:)) ?? .automatic))
        case .gmail, .imap:
            guard let imapHost = self.imapHost, let imapPort = self.imapPort, let smtpHost = self.smtpHost, let smtpPort = self.smtpPort,
                  let imapTLS = self.imapTLS.flatMap(MailTLSMode.init(rawValue:)),
                  let smtpTLS = self.smtpTLS.flatMap(MailTLSMode.init(rawValue:)) else {
                throw StorageError.corruptRow("mailboxes.imap_host")
            }
            connection = .imap(IMAPSMTPSettings(
                imap: MailServerSettings(host: imapHost, port: imapPort, tls: imapTLS),
                smtp: MailServerSettings(host: smtpHost, port: smtpPort, tls: smtpTLS),
                customCAPEM: customCAPEM))
        }
        return Mailbox(
            id: try requireID(), companyID: companyID, kind: mailboxKind, displayName: displayName, address: email, username: username,
            connection: connection, status: mailboxStatus, lastSyncAt: lastSyncAt, lastError: lastError, messagesStored: messagesStored,
            importWindowDays: importWindowDays, createdAt: createdAt, updatedAt: updatedAt)
    }

    /// Copies a validated draft's settings into the row; the secret and the status are not in a draft.
    func apply(_ draft: MailboxDraft) {
        kind = draft.kind.rawValue
        displayName = draft.displayName
        address = draft.address.value
        username = draft.username
        switch draft.connection {
        case .imap(let settings):
            imapHost = settings.imap.host
            imapPort = settings.imap.port
            imapTLS = settings.imap.tls.rawValue
            smtpHost = settings.smtp.host
            smtpPort = settings.smtp.port
            smtpTLS = settings.smtp.tls.rawValue
            customCAPEM = settings.customCAPEM
            ewsURL = nil
            exchangeAuth = nil
        case .exchange(let settings):
            imapHost = nil
            imapPort = nil
            imapTLS = nil
            smtpHost = nil
            smtpPort = nil
            smtpTLS = nil
            customCAPEM = nil
            ewsURL = settings.ewsURL
            exchangeAuth = settings.auth.rawValue
        }
        importWindowDays = draft.importWindowDays
    }
}

extension InboundMessageModel {
    func toDomain() throws -> InboundMessage {
        InboundMessage(
            id: try requireID(), companyID: companyID, mailboxID: mailboxID, providerItemID: providerItemID, messageID: messageID,
            inReplyTo: JSONText.strings(inReplyTo), references: JSONText.strings(referenceIDs), fromAddress: fromAddress,
            fromName: fromName, toAddresses: JSONText.strings(toAddresses), subject: subject, snippet: snippet,
            receivedAt: receivedAt, storedAt: storedAt, movedTo: movedToFolder.map { MessageLocation(folder: $0, itemID: movedItemID) })
    }
}

extension InboxCategoryModel {
    func toDomain() throws -> InboxCategory {
        InboxCategory(
            id: try requireID(), companyID: companyID, name: name, description: description, examples: JSONText.strings(examples),
            labelName: labelName, colour: colour, position: position, isActive: isActive)
    }

    func apply(_ draft: InboxCategoryDraft) {
        name = draft.name
        description = draft.description
        examples = JSONText.encode(draft.examples)
        labelName = draft.labelName
        colour = draft.colour
        isActive = draft.isActive
    }
}

extension InboxRuleModel {
    func toDomain() throws -> InboxRule {
        InboxRule(
            id: try requireID(), companyID: companyID, categoryID: categoryID,
            actions: InboxRuleActions(applyLabel: applyLabel, markAsRead: markAsRead, moveToFolder: moveToFolder),
            isEnabled: isEnabled)
    }
}

extension InboxSettingsModel {
    func toDomain() -> InboxSettings {
        InboxSettings(companyID: companyID, needsReviewLabel: needsReviewLabel, reviewThreshold: reviewThreshold)
    }
}

extension MessageClassificationModel {
    func toDomain() -> MessageClassification {
        MessageClassification(
            messageID: messageID, companyID: companyID, categoryID: categoryID, confidence: confidence, reason: reason,
            source: source, needsReview: needsReview, classifiedAt: classifiedAt, correctedBy: correctedBy, correctedAt: correctedAt)
    }
}

extension ClassificationCorrectionModel {
    func toDomain() throws -> ClassificationCorrection {
        ClassificationCorrection(
            id: try requireID(), companyID: companyID, messageID: messageID, categoryID: categoryID, previousCategoryID: previousCategoryID,
            sender: sender, subject: subject, snippet: snippet, correctedBy: correctedBy, createdAt: createdAt)
    }
}

extension LabelActionModel {
    func toDomain() throws -> LabelAction {
        guard let actionKind = LabelActionKind(rawValue: kind) else { throw StorageError.corruptRow("label_actions.kind") }
        guard let actionStatus = LabelActionStatus(rawValue: status) else { throw StorageError.corruptRow("label_actions.status") }
        return LabelAction(
            id: try requireID(), companyID: companyID, messageID: messageID, mailboxID: mailboxID, kind: actionKind, label: label,
            status: actionStatus, attempts: attempts, lastError: lastError, createdAt: createdAt, updatedAt: updatedAt, doneAt: doneAt)
    }
}
