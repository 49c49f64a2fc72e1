import Domain
import Foundation
import MailProtocols
import Storage

extension InboxLabelJob {
    /// Carries out a move action and records where the message went in the same write that
    /// marks the action done (`InboundMessageRepository.recordMove`): a move that happened is
    /// never tried again, and the labels and corrections that come later find the message in its
    /// new folder under its new id. A move that failed is settled like any other action.
    ///
    /// Returns where the message is afterwards: its new id, the one it had when it did not move
    /// (the move failed, or the message keeps its id: Gmail, or a move into the folder it is in),
    /// `nil` when it moved and its id there is not known.
    func move(_ action: LabelAction, item: MailboxItemID, session: MailboxSession, companyID: UUID,
              tally: inout Tally) async throws -> MailboxItemID? {
        let moved: MailboxMove
        do {
            moved = try await session.move(item, to: action.label)
        } catch {
            _ = try await settle([action], after: error, companyID: companyID, tally: &tally)
            return item
        }
        let whereNow: MailboxItemID?
        switch moved.location {
        case .unchanged:
            try await labels.markDone([action.id], companyID: companyID)
            whereNow = item
        case .moved(let newItem):
            try await messages.recordMove(
                action.messageID, to: MessageLocation(folder: action.label, itemID: newItem.rawValue), moveAction: action.id,
                companyID: companyID)
            whereNow = newItem
        case .unknown(let reason):
            try await messages.recordMove(
                action.messageID, to: MessageLocation(folder: action.label, itemID: nil), moveAction: action.id,
                note: MovedMessageText.untracked(folder: action.label, reason: reason), companyID: companyID)
            whereNow = nil
        }
        tally.done += 1
        return whereNow
    }
}
