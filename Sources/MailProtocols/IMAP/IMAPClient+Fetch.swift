extension IMAPClient {
    /// Batches of UIDs per FETCH or STORE: a command line stays short even for scattered UIDs,
    /// and one failed batch costs little.
    public static let defaultBatchSize = 500

    /// Fetches the items for the UIDs in batches, several batches in flight at once. The
    /// result is ordered by UID; UIDs that no longer exist are simply absent.
    public func fetch(uids: [UInt32], items: [IMAPFetchItem], batchSize: Int = IMAPClient.defaultBatchSize) async throws -> [FetchedMessage] {
        try await exclusively { try await fetchMessages(uids: uids, items: items, batchSize: batchSize) }
    }

    /// What a sync stores per message, in two passes: metadata, headers and BODYSTRUCTURE first,
    /// then a window of the text part each BODYSTRUCTURE points to (`BODY.PEEK[1.1]<0.2048>`),
    /// grouped by section so a few commands cover thousands of messages. Read the text with
    /// `FetchedMessage.textPartPreview`.
    public func fetchSummaries(uids: [UInt32], snippetWindow: Int = 2048, batchSize: Int = IMAPClient.defaultBatchSize) async throws -> [FetchedMessage] {
        try await exclusively {
            let items = IMAPFetchItem.summary(gmail: capabilities.isGmail, modSeq: isCondStoreEnabled)
            var messages = try await fetchMessages(uids: uids, items: items, batchSize: batchSize)

            var positionByUID: [UInt32: Int] = [:]
            var uidsBySection: [String: [UInt32]] = [:]
            for (position, message) in messages.enumerated() {
                guard let uid = message.uid else { continue }
                positionByUID[uid] = position
                if let part = message.textPart, part.size > 0 { uidsBySection[part.section, default: []].append(uid) }
            }
            var commands: [IMAPCommand] = []
            for (section, sectionUIDs) in uidsBySection.sorted(by: { $0.key < $1.key }) {
                let item = IMAPFetchItem.section(section, window: 0..<max(snippetWindow, 1)).wireName
                commands += Self.fetchCommands(uids: sectionUIDs, itemList: "(UID \(item))", batchSize: batchSize)
            }
            let completions = try await execute(commands, depth: Self.pipelineDepth) { data in
                guard case .fetch(let fetched) = data, let uid = fetched.uid, let position = positionByUID[uid] else { return }
                messages[position].merge(fetched)
            }
            for (command, completion) in zip(commands, completions) { try check(completion, of: command) }
            return messages
        }
    }

    /// Every message whose UID lies in the range, in one command; a range that ends at
    /// `UInt32.max` is sent as `n:*`. The server answers `n:*` with the highest message even
    /// when its UID is below `n`; that one is dropped here.
    public func fetch(uidRange: ClosedRange<UInt32>, items: [IMAPFetchItem]) async throws -> [FetchedMessage] {
        try await exclusively {
            if items.contains(where: \.needsGmail), !capabilities.isGmail { throw IMAPError.unsupported("X-GM-EXT-1") }
            var command = IMAPCommand("UID FETCH")
            let lower = max(uidRange.lowerBound, 1)
            command.add(uidRange.upperBound == .max ? "\(lower):*" : "\(lower):\(uidRange.upperBound)")
            command.add(Self.itemList(items))
            var collected = IMAPFetchCollector()
            try await run(command) { data in
                guard case .fetch(let fetched) = data, let uid = fetched.uid, uidRange.contains(uid) else { return }
                collected.add(fetched, uid: uid)
            }
            return collected.sortedByUID
        }
    }

    /// Messages whose flags (or Gmail labels) changed after `modSeq` (CONDSTORE, RFC 7162).
    public func changes(sinceModSeq modSeq: UInt64, items: [IMAPFetchItem] = [.uid, .flags]) async throws -> [FetchedMessage] {
        try await exclusively {
            guard capabilities.contains("CONDSTORE") else { throw IMAPError.unsupported("CONDSTORE") }
            var command = IMAPCommand("UID FETCH")
            command.add("1:*")
            command.add(Self.itemList(items + [.modSeq]))
            command.add("(CHANGEDSINCE \(modSeq))")
            var collected = IMAPFetchCollector()
            try await run(command) { data in
                guard case .fetch(let fetched) = data, let uid = fetched.uid else { return }
                collected.add(fetched, uid: uid)
            }
            return collected.sortedByUID
        }
    }

    func fetchMessages(uids: [UInt32], items: [IMAPFetchItem], batchSize: Int) async throws -> [FetchedMessage] {
        if items.contains(where: \.needsGmail), !capabilities.isGmail { throw IMAPError.unsupported("X-GM-EXT-1") }
        let wanted = Set(uids)
        guard !wanted.isEmpty else { return [] }
        let commands = Self.fetchCommands(uids: Array(wanted), itemList: Self.itemList(items), batchSize: batchSize)
        var collected = IMAPFetchCollector()
        let completions = try await execute(commands, depth: Self.pipelineDepth) { data in
            // Unsolicited FETCHes (another session changed flags) may name other messages.
            guard case .fetch(let fetched) = data, let uid = fetched.uid, wanted.contains(uid) else { return }
            collected.add(fetched, uid: uid)
        }
        for (command, completion) in zip(commands, completions) { try check(completion, of: command) }
        return collected.sortedByUID
    }

    /// `(UID FLAGS …)`; UID is always asked for, it is how responses are matched to messages.
    static func itemList(_ items: [IMAPFetchItem]) -> String {
        var names = ["UID"]
        for item in items where !names.contains(item.wireName) { names.append(item.wireName) }
        return "(" + names.joined(separator: " ") + ")"
    }

    static func fetchCommands(uids: [UInt32], itemList: String, batchSize: Int) -> [IMAPCommand] {
        batches(of: uids, size: batchSize).map { batch in
            var command = IMAPCommand("UID FETCH")
            command.add(batch.description)
            command.add(itemList)
            return command
        }
    }

    static func batches(of uids: [UInt32], size: Int) -> [IMAPSequenceSet] {
        let sorted = uids.sorted()
        let size = max(size, 1)
        return stride(from: 0, to: sorted.count, by: size).map { start in
            IMAPSequenceSet(sorted[start..<min(start + size, sorted.count)])
        }
    }
}

/// FETCH responses gathered by UID; a message answered in several responses is merged.
struct IMAPFetchCollector {
    private var byUID: [UInt32: FetchedMessage] = [:]

    mutating func add(_ message: FetchedMessage, uid: UInt32) {
        if byUID[uid] == nil {
            byUID[uid] = message
        } else {
            byUID[uid]?.merge(message)
        }
    }

    var sortedByUID: [FetchedMessage] {
        byUID.values.sorted { ($0.uid ?? 0) < ($1.uid ?? 0) }
    }
}
