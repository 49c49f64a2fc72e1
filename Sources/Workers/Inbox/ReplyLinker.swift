import Domain
import Foundation
import Storage

/// Where the outbound e-mails we sent can be found by their Message-ID. The outreach work adds
/// the real one; until then there is none and replies link to stored inbound messages only.
public protocol OutboundMessageLookup: Sendable {
    /// Our outbound e-mails among `messageIDs` (without angle brackets), by Message-ID.
    func outboundEmailIDs(forMessageIDs messageIDs: [String], companyID: UUID) async throws -> [String: UUID]
}

/// A stored message that answers another message we know.
public struct ReplyLink: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        /// One of our outbound e-mails (and through it, its client).
        case outbound(UUID)
        /// A stored inbound message of the same thread.
        case inbound(UUID)
    }

    /// The stored reply (`InboundMessage.id`).
    public let replyID: UUID
    public let target: Target

    public init(replyID: UUID, target: Target) {
        self.replyID = replyID
        self.target = target
    }
}

/// Finds what newly stored messages answer: their In-Reply-To first, then their References,
/// newest first (`InboundMessage.answeredMessageIDs`). An outbound e-mail of ours wins over an
/// inbound message anywhere in that list; otherwise the first stored inbound message named.
public struct ReplyLinker: Sendable {
    let messages: InboundMessageRepository
    let outbound: (any OutboundMessageLookup)?

    public init(messages: InboundMessageRepository, outbound: (any OutboundMessageLookup)? = nil) {
        self.messages = messages
        self.outbound = outbound
    }

    /// One link per message that answers something known, in the order given.
    public func links(for replies: [InboundMessage], companyID: UUID) async throws -> [ReplyLink] {
        let wanted = replies.filter { !$0.answeredMessageIDs.isEmpty }
        guard !wanted.isEmpty else { return [] }
        var named: [String] = []
        var seen = Set<String>()
        for reply in wanted {
            for id in reply.answeredMessageIDs where seen.insert(id).inserted {
                named.append(id)
            }
        }
        var ours: [String: UUID] = [:]
        if let outbound {
            ours = try await outbound.outboundEmailIDs(forMessageIDs: named, companyID: companyID)
        }
        var stored: [String: UUID] = [:]
        for message in try await messages.findByMessageIDs(named, companyID: companyID) {
            if let messageID = message.messageID, stored[messageID] == nil { stored[messageID] = message.id }
        }
        var links: [ReplyLink] = []
        for reply in wanted {
            let answered = reply.answeredMessageIDs
            if let sent = answered.compactMap({ ours[$0] }).first {
                links.append(ReplyLink(replyID: reply.id, target: .outbound(sent)))
            } else if let thread = answered.compactMap({ stored[$0] }).first(where: { $0 != reply.id }) {
                links.append(ReplyLink(replyID: reply.id, target: .inbound(thread)))
            }
        }
        return links
    }
}
