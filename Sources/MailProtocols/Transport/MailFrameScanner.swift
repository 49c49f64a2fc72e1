/// Tells a `MailTransport` where a protocol's units end, so it can hand over several complete
/// ones at once. Runs on the event loop for every arrival while a frame read waits, so it must
/// be cheap and must not keep state between calls.
public protocol MailFrameScanner: Sendable {
    /// The length of the complete frame at the start of `bytes`, or nil while it is incomplete.
    /// Throws when the bytes can never form a valid frame (the connection is then dropped).
    func completeFrameLength(in bytes: UnsafeRawBufferPointer) throws -> Int?
}
