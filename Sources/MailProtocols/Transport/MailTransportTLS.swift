import NIOCore
import NIOSSL

/// The TLS settings every mail connection uses: verification always on, TLS 1.2 at least.
enum MailTransportTLS {
    static func makeContext(trust: TLSTrust) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        configuration.minimumTLSVersion = .tlsv12
        // close() waits for the server's close_notify at most this long; a server that never
        // sends one must not stall shutting a connection down for NIOSSL's default 5 seconds.
        configuration.shutdownTimeout = .seconds(1)
        if case .customCA(let pem) = trust {
            let certificates: [NIOSSLCertificate]
            do {
                certificates = try NIOSSLCertificate.fromPEMBytes(pem)
            } catch {
                throw MailTransportError.tlsFailure("the custom CA is not a readable PEM certificate: \(error)")
            }
            guard !certificates.isEmpty else {
                throw MailTransportError.tlsFailure("the custom CA holds no certificate")
            }
            // Only this CA: a self-hosted server's own CA should not widen trust to the system roots.
            configuration.trustRoots = .certificates(certificates)
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw MailTransportError.tlsFailure("cannot set up TLS: \(error)")
        }
    }

    /// The name sent in SNI and checked against the certificate. An IP literal is not allowed in
    /// SNI; without a name NIOSSL checks the certificate's IP addresses against the peer's.
    static func serverHostname(for host: String) -> String? {
        let unbracketed = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let isIPAddress = (try? SocketAddress(ipAddress: unbracketed, port: 0)) != nil
        return isIPAddress ? nil : host
    }
}
