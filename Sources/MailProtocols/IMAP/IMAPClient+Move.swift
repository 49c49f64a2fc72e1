/// What `IMAPClient.move(uids:to:)` did.
public struct IMAPMoveOutcome: Sendable, Equatable {
    /// Whether the originals are gone from the selected folder: false only on a server with
    /// neither MOVE nor UIDPLUS, where they stay behind marked `\Deleted`.
    public var originalsRemoved: Bool
    /// The UIDs the messages got in the target, when the server said (COPYUID, UIDPLUS).
    public var copied: IMAPCopiedUIDs?

    public init(originalsRemoved: Bool, copied: IMAPCopiedUIDs?) {
        self.originalsRemoved = originalsRemoved
        self.copied = copied
    }
}

extension IMAPClient {
    /// Moves messages of the selected folder into `mailbox`: `UID MOVE` (RFC 6851) when the
    /// server offers it; otherwise `UID COPY`, `\Deleted` and, with UIDPLUS, `UID EXPUNGE` of
    /// exactly those messages. Without UIDPLUS the originals stay behind marked `\Deleted`: a
    /// plain EXPUNGE would also remove whatever else the user has marked deleted.
    ///
    /// The UIDs the messages got in `mailbox` come back when the server reports them (COPYUID,
    /// in the untagged OK that precedes MOVE's expunges or in the tagged OK of COPY). A target
    /// that does not exist fails with `commandFailed` carrying `[TRYCREATE]`.
    @discardableResult
    public func move(uids: [UInt32], to mailbox: String) async throws -> IMAPMoveOutcome {
        guard !uids.isEmpty else { return IMAPMoveOutcome(originalsRemoved: true, copied: nil) }
        return try await exclusively {
            let target = wireName(mailbox)
            let canMove = capabilities.contains("MOVE")
            let canExpungeByUID = capabilities.contains("UIDPLUS")
            var copied: IMAPCopiedUIDs?
            for batch in Self.batches(of: uids, size: Self.defaultBatchSize) {
                var transfer = IMAPCommand(canMove ? "UID MOVE" : "UID COPY")
                transfer.add(batch.description)
                transfer.addString(target, utf8Allowed: isUTF8Enabled)
                var reported: [IMAPCopiedUIDs] = []
                let completion = try await runUnchecked(transfer) { data in
                    if case .status(let status) = data, status.status == .ok, let found = IMAPCopiedUIDs(status.code) {
                        reported.append(found)
                    }
                }
                try check(completion, of: transfer)
                if let found = IMAPCopiedUIDs(completion.code) { reported.append(found) }
                for found in reported {
                    if copied == nil {
                        copied = found
                    } else {
                        copied?.merge(found)
                    }
                }
                guard !canMove else { continue }

                var delete = IMAPCommand("UID STORE")
                delete.add("\(batch.description) +FLAGS.SILENT (\\Deleted)")
                try await run(delete)
                guard canExpungeByUID else { continue }
                var expunge = IMAPCommand("UID EXPUNGE")
                expunge.add(batch.description)
                try await run(expunge)
            }
            return IMAPMoveOutcome(originalsRemoved: canMove || canExpungeByUID, copied: copied)
        }
    }
}
