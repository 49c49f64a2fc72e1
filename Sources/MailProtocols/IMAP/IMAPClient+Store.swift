extension IMAPClient {
    /// Adds and removes keywords (labels on servers without Gmail's extension) with
    /// `UID STORE +FLAGS.SILENT` / `-FLAGS.SILENT`. Map label names with `KeywordMapping`.
    public func storeKeywords(uids: [UInt32], add: [String] = [], remove: [String] = []) async throws {
        for keyword in add + remove where !KeywordMapping.isValidKeyword(keyword) {
            throw IMAPError.invalidArgument("\"\(keyword)\" is not a keyword atom; map it with KeywordMapping")
        }
        try await storeFlags(uids: uids, add: add, remove: remove)
    }

    /// Adds and removes flags, system ones (`\Seen`) included.
    public func storeFlags(uids: [UInt32], add: [String] = [], remove: [String] = []) async throws {
        for flag in add + remove where !Self.isValidFlag(flag) {
            throw IMAPError.invalidArgument("\"\(flag)\" is not a flag")
        }
        try await exclusively {
            try await store(uids: uids, item: "FLAGS.SILENT", add: add.map(IMAPCommand.ListElement.atom),
                            remove: remove.map(IMAPCommand.ListElement.atom))
        }
    }

    /// Gmail labels (`X-GM-LABELS`): system labels such as `\Important` go as atoms, others as
    /// strings (modified UTF-7 unless UTF8=ACCEPT is on).
    public func storeGmailLabels(uids: [UInt32], add: [String] = [], remove: [String] = []) async throws {
        try await exclusively {
            guard capabilities.isGmail else { throw IMAPError.unsupported("X-GM-EXT-1") }
            let utf8 = isUTF8Enabled
            try await store(uids: uids, item: "X-GM-LABELS",
                            add: add.map { Self.gmailLabelElement($0, utf8: utf8) },
                            remove: remove.map { Self.gmailLabelElement($0, utf8: utf8) })
        }
    }

    private func store(uids: [UInt32], item: String, add: [IMAPCommand.ListElement], remove: [IMAPCommand.ListElement]) async throws {
        var commands: [IMAPCommand] = []
        for batch in Self.batches(of: uids, size: Self.defaultBatchSize) {
            for (sign, elements) in [("+", add), ("-", remove)] where !elements.isEmpty {
                var command = IMAPCommand("UID STORE")
                command.add("\(batch) \(sign)\(item)")
                command.addList(elements, utf8Allowed: isUTF8Enabled)
                commands.append(command)
            }
        }
        let completions = try await execute(commands, depth: Self.pipelineDepth) { _ in }
        for (command, completion) in zip(commands, completions) { try check(completion, of: command) }
    }

    private static func gmailLabelElement(_ label: String, utf8: Bool) -> IMAPCommand.ListElement {
        label.hasPrefix("\\") && isValidFlag(label) ? .atom(label) : .string(Array(gmailLabelName(label, utf8: utf8).utf8))
    }

    static func gmailLabelName(_ label: String, utf8: Bool) -> String {
        utf8 ? label : ModifiedUTF7.encode(label)
    }

    static func isValidFlag(_ flag: String) -> Bool {
        flag.hasPrefix("\\") ? KeywordMapping.isValidKeyword(String(flag.dropFirst())) : KeywordMapping.isValidKeyword(flag)
    }
}
