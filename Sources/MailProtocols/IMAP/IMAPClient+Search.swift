extension IMAPClient {
    /// UIDs matching every key, ascending. Uses ESEARCH (`RETURN (ALL)`, ranges instead of
    /// one number per message) when offered.
    public func uidSearch(_ keys: [IMAPSearchKey]) async throws -> [UInt32] {
        try await exclusively { try await searchUIDs(keys) }
    }

    /// UIDs above the last one a sync has seen. `UID SEARCH UID n:*` always includes the
    /// highest UID, even below `n` (`*` is the highest, and `n:*` is the same as `*:n`), so the
    /// answer is filtered here.
    public func uidsAbove(_ lastUID: UInt32) async throws -> [UInt32] {
        guard lastUID < UInt32.max else { return [] }
        return try await exclusively {
            try await searchUIDs([.uidsFrom(lastUID + 1)]).filter { $0 > lastUID }
        }
    }

    private func searchUIDs(_ keys: [IMAPSearchKey]) async throws -> [UInt32] {
        if keys.contains(where: \.needsGmail), !capabilities.isGmail { throw IMAPError.unsupported("X-GM-EXT-1") }
        var command = IMAPCommand("UID SEARCH")
        if capabilities.contains("ESEARCH") { command.add("RETURN (ALL)") }
        let hasEightBitText = keys.flatMap(\.textArguments).contains { text in text.utf8.contains { $0 >= 0x80 } }
        if hasEightBitText, !isUTF8Enabled { command.add("CHARSET UTF-8") }
        let utf8 = isUTF8Enabled
        for key in keys.isEmpty ? [IMAPSearchKey.all] : keys {
            try key.add(to: &command, utf8Allowed: utf8, gmailLabelEncoding: { Self.gmailLabelName($0, utf8: utf8) })
        }
        var uids: [UInt32] = []
        try await run(command) { data in
            switch data {
            case .search(let found, _):
                uids.append(contentsOf: found)
            case .extendedSearch(let result):
                guard let all = result.all else { return }
                guard let numbers = all.numbers() else { throw IMAPError.protocolViolation("an ESEARCH set of \(all.count) UIDs") }
                uids.append(contentsOf: numbers)
            default:
                break
            }
        }
        return Array(Set(uids)).sorted()
    }
}
