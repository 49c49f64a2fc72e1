extension IMAPClient {
    /// Every folder, with special-use attributes (RFC 6154) so All Mail, Sent and Trash can
    /// be found whatever their localised names.
    public func list(pattern: String = "*") async throws -> [IMAPMailbox] {
        try await exclusively {
            var command = IMAPCommand("LIST")
            command.addString("", utf8Allowed: false)
            command.addString(wireName(pattern), utf8Allowed: isUTF8Enabled)
            // With LIST-EXTENDED the attributes must be asked for; without it, servers that
            // have SPECIAL-USE send them unasked (Gmail does).
            if capabilities.contains("SPECIAL-USE"), capabilities.contains("LIST-EXTENDED") {
                command.add("RETURN (SPECIAL-USE)")
            }
            var mailboxes: [IMAPMailbox] = []
            try await run(command) { data in
                guard case .list(let listing) = data else { return }
                mailboxes.append(IMAPMailbox(
                    name: mailboxName(listing.rawName),
                    delimiter: listing.delimiter.map { Character(Unicode.Scalar($0)) },
                    attributes: listing.attributes))
            }
            return mailboxes
        }
    }

    /// Opens a folder for reading and writing. With CONDSTORE on offer it is enabled here,
    /// so HIGHESTMODSEQ is reported and MODSEQ can be fetched.
    public func select(_ name: String) async throws -> MailboxStatus {
        try await exclusively { try await openMailbox(name, readOnly: false) }
    }

    /// Opens a folder read-only: flags and keywords cannot change, `\Seen` stays as it is.
    public func examine(_ name: String) async throws -> MailboxStatus {
        try await exclusively { try await openMailbox(name, readOnly: true) }
    }

    /// Counts and UIDs of a folder without selecting it (STATUS), for cheap polling.
    /// `flags`, `permanentFlags` and `recentCount` are not part of STATUS and stay empty.
    public func status(of name: String) async throws -> MailboxStatus {
        try await exclusively {
            var command = IMAPCommand("STATUS")
            command.addString(wireName(name), utf8Allowed: isUTF8Enabled)
            let modSeq = capabilities.contains("CONDSTORE")
            command.add(modSeq ? "(MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)" : "(MESSAGES UIDNEXT UIDVALIDITY)")
            var items: [String: UInt64]?
            try await run(command) { data in
                if case .mailboxStatus(_, let received) = data { items = received }
            }
            guard let items, let validity = items["UIDVALIDITY"].flatMap({ UInt32(exactly: $0) }) else {
                throw IMAPError.protocolViolation("STATUS without UIDVALIDITY")
            }
            return MailboxStatus(name: name, uidValidity: validity,
                                 uidNext: items["UIDNEXT"].flatMap { UInt32(exactly: $0) },
                                 highestModSeq: items["HIGHESTMODSEQ"],
                                 messageCount: items["MESSAGES"].flatMap { Int(exactly: $0) } ?? 0)
        }
    }

    public func create(_ name: String) async throws {
        try await exclusively {
            var command = IMAPCommand("CREATE")
            command.addString(wireName(name), utf8Allowed: isUTF8Enabled)
            try await run(command)
        }
    }

    public func delete(_ name: String) async throws {
        try await exclusively {
            var command = IMAPCommand("DELETE")
            command.addString(wireName(name), utf8Allowed: isUTF8Enabled)
            try await run(command)
        }
    }

    private func openMailbox(_ name: String, readOnly: Bool) async throws -> MailboxStatus {
        selectedMailbox = nil
        var command = IMAPCommand(readOnly ? "EXAMINE" : "SELECT")
        command.addString(wireName(name), utf8Allowed: isUTF8Enabled)
        let condStore = capabilities.contains("CONDSTORE")
        if condStore { command.add("(CONDSTORE)") }

        var opened = MailboxStatus(name: name, uidValidity: 0, isReadOnly: readOnly)
        var uidValidity: UInt32?
        let completion = try await runUnchecked(command) { data in
            switch data {
            case .flags(let flags): opened.flags = flags
            case .exists(let count): opened.messageCount = count
            case .recent(let count): opened.recentCount = count
            case .status(let status) where status.status == .ok:
                switch status.code {
                case .uidValidity(let value)?: uidValidity = value
                case .uidNext(let value)?: opened.uidNext = value
                case .highestModSeq(let value)?: opened.highestModSeq = value
                case .permanentFlags(let flags)?: opened.permanentFlags = flags
                default: break
                }
            default: break
            }
        }
        try check(completion, of: command)
        guard let uidValidity else { throw IMAPError.protocolViolation("\(command.name) without UIDVALIDITY") }
        opened.uidValidity = uidValidity
        if completion.code == .readOnly { opened.isReadOnly = true }
        if condStore { isCondStoreEnabled = true }
        selectedMailbox = opened
        return opened
    }

    /// Decodes a name the way this session encodes them; INBOX is case-insensitive and is
    /// always reported as `INBOX`.
    func mailboxName(_ raw: [UInt8]) -> String {
        let name = ModifiedUTF7.decodeName(raw, namesAreUTF8: isUTF8Enabled)
        return name.uppercased() == "INBOX" ? "INBOX" : name
    }
}
