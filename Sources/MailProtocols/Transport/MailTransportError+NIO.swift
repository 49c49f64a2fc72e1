import NIOCore
import NIOSSL

// Turns what NIO and NIOSSL report into the few cases a protocol client can act on.
extension MailTransportError {
    /// A failure the channel reported while connected.
    init(channelError error: any Error) {
        if let known = error as? MailTransportError {
            self = known
        } else if let tlsError = error as? NIOSSLError, tlsError == .uncleanShutdown {
            // Hanging up without a TLS close_notify is common and still just a hang-up.
            self = .closedByServer
        } else if Self.isTLSError(error) {
            self = .tlsFailure(String(describing: error))
        } else {
            // Connection reset, broken pipe and the like: the connection is gone either way.
            self = .closedByServer
        }
    }

    /// A failure to establish the connection at all.
    init(connectError error: any Error, host: String, port: Int) {
        if Self.isTLSError(error) {
            self = .tlsFailure(String(describing: error))
        } else {
            self = .unreachable("\(host):\(port): \(error)")
        }
    }

    private static func isTLSError(_ error: any Error) -> Bool {
        error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError
    }
}
