import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One HTTP answer from an Exchange server, read whole.
public struct EWSHTTPResponse: Sendable, Equatable {
    public var status: Int
    public var contentType: String?
    public var body: [UInt8]
    /// The WWW-Authenticate values, one per header line as sent.
    public var authenticate: [String]
    /// The Location header of a 3xx answer.
    public var location: String?
    /// Where a redirect led when the HTTP client followed one by itself (the injected client's
    /// redirect configuration allows it): the first Location, else the final URL.
    public var followedRedirect: String?
}

/// A single HTTP round trip with a deadline over the whole exchange, and AsyncHTTPClient's,
/// NIO's and NIOSSL's errors turned into the few `EWSError` cases a caller can act on.
enum EWSHTTPExchange {
    /// Bodies above this are refused unread: a GetItem batch with capped text bodies is far
    /// smaller, so anything this large is not an EWS answer.
    static let maximumResponseBytes = 32 << 20

    static let userAgent = "SmartySales-EWS/1"

    static func perform(_ request: HTTPClientRequest, on client: HTTPClient, timeout: Duration, host: String) async throws -> EWSHTTPResponse {
        do {
            // AsyncHTTPClient's deadline ends once the head is in; the body needs its own clock.
            return try await withTimeout(timeout) {
                let response = try await client.execute(request, deadline: .now() + TimeAmount(timeout))
                let buffer = try await response.body.collect(upTo: EWSHTTPExchange.maximumResponseBytes)
                var followed: String?
                if response.history.count > 1 {
                    followed = response.history.first?.responseHead.headers.first(name: "Location") ?? response.url?.absoluteString ?? ""
                }
                return EWSHTTPResponse(
                    status: Int(response.status.code),
                    contentType: response.headers.first(name: "Content-Type"),
                    body: Array(buffer.readableBytesView),
                    authenticate: response.headers["WWW-Authenticate"],
                    location: response.headers.first(name: "Location"),
                    followedRedirect: followed)
            }
        } catch {
            throw translated(error, host: host)
        }
    }

    /// Runs `operation`, throwing `EWSError.timedOut` (and cancelling it) when it takes longer than `limit`.
    static func withTimeout<Value: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await withThrowingTaskGroup(of: Value.self) { group in
            group.addTask {
                try await operation()
            }
            group.addTask {
                try await Task.sleep(for: limit)
                throw EWSError.timedOut
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw EWSError.timedOut }
            return first
        }
    }

    /// Connection-establishment failures say the request never left (`unreachable`,
    /// `tlsFailure`); everything after that is `connectionLost` or `timedOut`, since the server
    /// may have acted on it.
    static func translated(_ error: any Error, host: String) -> any Error {
        if error is EWSError || error is CancellationError { return error }
        if let clientError = error as? HTTPClientError {
            if clientError == .connectTimeout || clientError == .getConnectionFromPoolTimeout {
                return EWSError.unreachable("\(host): no connection within the connect timeout")
            }
            if clientError == .tlsHandshakeTimeout {
                return EWSError.tlsFailure("\(host): the TLS handshake timed out")
            }
            if clientError == .readTimeout || clientError == .writeTimeout || clientError == .deadlineExceeded {
                return EWSError.timedOut
            }
            if clientError == .cancelled {
                return CancellationError()
            }
            if clientError == .alreadyShutdown || clientError == .invalidURL || clientError == .emptyHost {
                return EWSError.invalidConfiguration("\(host): \(clientError)")
            }
            if clientError == .remoteConnectionClosed || clientError == .uncleanShutdown {
                return EWSError.connectionLost("\(host) closed the connection")
            }
            return EWSError.connectionLost("\(host): \(clientError)")
        }
        if let tlsError = error as? NIOSSLError, tlsError == .uncleanShutdown {
            // Hanging up without close_notify, after the handshake: still just a hang-up.
            return EWSError.connectionLost("\(host) closed the connection")
        }
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            return EWSError.tlsFailure("\(host): \(error)")
        }
        if error is NIOConnectionError {
            return EWSError.unreachable("\(host): \(error)")
        }
        if let ioError = error as? IOError, [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(ioError.errnoCode) {
            return EWSError.unreachable("\(host): \(ioError)")
        }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return EWSError.unreachable("\(host): no connection within the connect timeout")
        }
        if error is NIOTooManyBytesError {
            return EWSError.responseTooLarge(limit: maximumResponseBytes)
        }
        return EWSError.connectionLost("\(host): \(error)")
    }

    /// What a finished exchange means for an EWS call: 200 and a SOAP 500 (Exchange sends faults
    /// with 500) go on to the reply parsers, everything else is an error here.
    static func checked(_ response: EWSHTTPResponse) throws -> EWSHTTPResponse {
        if let followed = response.followedRedirect {
            throw EWSError.redirected(location: followed)
        }
        switch response.status {
        case 200:
            return response
        case 500 where response.contentType.map(EWSSOAPResponse.isXMLContentType) ?? true:
            return response
        case 401:
            throw EWSError.authenticationFailed(offered: EWSAuthChallenge.parse(response.authenticate).map(\.shown))
        case 300..<400:
            throw EWSError.redirected(location: response.location ?? "")
        default:
            throw EWSError.httpStatus(response.status, detail: EWSSOAPResponse.bodyPrefix(response.body))
        }
    }
}

/// The TLS settings of every EWS connection: verification always on, TLS 1.2 at least, and a
/// custom CA replacing (not widening) the system roots.
enum EWSTLS {
    static func configuration(trust: EWSTrust) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        configuration.minimumTLSVersion = .tlsv12
        let certificates: [NIOSSLCertificate]
        do {
            switch trust {
            case .system:
                return configuration
            case .customCAFile(let path):
                certificates = try NIOSSLCertificate.fromPEMFile(path)
            case .customCA(let pem):
                certificates = try NIOSSLCertificate.fromPEMBytes(pem)
            case .certificates(let given):
                certificates = given
            }
        } catch {
            throw EWSError.invalidConfiguration("the custom CA is not a readable PEM certificate: \(error)")
        }
        guard !certificates.isEmpty else {
            throw EWSError.invalidConfiguration("the custom CA holds no certificate")
        }
        configuration.trustRoots = .certificates(certificates)
        return configuration
    }
}

/// One challenge of a WWW-Authenticate header (RFC 9110 §11.6.1): the scheme and what follows
/// it, a token68 (NTLM's base64 CHALLENGE) or auth-params (`realm="…"`).
struct EWSAuthChallenge: Sendable, Equatable {
    var scheme: String
    var parameters: String

    func isScheme(_ name: String) -> Bool {
        scheme.lowercased() == name.lowercased()
    }

    /// How the challenge appears in errors: NTLM and Negotiate tokens are opaque bytes, the
    /// realm of Basic is worth showing.
    var shown: String {
        parameters.isEmpty || isScheme("NTLM") || isScheme("Negotiate") ? scheme : scheme + " " + parameters
    }

    /// Servers send one challenge per header line, or several in one line separated by commas
    /// (`Negotiate, NTLM`). A comma-separated piece that starts with a bare token begins a new
    /// challenge; one that starts with `name=` continues the previous one's parameters.
    static func parse(_ values: [String]) -> [EWSAuthChallenge] {
        var challenges: [EWSAuthChallenge] = []
        for value in values {
            for piece in value.split(separator: ",") {
                let trimmed = piece.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty else { continue }
                let firstWord = trimmed.prefix { $0 != " " && $0 != "\t" }
                if isToken(firstWord) {
                    let rest = trimmed.dropFirst(firstWord.count).trimmingCharacters(in: .whitespaces)
                    challenges.append(EWSAuthChallenge(scheme: String(firstWord), parameters: rest))
                } else if !challenges.isEmpty {
                    let last = challenges.count - 1
                    challenges[last].parameters += (challenges[last].parameters.isEmpty ? "" : ", ") + trimmed
                }
            }
        }
        return challenges
    }

    private static func isToken(_ word: Substring) -> Bool {
        !word.isEmpty && word.allSatisfy { character in
            character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_" || character == ".")
        }
    }
}
