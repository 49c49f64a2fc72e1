import Foundation

/// A message to APPEND.
public struct IMAPAppendMessage: Sendable, Equatable {
    public var message: [UInt8]
    public var flags: [String]
    public var internalDate: Date?

    public init(message: [UInt8], flags: [String] = [], internalDate: Date? = nil) {
        self.message = message
        self.flags = flags
        self.internalDate = internalDate
    }
}

extension IMAPClient {
    /// Stores one message; returns its UID when the server has UIDPLUS.
    @discardableResult
    public func append(mailbox: String, message: [UInt8], flags: [String] = [], internalDate: Date? = nil) async throws -> UInt32? {
        let appended = try await append(mailbox: mailbox, messages: [IMAPAppendMessage(message: message, flags: flags, internalDate: internalDate)])
        return appended.first
    }

    /// Stores many messages fast: several per command with MULTIAPPEND (RFC 3502), literals
    /// without round trips under LITERAL+, and commands pipelined. Returns the new UIDs where
    /// the server reports them (UIDPLUS).
    @discardableResult
    public func append(mailbox: String, messages: [IMAPAppendMessage], messagesPerCommand: Int = 500) async throws -> [UInt32] {
        for flag in messages.flatMap(\.flags) where !Self.isValidFlag(flag) {
            throw IMAPError.invalidArgument("\"\(flag)\" is not a flag")
        }
        return try await exclusively {
            let perCommand = capabilities.contains("MULTIAPPEND") ? max(messagesPerCommand, 1) : 1
            var commands: [IMAPCommand] = []
            var start = 0
            while start < messages.count {
                let group = messages[start..<min(start + perCommand, messages.count)]
                var command = IMAPCommand("APPEND")
                command.addString(wireName(mailbox), utf8Allowed: isUTF8Enabled)
                for message in group {
                    if !message.flags.isEmpty { command.add("(" + message.flags.joined(separator: " ") + ")") }
                    if let date = message.internalDate { command.addString(IMAPDate.format(date), utf8Allowed: false) }
                    command.addLiteral(message.message)
                }
                commands.append(command)
                start += perCommand
            }
            let completions = try await execute(commands, depth: Self.pipelineDepth) { _ in }
            var uids: [UInt32] = []
            for (command, completion) in zip(commands, completions) {
                try check(completion, of: command)
                if case .appendUID(_, let appended)? = completion.code { uids += appended.numbers() ?? [] }
            }
            return uids
        }
    }
}
