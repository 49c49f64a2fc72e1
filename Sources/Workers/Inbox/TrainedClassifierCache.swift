import Classifier
import Foundation
import Synchronization

/// The embedded classifier each tenant classified with last, kept in memory with the fingerprint
/// it was trained for (`ClassifierFingerprint`). A classify job that finds the same fingerprint
/// uses it as it is; before, every job of 50 messages read the stored model again and decoded
/// its JSON, a sixteenth of the inbox pipeline's CPU time. The stored copy stays the one that
/// counts across processes: a miss here reads it as before.
final class TrainedClassifierCache: Sendable {
    private struct Entry: Sendable {
        var fingerprint: String
        var classifier: EmbeddedClassifier
    }

    /// Tenants kept at most; past that the cache starts again empty, which costs one decode each.
    let capacity: Int
    private let entries = Mutex<[UUID: Entry]>([:])

    init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    /// The tenant's classifier if it was trained for exactly this fingerprint.
    func classifier(companyID: UUID, fingerprint: String) -> EmbeddedClassifier? {
        entries.withLock { entries in
            guard let entry = entries[companyID], entry.fingerprint == fingerprint else { return nil }
            return entry.classifier
        }
    }

    func remember(_ classifier: EmbeddedClassifier, companyID: UUID, fingerprint: String) {
        entries.withLock { entries in
            if entries[companyID] == nil && entries.count >= capacity { entries.removeAll() }
            entries[companyID] = Entry(fingerprint: fingerprint, classifier: classifier)
        }
    }
}
