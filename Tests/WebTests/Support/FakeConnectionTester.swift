import Domain
import Foundation
import Synchronization
@testable import Web

/// Answers "test connection" without a network: with `answer`, remembering what it was asked.
final class FakeConnectionTester: MailboxConnectionTesting, Sendable {
    struct Call: Sendable {
        let draft: MailboxDraft
        let secret: String
    }

    let answer: ConnectionCheck
    private let recorded = Mutex<[Call]>([])

    init(answer: ConnectionCheck = .success(folderCount: 6, labelsCanBeStored: true)) {
        self.answer = answer
    }

    var calls: [Call] { recorded.withLock { $0 } }

    func test(_ draft: MailboxDraft, secret: String) async -> ConnectionCheck {
        recorded.withLock { $0.append(Call(draft: draft, secret: secret)) }
        return answer
    }
}
