/// What COPYUID (UIDPLUS, RFC 4315) says after a COPY or a MOVE: the target folder's
/// UIDVALIDITY and the UID each copied message got there. The only way to know where a moved
/// message went without searching for it: MOVE reports it in an untagged OK before its expunges
/// (RFC 6851 §4.3), COPY in its tagged OK; `IMAPClient.move(uids:to:)` reads both.
public struct IMAPCopiedUIDs: Sendable, Equatable {
    public var uidValidity: UInt32
    /// Each source UID's UID in the target.
    public var newUIDs: [UInt32: UInt32]

    /// More than a client's batch by far: a server announcing a larger set is not believed.
    static let largestSet = 100_000

    public init(uidValidity: UInt32, newUIDs: [UInt32: UInt32]) {
        self.uidValidity = uidValidity
        self.newUIDs = newUIDs
    }

    /// The pairs of a COPYUID code: its two sets read number by number, in the order the server
    /// wrote them (`304,319:320` with `3956:3958` pairs 304 with 3956, 319 with 3957, 320 with
    /// 3958). `nil` for any other code, and for sets of different sizes: a server that miscounts
    /// is better not believed at all than half.
    public init?(_ code: IMAPResponseCode?) {
        guard case .copyUID(let uidValidity, let source, let destination)? = code,
              let from = source.numbers(limit: Self.largestSet), let to = destination.numbers(limit: Self.largestSet),
              from.count == to.count else { return nil }
        self.uidValidity = uidValidity
        newUIDs = Dictionary(zip(from, to), uniquingKeysWith: { first, _ in first })
    }

    /// Adds what a later COPYUID of the same transfer said (one comes per batch of UIDs).
    mutating func merge(_ later: IMAPCopiedUIDs) {
        uidValidity = later.uidValidity
        newUIDs.merge(later.newUIDs) { _, new in new }
    }
}
