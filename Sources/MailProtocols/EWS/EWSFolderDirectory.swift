import Foundation
import Synchronization

/// Finds the folder a rule names (`Archive`, `Invoices/2025`) in an Exchange mailbox, and
/// remembers what it found for as long as it lives (one connector, one job run): a batch that
/// moves hundreds of messages into one folder asks Exchange once, and a folder that is not there
/// is not searched for again with every message.
///
/// A name is a path of display names, as Outlook shows them, separated by "/"; Exchange compares
/// them without regard to letter case. The first part is looked for directly under the top of
/// the mailbox (msgfolderroot, Outlook's "Top of Information Store"), where an IMAP server would
/// look for a name too. Only when no folder there has that name is the whole mailbox searched
/// (Deep): Outlook users keep many folders under the Inbox, and a rule that says `Leads` means the
/// folder they see, wherever it is. Searching deep first would also find folders of the same
/// name elsewhere (an old `Archive` in Deleted Items) and call a plain name ambiguous that the
/// top level answers. Every later part must be a direct subfolder of the one before. Only mail
/// folders (`t:Folder`) count: a calendar called `Leads` is no place for a message.
final class EWSFolderDirectory: Sendable {
    private let client: EWSClient
    private let found = Mutex<[String: Result<EWSFolderID, EWSFolderLookupError>]>([:])
    private let inbox = Mutex<EWSFolderID?>(nil)

    init(client: EWSClient) {
        self.client = client
    }

    /// The folder `path` names, looked up once and then remembered; a lookup that found no
    /// folder, or several, is remembered too.
    ///
    /// - Throws: `EWSFolderLookupError`, or the `EWSError` of a FindFolder that failed (those
    ///   are not remembered: the next call asks again).
    func folder(atPath path: String) async throws -> EWSFolderID {
        if let known = found.withLock({ $0[path] }) {
            return try known.get()
        }
        let outcome: Result<EWSFolderID, EWSFolderLookupError>
        do {
            outcome = .success(try await lookUp(path))
        } catch let error as EWSFolderLookupError {
            outcome = .failure(error)
        }
        found.withLock { $0[path] = outcome }
        return try outcome.get()
    }

    /// Forgets what was found for `path`, so the next call looks again (the folder was deleted
    /// since).
    func forget(_ path: String) {
        _ = found.withLock { $0.removeValue(forKey: path) }
    }

    /// The inbox's FolderId, asked for once.
    func inboxID() async throws -> EWSFolderID {
        if let known = inbox.withLock({ $0 }) { return known }
        let id = try await client.folderID(of: .inbox)
        inbox.withLock { $0 = id }
        return id
    }

    private func lookUp(_ path: String) async throws -> EWSFolderID {
        let names = Self.names(in: path)
        guard let first = names.first else { throw EWSFolderLookupError.notFound(path: path) }
        var folder = try await onlyFolder(named: first, in: .distinguished(.messageFolderRoot), path: path, searchingBelow: true)
        for name in names.dropFirst() {
            folder = try await onlyFolder(named: name, in: .id(folder), path: path, searchingBelow: false)
        }
        return folder
    }

    /// The one mail folder called `name` directly in `parent`, or, with `searchingBelow` and
    /// none there, anywhere below it.
    private func onlyFolder(named name: String, in parent: EWSFolderReference, path: String, searchingBelow: Bool) async throws -> EWSFolderID {
        var matches = try await mailFolders(named: name, in: parent, traversal: .shallow)
        if matches.isEmpty && searchingBelow {
            matches = try await mailFolders(named: name, in: parent, traversal: .deep)
        }
        guard matches.count < 2 else {
            throw EWSFolderLookupError.ambiguous(path: path, name: name, count: matches.count)
        }
        guard let match = matches.first else { throw EWSFolderLookupError.notFound(path: path) }
        return match
    }

    private func mailFolders(named name: String, in parent: EWSFolderReference, traversal: EWSFolderTraversal) async throws -> [EWSFolderID] {
        try await client.findFolders(named: name, in: parent, traversal: traversal).filter { $0.kind == .folder }.map(\.folder)
    }

    /// `Invoices/2025` → `["Invoices", "2025"]`. Blanks around a part and empty parts (a leading
    /// or doubled slash) are dropped. A folder whose own name contains "/" cannot be named.
    static func names(in path: String) -> [String] {
        path.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// The folder a move names cannot be told in the Exchange mailbox. Never created in its place:
/// a name found anywhere in the mailbox has no one place where it should have been, and a typo
/// in a rule would scatter new folders over the mailbox.
public enum EWSFolderLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No mail folder has this path.
    case notFound(path: String)
    /// `count` mail folders below the top of the mailbox are called `name`, the first part of
    /// `path`, and none directly at the top.
    case ambiguous(path: String, name: String, count: Int)

    public var description: String {
        switch self {
        case .notFound(let path):
            "no mail folder \"\(path)\" in the Exchange mailbox"
        case .ambiguous(let path, let name, let count):
            "\(count) mail folders called \"\(name)\" in the Exchange mailbox, none at the top, for \"\(path)\""
        }
    }
}
