import Foundation
import Logging
import MIME

/// A Gmail mailbox (app password) or any IMAP mailbox behind the pipeline's `MailboxConnector`:
/// new mail by UID from one folder (the checkpoint is its UIDVALIDITY and the last UID read),
/// labels as Gmail labels or IMAP keywords, sending by SMTP with a copy APPENDed to the Sent
/// folder (not on Gmail, which files what its SMTP server sends by itself).
///
/// One IMAP connection is kept for all calls: opened on first use, opened again after a drop.
/// A call that finds the kept connection dead (servers and NAT boxes close idle ones) reconnects
/// and runs once more. Calls run one at a time, because a call is several commands on one
/// selected folder. `close()` logs out.
///
/// Only mail whose INTERNALDATE lies within the last `importWindowDays` is returned. That bounds
/// the first import (and the one after a UIDVALIDITY change); it applies to every batch, because
/// a later batch of the first import carries a checkpoint like any other. New mail is recent, so
/// afterwards this only drops an old message moved into the folder, and mail that arrived during
/// an outage longer than the window — as the Exchange connector does.
///
/// Item ids are described at `IMAPItemID`: `gmail:<X-GM-MSGID>` on Gmail,
/// `imap:<UIDVALIDITY>:<UID>` elsewhere, `imap:<UIDVALIDITY>:<UID>:<folder>` for a message
/// `move(_:to:)` put in another folder (every call about it opens that folder).
public actor IMAPMailboxConnector: MailboxConnector {
    public nonisolated let settings: IMAPMailboxSettings
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let smtp: SMTPClient

    private var session: IMAPClient?
    /// LIST of the current session, read when first needed.
    private var folderList: [IMAPMailbox]?
    /// Where `fetchNew` last saw Gmail messages in the folder, so labelling one soon after needs
    /// no search; checked before use, since the message may have moved.
    private var gmailUIDs: [UInt64: GmailUIDLocation] = [:]
    /// What the last search found beyond the batch `fetchNew` returned, so the next batch of the
    /// same import is taken from it instead of searching the folder again (see `fetchBatch`).
    private var searchRemainder: SearchRemainder?
    private var operationRunning = false
    private var operationsWaiting: [CheckedContinuation<Void, Never>] = []

    static let gmailUIDCacheLimit = 50_000
    /// UIDs per FETCH and STORE of `applyLabels(_:toEach:)`: a command line stays short even
    /// for scattered UIDs, as for every FETCH of the client.
    static let labelBatchSize = IMAPClient.defaultBatchSize
    /// What `testConnection()` reports of the server's capabilities.
    static let capabilitiesOfInterest = [
        "IDLE", "CONDSTORE", "QRESYNC", "ESEARCH", "MOVE", "UIDPLUS", "SPECIAL-USE", "UTF8=ACCEPT", "X-GM-EXT-1",
        "LITERAL+", "MULTIAPPEND", "ID",
    ]
    /// Sent folders of servers without SPECIAL-USE, by the last part of the name, lower-cased.
    static let sentFolderNames: Set<String> = ["sent", "sent items", "sent messages", "sent mail", "отправленные"]
    private static let plainTextHeader = Array("Content-Type: text/plain; charset=utf-8\r\n\r\n".utf8)

    public init(settings: IMAPMailboxSettings, now: @escaping @Sendable () -> Date = { Date() }, logger: Logger? = nil) {
        var settings = settings
        settings.importWindowDays = max(settings.importWindowDays, 0)
        settings.batchSize = max(settings.batchSize, 1)
        settings.snippetWindow = max(settings.snippetWindow, 1)
        self.settings = settings
        self.now = now
        self.logger = logger ?? Logger(label: "smartysales.imap.connector")
        smtp = SMTPClient(endpoint: settings.smtp, credentials: settings.smtpCredentials, logger: logger)
    }

    /// UIDs a search found above `after` (the last UID returned), in ascending order.
    private struct SearchRemainder {
        var uidValidity: UInt32
        var after: UInt32
        var uids: [UInt32]
    }

    // MARK: - MailboxConnector

    /// One batch of new mail from the folder, in ascending UID order. Without a checkpoint, or
    /// when the folder's UIDVALIDITY is not the checkpoint's, everything in the window is listed
    /// from the start (the caller deduplicates by item id and Message-ID); otherwise the UIDs
    /// above the checkpoint's. Any error is thrown before a checkpoint exists.
    public func fetchNew(since checkpoint: MailboxCheckpoint?) async throws -> MailboxBatch {
        let resume: (uidValidity: UInt32, lastUID: UInt32)?
        switch checkpoint {
        case nil:
            resume = nil
        case .imap(let uidValidity, let lastUID, _)?:
            resume = (uidValidity: uidValidity, lastUID: lastUID)
        case .ews?:
            throw IMAPConnectorError.foreignCheckpoint
        }
        return try await operation { client in
            try await self.fetchBatch(client, resumingFrom: resume)
        }
    }

    /// Adds the labels as Gmail labels or as keywords (`KeywordMapping`), whichever the mailbox
    /// uses. Labels the message has already (in any letter case) are not stored again, so
    /// applying twice changes nothing, not even the folder's mod-sequence.
    ///
    /// - Throws: `IMAPConnectorError.labelsNotSupported` when the folder keeps no new keywords
    ///   (PERMANENTFLAGS without `\*`) or is read-only; `.itemNotFound` / `.staleItem` when the
    ///   message cannot be found under this id any more.
    public func applyLabels(_ labels: [String], to item: MailboxItemID) async throws {
        let wanted = Self.labelNames(labels)
        guard !wanted.isEmpty else { return }
        let id = try Self.itemID(item)
        try await operation { client in
            let style = await self.labelStyle(of: client)
            switch style {
            case .gmailLabels:
                try await self.changeGmailLabels(adding: wanted, removing: [], of: id, item: item, client)
            case .keywords:
                try await self.changeKeywords(adding: wanted, removing: [], of: id, item: item, client)
            }
        }
    }

    /// Adds the labels to many messages with a few commands: for keywords and `imap:` ids, the
    /// folder is opened and checked once, then per `labelBatchSize` UIDs one `UID FETCH (FLAGS)`
    /// and one `UID STORE +FLAGS.SILENT` per distinct set of missing keywords (normally one).
    /// As in `applyLabels(_:to:)`, keywords a message has (in any letter case) are not stored
    /// again, so a second call changes nothing, not even the mod-sequence.
    ///
    /// Gmail label style and `gmail:` ids go one message at a time (`applyLabelsOneByOne`): a
    /// Gmail id is found by its own `UID SEARCH X-GM-MSGID` (in All Mail when it has left the
    /// folder), so there is no UID set to batch until every message has been searched for. So do
    /// messages a rule moved into other folders: few, and each in a folder of its own.
    ///
    /// - Returns: per item, `IMAPConnectorError.staleItem` (another UIDVALIDITY), `.itemNotFound`
    ///   (no longer in the folder) or `.invalidItemID` (not an IMAP id).
    /// - Throws: `IMAPConnectorError.labelsNotSupported` when the folder keeps no new keywords or
    ///   is read-only; `IMAPError` when the connection or the server fails the batch.
    public func applyLabels(_ labels: [String], toEach items: [MailboxItemID]) async throws -> [MailboxItemID: any Error] {
        let wanted = Self.labelNames(labels)
        guard !wanted.isEmpty else { return [:] }
        var failures: [MailboxItemID: any Error] = [:]
        var distinct: [MailboxItemID] = []
        var seen = Set<MailboxItemID>()
        var byUID: [UIDLabelTarget] = []
        for item in items where seen.insert(item).inserted {
            distinct.append(item)
            switch IMAPItemID(item) {
            case .uid(let uidValidity, let uid)?:
                byUID.append(UIDLabelTarget(item: item, uidValidity: uidValidity, uid: uid))
            case .gmail?, .uidInFolder?:
                break
            case nil:
                failures[item] = IMAPConnectorError.invalidItemID(item)
            }
        }
        var batched = Set<MailboxItemID>()
        if !byUID.isEmpty {
            let targets = byUID
            let outcome = try await operation { (client: IMAPClient) async throws -> [MailboxItemID: any Error]? in
                guard await self.labelStyle(of: client) == .keywords else { return nil }
                return try await self.storeMissingKeywords(for: wanted, to: targets, client)
            }
            if let outcome {
                batched = Set(targets.map(\.item))
                failures.merge(outcome) { first, _ in first }
            }
        }
        let oneByOne = distinct.filter { failures[$0] == nil && !batched.contains($0) }
        if !oneByOne.isEmpty {
            let separate = try await applyLabelsOneByOne(wanted, toEach: oneByOne)
            failures.merge(separate) { first, _ in first }
        }
        return failures
    }

    /// Sends by SMTP and files a copy in the Sent folder; see `sendWithReport(_:)`.
    public func send(_ message: OutgoingMessage) async throws {
        _ = try await sendWithReport(message)
    }

    // MARK: - Beyond MailboxConnector (rules, corrections, the settings page)

    /// Takes labels off the message (a corrected category); labels it does not have are skipped.
    public func removeLabels(_ labels: [String], from item: MailboxItemID) async throws {
        let unwanted = Self.labelNames(labels)
        guard !unwanted.isEmpty else { return }
        let id = try Self.itemID(item)
        try await operation { client in
            let style = await self.labelStyle(of: client)
            switch style {
            case .gmailLabels:
                try await self.changeGmailLabels(adding: [], removing: unwanted, of: id, item: item, client)
            case .keywords:
                try await self.changeKeywords(adding: [], removing: unwanted, of: id, item: item, client)
            }
        }
    }

    /// Sets `\Seen`; a message already read is left alone.
    public func markAsRead(_ item: MailboxItemID) async throws {
        let id = try Self.itemID(item)
        try await operation { client in
            let (uid, message) = try await self.locate(id, item: item, fetching: [.flags], client)
            guard message.flags?.contains(where: { $0.lowercased() == #"\seen"# }) != true else { return }
            try await client.storeFlags(uids: [uid], add: [#"\Seen"#])
        }
    }

    /// Moves the message into `folder` (created when the server answers TRYCREATE): MOVE where
    /// offered, else COPY and delete. The item id is void afterwards; the returned location names
    /// the message in `folder` (`imap:<UIDVALIDITY>:<UID>:<folder>`), under the UID the server
    /// reported (COPYUID, UIDPLUS) or, from a server without UIDPLUS, the one a search of `folder`
    /// for its Message-ID finds. A Gmail message keeps its id, and so does one moved into the
    /// folder it is in (nothing is done). `originalLeftBehind` when the original stays marked
    /// `\Deleted` (a server with neither MOVE nor UIDPLUS).
    @discardableResult
    public func move(_ item: MailboxItemID, to folder: String) async throws -> MailboxMove {
        let id = try Self.itemID(item)
        guard folder != (id.folder ?? settings.folder) else { return MailboxMove(location: .unchanged) }
        let fetching: [IMAPFetchItem]
        if case .gmail = id {
            fetching = [.flags]
        } else {
            fetching = [.flags, Self.messageIDHeader]
        }
        return try await operation { client in
            let (uid, found) = try await self.locate(id, item: item, fetching: fetching, client)
            let transfer: IMAPMoveOutcome
            do {
                transfer = try await client.move(uids: [uid], to: folder)
            } catch IMAPError.commandFailed(let failure) where failure.response.code == .tryCreate {
                try await client.create(folder)
                transfer = try await client.move(uids: [uid], to: folder)
            }
            let place: MailboxMove.Location
            if case .gmail(let messageID) = id {
                self.forgetGmailUID(messageID)
                place = .unchanged
            } else {
                place = try await self.location(of: uid, movedTo: folder, transfer, messageID: Self.messageID(in: found), client)
            }
            return MailboxMove(location: place, originalLeftBehind: !transfer.originalsRemoved)
        }
    }

    /// Sends `message` by SMTP (8-bit text when the server takes it), then APPENDs the very
    /// same bytes, marked `\Seen`, to the Sent folder unless the server files sent mail itself.
    /// Once SMTP has accepted the message nothing is thrown: a failed copy is in the report.
    ///
    /// - Throws: `MailboxSendOutcomeUnknown` when the message went out and no answer came back;
    ///   any other error (an `SMTPError`) means it was not sent.
    public func sendWithReport(_ message: OutgoingMessage) async throws -> IMAPSendReport {
        let bytes: [UInt8]
        let result: SMTPSendResult
        do {
            try await smtp.connect()
            let eightBit = await smtp.capabilities.eightBitMIME
            bytes = MessageBuilder(allows8bit: eightBit).build(message)
            result = try await smtp.send(bytes, envelope: SMTPEnvelope(message))
        } catch SMTPError.outcomeUnknown(let cause) {
            throw MailboxSendOutcomeUnknown("the SMTP server may or may not have accepted the message: \(cause)")
        }
        let copy = await fileSentCopy(bytes, date: message.date)
        return IMAPSendReport(smtp: result, sentCopy: copy)
    }

    /// Logs in to IMAP and SMTP on connections of its own (the kept one is not touched), lists
    /// the folders and opens the configured one, and reports what it found.
    ///
    /// - Throws: the first failure as it is, `IMAPError` or `SMTPError`: wrong password
    ///   (`authenticationFailed`), app password required (`appPasswordRequired`), TLS problem
    ///   (`tlsFailure`, `startTLSNotOffered`, `loginDisabled`, SMTP `tlsRequired`), host
    ///   unreachable (`unreachable`). `MailConnectionProblem(error)` puts it in those words.
    public func testConnection() async throws -> IMAPConnectionReport {
        let client = IMAPClient(endpoint: settings.imap, logger: logger)
        var serverID: [String: String] = [:]
        var capabilities = IMAPCapabilities([String]())
        var folders: [IMAPMailbox] = []
        var folder: MailboxStatus?
        do {
            try await client.connect()
            try await client.login(username: settings.username, password: settings.password, mechanism: settings.authentication)
            // ID and ENABLE are courtesies: a server that refuses them is used without.
            do { serverID = try await client.id() } catch let error as IMAPError where !error.requiresReconnect {}
            do { _ = try await client.enableUTF8() } catch let error as IMAPError where !error.requiresReconnect {}
            capabilities = await client.capabilities
            folders = try await client.list()
            do {
                folder = try await client.select(settings.folder)
            } catch let error as IMAPError where !error.requiresReconnect {
                folder = nil
            }
            await client.logout()
        } catch {
            await client.disconnect()
            throw error
        }

        let isGmail = capabilities.isGmail
        let detectedStyle: IMAPLabelStyle = isGmail ? .gmailLabels : .keywords
        let style = settings.labelStyle ?? detectedStyle
        let labelsCanBeStored: Bool
        switch style {
        case .gmailLabels:
            labelsCanBeStored = isGmail
        case .keywords:
            labelsCanBeStored = folder.map { !$0.isReadOnly && Self.keepsAnyKeyword($0) } ?? false
        }
        var specialUseFolders: [IMAPSpecialUse: String] = [:]
        for mailbox in folders {
            if let use = mailbox.specialUse, specialUseFolders[use] == nil { specialUseFolders[use] = mailbox.name }
        }
        let keepsCopies = settings.appendsSentCopies ?? !isGmail
        let sentFolder = keepsCopies ? (settings.sentFolder ?? Self.sentFolder(in: folders)) : nil

        let smtpClient = SMTPClient(endpoint: settings.smtp, credentials: settings.smtpCredentials, logger: logger)
        try await smtpClient.connect()
        let smtpCapabilities = await smtpClient.capabilities
        await smtpClient.quit()

        return IMAPConnectionReport(
            serverID: serverID, isGmail: isGmail, labelStyle: style,
            capabilities: Self.capabilitiesOfInterest.filter { capabilities.contains($0) },
            folders: folders, specialUseFolders: specialUseFolders, folder: folder, sentFolder: sentFolder,
            labelsCanBeStored: labelsCanBeStored, smtpCapabilities: smtpCapabilities)
    }

    /// Logs out of IMAP and quits SMTP. The connector stays usable: the next call connects again.
    public func close() async {
        await beginOperation()
        defer { endOperation() }
        if let session { await session.logout() }
        folderList = nil
        await smtp.quit()
    }

    // MARK: - Fetching

    private func fetchBatch(_ client: IMAPClient, resumingFrom resume: (uidValidity: UInt32, lastUID: UInt32)?) async throws -> MailboxBatch {
        let status = try await client.select(settings.folder)
        var lastUID: UInt32 = 0
        if let resume {
            if resume.uidValidity == status.uidValidity {
                lastUID = resume.lastUID
            } else {
                logger.info("IMAP folder has a new UIDVALIDITY; importing it again", metadata: [
                    "imap.folder": "\(settings.folder)", "imap.uidvalidity.old": "\(resume.uidValidity)",
                    "imap.uidvalidity.new": "\(status.uidValidity)",
                ])
            }
        }

        var found: [UInt32] = []
        if let remainder = searchRemainder, remainder.uidValidity == status.uidValidity, remainder.after == lastUID,
           !remainder.uids.isEmpty {
            // The next batch of an import this connector is in the middle of. Searching again
            // made the server check the date of every message left, for every batch: at 10,000
            // messages that was most of a sync's time. Mail that arrived meanwhile is found by
            // the search after the remainder runs out.
            found = remainder.uids
        } else if lastUID < UInt32.max {
            let cutoff = now().addingTimeInterval(-Double(settings.importWindowDays) * 86_400)
            var keys: [IMAPSearchKey] = [.since(cutoff)]
            if lastUID > 0 { keys.insert(.uidsFrom(lastUID + 1), at: 0) }
            // `UID n:*` also matches the highest UID when that is below n: filtered out here.
            found = try await client.uidSearch(keys).filter { $0 > lastUID }
        }
        let batch = Array(found.prefix(settings.batchSize))
        searchRemainder = batch.last.map {
            SearchRemainder(uidValidity: status.uidValidity, after: $0, uids: Array(found.dropFirst(batch.count)))
        }
        var newLastUID = batch.last ?? lastUID
        if found.isEmpty, let uidNext = status.uidNext, uidNext > 1 {
            // Nothing above lastUID is in the window, and the window only moves forward: what lies
            // below UIDNEXT never will be. Later searches start higher.
            newLastUID = max(newLastUID, uidNext - 1)
        }

        var fetched: [FetchedMessage] = []
        if !batch.isEmpty {
            fetched = try await client.fetchSummaries(uids: batch, snippetWindow: settings.snippetWindow)
        }
        let style = await labelStyle(of: client)
        var messages: [MailboxMessage] = []
        messages.reserveCapacity(fetched.count)
        for message in fetched {
            // A UID expunged between SEARCH and FETCH is simply absent.
            guard let uid = message.uid else { continue }
            let id: IMAPItemID
            if let gmailID = message.gmailMessageID {
                id = .gmail(messageID: gmailID)
                rememberGmailUID(gmailID, uid: uid, uidValidity: status.uidValidity)
            } else {
                id = .uid(uidValidity: status.uidValidity, uid: uid)
            }
            messages.append(Self.mailboxMessage(message, item: id.item, labelStyle: style))
        }
        return MailboxBatch(
            messages: messages,
            checkpoint: .imap(uidValidity: status.uidValidity, lastUID: newLastUID, highestModSeq: status.highestModSeq),
            hasMore: found.count > batch.count)
    }

    /// The pipeline's view of a fetched message: headers read with the MIME module, the snippet
    /// from the text part's window, received at INTERNALDATE (the server's arrival time; the
    /// sender's Date only when the server gave none).
    static func mailboxMessage(_ fetched: FetchedMessage, item: MailboxItemID, labelStyle: IMAPLabelStyle) -> MailboxMessage {
        let headers = HeaderBlock(parsing: fetched.headers ?? [])
        let labels: [String]
        switch labelStyle {
        case .gmailLabels:
            labels = fetched.gmailLabels ?? []
        case .keywords:
            // System flags (`\Seen`, `\Flagged`) are not labels; keywords are.
            labels = (fetched.flags ?? []).filter { !$0.hasPrefix("\\") }
        }
        return MailboxMessage(
            item: item,
            from: headers.raw("From").map(MailAddress.parseList) ?? [],
            to: headers.all("To").flatMap { MailAddress.parseList($0.raw) },
            subject: headers.text("Subject"),
            snippet: snippet(of: fetched),
            receivedAt: fetched.internalDate ?? headers.text("Date").flatMap(MailDate.parse),
            messageID: headers.raw("Message-ID").flatMap { MessageIDs.parse($0).first },
            inReplyTo: headers.raw("In-Reply-To").map(MessageIDs.parse) ?? [],
            references: headers.raw("References").map(MessageIDs.parse) ?? [],
            labels: labels)
    }

    /// The MIME module's snippet of the decoded text part (HTML already reduced to text), so
    /// IMAP snippets are cut and spaced exactly like those of parsed messages.
    static func snippet(of message: FetchedMessage) -> String {
        guard let text = message.textPartPreview, !text.isEmpty else { return "" }
        let part = MIMEPart(parsing: (plainTextHeader + Array(text.utf8))[...])
        return Snippet.of(part)
    }

    // MARK: - Labels

    private func changeKeywords(adding added: [String], removing removed: [String], of id: IMAPItemID, item: MailboxItemID,
                                _ client: IMAPClient) async throws {
        let addKeywords = Self.labelNames(added.map(KeywordMapping.keyword(for:)))
        let removeKeywords = Self.labelNames(removed.map(KeywordMapping.keyword(for:)))
        let status = try await openFolder(holding: id, item: item, client)
        try Self.checkKeywordsCanBeStored(addKeywords, in: status)
        let (uid, message) = try await locate(id, item: item, fetching: [.flags], client)
        let present = Set((message.flags ?? []).map { $0.lowercased() })
        let missing = addKeywords.filter { !present.contains($0.lowercased()) }
        let extra = removeKeywords.filter { present.contains($0.lowercased()) }
        guard !missing.isEmpty || !extra.isEmpty else { return }
        try await client.storeKeywords(uids: [uid], add: missing, remove: extra)
    }

    /// The batched keyword path of `applyLabels(_:toEach:)`, on the kept session. Safe to run
    /// again from the start on a new session (as `operation` does when the kept one was dead):
    /// flags are read before anything is stored.
    private func storeMissingKeywords(for labels: [String], to targets: [UIDLabelTarget],
                                      _ client: IMAPClient) async throws -> [MailboxItemID: any Error] {
        let keywords = Self.labelNames(labels.map(KeywordMapping.keyword(for:)))
        let status = try await openFolder(client)
        try Self.checkKeywordsCanBeStored(keywords, in: status)
        var failures: [MailboxItemID: any Error] = [:]
        // Distinct items with the folder's UIDVALIDITY have distinct UIDs (an id has one spelling).
        var itemByUID: [UInt32: MailboxItemID] = [:]
        for target in targets {
            if target.uidValidity == status.uidValidity {
                itemByUID[target.uid] = target.item
            } else {
                failures[target.item] = IMAPConnectorError.staleItem(target.item)
            }
        }
        let uids = itemByUID.keys.sorted()
        for start in stride(from: 0, to: uids.count, by: Self.labelBatchSize) {
            let chunk = Array(uids[start..<min(start + Self.labelBatchSize, uids.count)])
            // One command for the chunk: `fetch` batches at `batchSize`, and a sorted run of
            // UIDs goes out as ranges (`IMAPSequenceSet`).
            let found = try await client.fetch(uids: chunk, items: [.flags], batchSize: Self.labelBatchSize)
            var answered = Set<UInt32>()
            var uidsByMissing: [[String]: [UInt32]] = [:]
            var missingSets: [[String]] = []
            for message in found {
                guard let uid = message.uid else { continue }
                answered.insert(uid)
                let present = Set((message.flags ?? []).map { $0.lowercased() })
                let missing = keywords.filter { !present.contains($0.lowercased()) }
                guard !missing.isEmpty else { continue }
                if uidsByMissing[missing] == nil { missingSets.append(missing) }
                uidsByMissing[missing, default: []].append(uid)
            }
            for uid in chunk where !answered.contains(uid) {
                if let item = itemByUID[uid] { failures[item] = IMAPConnectorError.itemNotFound(item) }
            }
            for missing in missingSets {
                try await client.storeKeywords(uids: uidsByMissing[missing] ?? [], add: missing)
            }
        }
        return failures
    }

    private func changeGmailLabels(adding added: [String], removing removed: [String], of id: IMAPItemID, item: MailboxItemID,
                                   _ client: IMAPClient) async throws {
        let (uid, message) = try await locate(id, item: item, fetching: [.gmailLabels], client)
        let present = Set((message.gmailLabels ?? []).map { $0.lowercased() })
        let missing = added.filter { !present.contains($0.lowercased()) }
        let extra = removed.filter { present.contains($0.lowercased()) }
        guard !missing.isEmpty || !extra.isEmpty else { return }
        try await client.storeGmailLabels(uids: [uid], add: missing, remove: extra)
    }

    /// New keywords stick only where PERMANENTFLAGS has `\*`; without it, only keywords already
    /// listed there do. A server that sends no PERMANENTFLAGS at all allows every flag (RFC 3501
    /// §7.1), so an empty list is not a refusal.
    static func checkKeywordsCanBeStored(_ keywords: [String], in status: MailboxStatus) throws {
        guard !keywords.isEmpty else { return }
        guard !status.isReadOnly else {
            throw IMAPConnectorError.labelsNotSupported(folder: status.name, reason: "the folder is read-only")
        }
        guard !keepsAnyKeyword(status) else { return }
        let known = Set(status.permanentFlags.map { $0.lowercased() })
        if let refused = keywords.first(where: { !known.contains($0.lowercased()) }) {
            throw IMAPConnectorError.labelsNotSupported(
                folder: status.name, reason: "the server keeps no new keywords (no \\* in PERMANENTFLAGS), so \"\(refused)\" cannot be stored")
        }
    }

    static func keepsAnyKeyword(_ status: MailboxStatus) -> Bool {
        status.acceptsNewKeywords || status.permanentFlags.isEmpty
    }

    private func labelStyle(of client: IMAPClient) async -> IMAPLabelStyle {
        if let chosen = settings.labelStyle { return chosen }
        return await client.capabilities.isGmail ? .gmailLabels : .keywords
    }

    /// Label names trimmed, without empty ones and without repeats in any letter case.
    static func labelNames(_ labels: [String]) -> [String] {
        var seen = Set<String>()
        return labels
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }

    private static func itemID(_ item: MailboxItemID) throws -> IMAPItemID {
        guard let id = IMAPItemID(item) else { throw IMAPConnectorError.invalidItemID(item) }
        return id
    }

    // MARK: - Finding a message again

    /// The connector's folder, selected read-write; a selection left open by an earlier call is
    /// reused (labelling right after a fetch costs no SELECT).
    private func openFolder(_ client: IMAPClient) async throws -> MailboxStatus {
        try await openFolder(named: settings.folder, client)
    }

    private func openFolder(named name: String, _ client: IMAPClient) async throws -> MailboxStatus {
        if let selected = await client.selectedMailbox, selected.name == name, !selected.isReadOnly {
            return selected
        }
        return try await client.select(name)
    }

    /// The folder the id says the message is in: the one a move put it in, else the
    /// connector's. A folder that cannot be opened any more (deleted or renamed by its owner)
    /// took the message with it.
    private func openFolder(holding id: IMAPItemID, item: MailboxItemID, _ client: IMAPClient) async throws -> MailboxStatus {
        guard let folder = id.folder else { return try await openFolder(client) }
        do {
            return try await openFolder(named: folder, client)
        } catch IMAPError.commandFailed(_) {
            throw IMAPConnectorError.itemNotFound(item)
        }
    }

    /// The message's UID in the folder now selected, with what FETCH says of `items`. The folder
    /// the id names is opened first (the connector's, unless a move put the message elsewhere); a
    /// Gmail message that has left it is looked for in All Mail, which holds every message of the
    /// account.
    private func locate(_ id: IMAPItemID, item: MailboxItemID, fetching items: [IMAPFetchItem],
                        _ client: IMAPClient) async throws -> (uid: UInt32, message: FetchedMessage) {
        let status = try await openFolder(holding: id, item: item, client)
        switch id {
        case .uid(let uidValidity, let uid), .uidInFolder(_, let uidValidity, let uid):
            guard uidValidity == status.uidValidity else { throw IMAPConnectorError.staleItem(item) }
            guard let message = try await client.fetch(uids: [uid], items: items).first else {
                throw IMAPConnectorError.itemNotFound(item)
            }
            return (uid, message)
        case .gmail(let messageID):
            if let known = gmailUIDs[messageID], known.uidValidity == status.uidValidity,
               let message = try await client.fetch(uids: [known.uid], items: items).first {
                return (known.uid, message)
            }
            forgetGmailUID(messageID)
            if let found = try await findGmailMessage(messageID, fetching: items, client) {
                rememberGmailUID(messageID, uid: found.uid, uidValidity: status.uidValidity)
                return found
            }
            let folders = try await listedFolders(client)
            if let allMail = folders.first(withSpecialUse: .all)?.name, allMail != settings.folder {
                _ = try await client.select(allMail)
                if let found = try await findGmailMessage(messageID, fetching: items, client) { return found }
            }
            throw IMAPConnectorError.itemNotFound(item)
        }
    }

    // MARK: - After a move

    /// The Message-ID header alone, fetched before a move: it finds the message in its new
    /// folder when the server does not report its new UID.
    static let messageIDHeader = IMAPFetchItem.section(messageIDSection)
    static let messageIDSection = "HEADER.FIELDS (MESSAGE-ID)"

    static func messageID(in message: FetchedMessage) -> String? {
        guard let header = message.sections[messageIDSection] else { return nil }
        return HeaderBlock(parsing: header).raw("Message-ID").flatMap { MessageIDs.parse($0).first }
    }

    /// Where the message with `uid` in the selected folder is after moving to `folder`: under
    /// the UID COPYUID reported, else the highest UID in `folder` with its Message-ID (a message
    /// moved in gets a UID above all the folder has, so an older copy of the same mail there is
    /// not taken for it). The Message-ID is searched for in angle brackets, as the header has it:
    /// without them a search matches every id that merely contains this one.
    private func location(of uid: UInt32, movedTo folder: String, _ transfer: IMAPMoveOutcome, messageID: String?,
                          _ client: IMAPClient) async throws -> MailboxMove.Location {
        if let copied = transfer.copied, let newUID = copied.newUIDs[uid] {
            return .moved(item(in: folder, uidValidity: copied.uidValidity, uid: newUID))
        }
        guard let messageID else {
            return .unknown("the server did not report its new UID (no UIDPLUS), and it has no Message-ID to look for it by")
        }
        let status: MailboxStatus
        let found: [UInt32]
        do {
            status = try await openFolder(named: folder, client)
            found = try await client.uidSearch([.header(name: "Message-ID", value: "<\(messageID)>")])
        } catch let error as IMAPError where !error.requiresReconnect {
            // The move is done whatever the search says: it must not be reported as failed.
            return .unknown("the server did not report its new UID (no UIDPLUS), and looking for it there failed: \(error)")
        }
        guard let newUID = found.last else {
            return .unknown("the server did not report its new UID (no UIDPLUS), and no message with its Message-ID is there")
        }
        return .moved(item(in: folder, uidValidity: status.uidValidity, uid: newUID))
    }

    /// A message's id in `folder`: plain in the connector's own folder (as `fetchNew` names it),
    /// with the folder anywhere else.
    private func item(in folder: String, uidValidity: UInt32, uid: UInt32) -> MailboxItemID {
        if folder == settings.folder { return IMAPItemID.uid(uidValidity: uidValidity, uid: uid).item }
        return IMAPItemID.uidInFolder(folder: folder, uidValidity: uidValidity, uid: uid).item
    }

    private func findGmailMessage(_ messageID: UInt64, fetching items: [IMAPFetchItem],
                                  _ client: IMAPClient) async throws -> (uid: UInt32, message: FetchedMessage)? {
        for uid in try await client.uidSearch([.gmailMessageID(messageID)]) {
            if let message = try await client.fetch(uids: [uid], items: items).first { return (uid, message) }
        }
        return nil
    }

    private func rememberGmailUID(_ messageID: UInt64, uid: UInt32, uidValidity: UInt32) {
        if gmailUIDs.count >= Self.gmailUIDCacheLimit { gmailUIDs.removeAll(keepingCapacity: true) }
        gmailUIDs[messageID] = GmailUIDLocation(uidValidity: uidValidity, uid: uid)
    }

    private func forgetGmailUID(_ messageID: UInt64) {
        gmailUIDs[messageID] = nil
    }

    // MARK: - Sent copies

    /// Never throws: the message has been sent, and a missing copy must not make anyone send it again.
    private func fileSentCopy(_ bytes: [UInt8], date: Date) async -> IMAPSendReport.SentCopy {
        do {
            return try await operation(repeatable: false) { (client: IMAPClient) async throws -> IMAPSendReport.SentCopy in
                let isGmail = await client.capabilities.isGmail
                guard self.settings.appendsSentCopies ?? !isGmail else { return .leftToServer }
                guard let folder = try await self.sentFolder(client) else { return .noSentFolder }
                let uid = try await client.append(mailbox: folder, message: bytes, flags: [#"\Seen"#], internalDate: date)
                return .appended(folder: folder, uid: uid)
            }
        } catch {
            logger.warning("the sent message could not be copied to the Sent folder", metadata: ["error": "\(error)"])
            return .failed(String(describing: error))
        }
    }

    private func sentFolder(_ client: IMAPClient) async throws -> String? {
        if let configured = settings.sentFolder { return configured }
        let folders = try await listedFolders(client)
        return Self.sentFolder(in: folders)
    }

    /// The folder marked `\Sent`, else one whose last name part reads like a Sent folder.
    static func sentFolder(in folders: [IMAPMailbox]) -> String? {
        if let marked = folders.first(withSpecialUse: .sent) { return marked.name }
        return folders.first { folder in
            guard folder.isSelectable else { return false }
            let leaf = folder.delimiter.flatMap { folder.name.split(separator: $0).last }.map { String($0) } ?? folder.name
            return sentFolderNames.contains(leaf.lowercased())
        }?.name
    }

    // MARK: - The kept session

    private func listedFolders(_ client: IMAPClient) async throws -> [IMAPMailbox] {
        if let folderList { return folderList }
        let listed = try await client.list()
        folderList = listed
        return listed
    }

    /// Runs `body` alone on the kept session, logging in first when there is none.
    ///
    /// When the kept session turns out dead (closed by the server while idle, or gone silent)
    /// a new one is opened and a `repeatable` body runs again; a body that must not run twice
    /// (an APPEND) gets the kept session checked with NOOP first instead.
    private func operation<Value>(repeatable: Bool = true, _ body: (IMAPClient) async throws -> Value) async throws -> Value {
        await beginOperation()
        defer { endOperation() }
        let reused = await hasLiveSession()
        var client = try await loggedInSession()
        guard reused else { return try await body(client) }
        guard repeatable else {
            do {
                _ = try await client.noop()
            } catch let error as IMAPError where error.isStaleSession {
                client = try await loggedInSession()
            }
            return try await body(client)
        }
        do {
            return try await body(client)
        } catch let error as IMAPError where error.isStaleSession {
            logger.debug("the kept IMAP session was dead; running the call again on a new one", metadata: ["error": "\(error)"])
            client = try await loggedInSession()
            return try await body(client)
        }
    }

    private func hasLiveSession() async -> Bool {
        guard let session else { return false }
        let connected = await session.isConnected
        let authenticated = await session.isAuthenticated
        return connected && authenticated
    }

    /// The kept session, connected and logged in (again, when it was dropped), with ID sent and
    /// UTF-8 names enabled where the server offers them.
    private func loggedInSession() async throws -> IMAPClient {
        if await hasLiveSession(), let session { return session }
        let client = session ?? IMAPClient(endpoint: settings.imap, logger: logger)
        session = client
        folderList = nil
        do {
            try await client.connect()
            try await client.login(username: settings.username, password: settings.password, mechanism: settings.authentication)
            // ID and ENABLE are courtesies: a server that refuses them is used without.
            do { _ = try await client.id() } catch let error as IMAPError where !error.requiresReconnect {}
            do { _ = try await client.enableUTF8() } catch let error as IMAPError where !error.requiresReconnect {}
        } catch {
            await client.disconnect()
            throw error
        }
        return client
    }

    // MARK: - One call at a time

    private func beginOperation() async {
        if operationRunning {
            await withCheckedContinuation { operationsWaiting.append($0) }
        } else {
            operationRunning = true
        }
    }

    private func endOperation() {
        if operationsWaiting.isEmpty {
            operationRunning = false
        } else {
            // The turn passes straight to the next caller; operationRunning stays true.
            operationsWaiting.removeFirst().resume()
        }
    }
}

/// An `imap:` item of a batched label call, its id taken apart.
private struct UIDLabelTarget: Sendable {
    var item: MailboxItemID
    var uidValidity: UInt32
    var uid: UInt32
}

/// A Gmail message's UID in the connector's folder, under the UIDVALIDITY it was seen with.
private struct GmailUIDLocation: Sendable {
    var uidValidity: UInt32
    var uid: UInt32
}

extension IMAPError {
    /// A kept session died under the call (closed while idle, or silent): a new one may work.
    fileprivate var isStaleSession: Bool {
        switch self {
        case .connectionLost, .notConnected, .timedOut: true
        default: false
        }
    }
}
