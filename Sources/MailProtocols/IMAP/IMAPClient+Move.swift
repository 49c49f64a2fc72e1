extension IMAPClient {
    /// Moves messages of the selected folder into `mailbox`: `UID MOVE` (RFC 6851) when the
    /// server offers it; otherwise `UID COPY`, `\Deleted` and, with UIDPLUS, `UID EXPUNGE` of
    /// exactly those messages. Without UIDPLUS the originals stay behind marked `\Deleted`: a
    /// plain EXPUNGE would also remove whatever else the user has marked deleted.
    ///
    /// Returns whether the originals are gone from the selected folder. A target that does not
    /// exist fails with `commandFailed` carrying `[TRYCREATE]`.
    @discardableResult
    public func move(uids: [UInt32], to mailbox: String) async throws -> Bool {
        guard !uids.isEmpty else { return true }
        return try await exclusively {
            let target = wireName(mailbox)
            let canMove = capabilities.contains("MOVE")
            let canExpungeByUID = capabilities.contains("UIDPLUS")
            for batch in Self.batches(of: uids, size: Self.defaultBatchSize) {
                var transfer = IMAPCommand(canMove ? "UID MOVE" : "UID COPY")
                transfer.add(batch.description)
                transfer.addString(target, utf8Allowed: isUTF8Enabled)
                try await run(transfer)
                guard !canMove else { continue }

                var delete = IMAPCommand("UID STORE")
                delete.add("\(batch.description) +FLAGS.SILENT (\\Deleted)")
                try await run(delete)
                guard canExpungeByUID else { continue }
                var expunge = IMAPCommand("UID EXPUNGE")
                expunge.add(batch.description)
                try await run(expunge)
            }
            return canMove || canExpungeByUID
        }
    }
}
