extension MailboxConnector {
    /// The default batch: one `applyLabels(_:to:)` per item, so every connector offers the
    /// batched call and the label worker needs one code path. Connectors that can do better
    /// (IMAP: one FETCH and one STORE for hundreds of UIDs) implement it themselves.
    public func applyLabels(_ labels: [String], toEach items: [MailboxItemID]) async throws -> [MailboxItemID: any Error] {
        try await applyLabelsOneByOne(labels, toEach: items)
    }

    /// Labels the items one call each, in the order given (an item given twice once). An error
    /// that concerns the item alone (`MailboxItemFailure.concernsOneItem`) is kept for it and the
    /// next item is tried; any other error ends the loop and is thrown, since it would only repeat
    /// for every item left (a broken connection, a refused login, a folder without keywords).
    /// Cancellation is checked between items, so a long batch stops when its job is cancelled.
    public func applyLabelsOneByOne(_ labels: [String], toEach items: [MailboxItemID]) async throws -> [MailboxItemID: any Error] {
        var failures: [MailboxItemID: any Error] = [:]
        var seen = Set<MailboxItemID>()
        for item in items where seen.insert(item).inserted {
            try Task.checkCancellation()
            do {
                try await applyLabels(labels, to: item)
            } catch let error where MailboxItemFailure.concernsOneItem(error) {
                failures[item] = error
            }
        }
        return failures
    }
}
