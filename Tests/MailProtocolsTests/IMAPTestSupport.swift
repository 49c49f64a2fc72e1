import Foundation
import Synchronization
@testable import MailProtocols

/// A transcript of server bytes cut the way the client cuts what the network delivers: the
/// frame scanner measures each response, the framer takes it apart. A transcript ending in the
/// middle of a response is a closed connection.
enum TranscriptFrames {
    static func rawResponses(_ text: String) throws -> [IMAPRawResponse] {
        let bytes = Array(text.utf8)
        let scanner = IMAPFrameScanner(maximumLineLength: MailTransport.maximumLineLength)
        var responses: [IMAPRawResponse] = []
        var offset = 0
        while offset < bytes.count {
            let length = try bytes[offset...].withUnsafeBytes { try scanner.completeFrameLength(in: $0) }
            guard let length else { throw MailTransportError.closedByServer }
            var position = offset
            responses.append(try IMAPResponseFramer.response(in: bytes, from: &position))
            guard position == offset + length else { throw IMAPTranscript.TranscriptError.scannerAndFramerDisagree(scanned: length, framed: position - offset) }
            offset += length
        }
        return responses
    }
}

enum IMAPTranscript {
    /// Every response in `lines` (joined with CRLF, a final CRLF added).
    static func responses(_ lines: [String], namesAreUTF8: Bool = false) async throws -> [IMAPResponse] {
        try TranscriptFrames.rawResponses(lines.joined(separator: "\r\n") + "\r\n").map {
            try IMAPResponseParser.parse($0, options: .init(namesAreUTF8: namesAreUTF8))
        }
    }

    static func response(_ lines: String..., namesAreUTF8: Bool = false) async throws -> IMAPResponse {
        let all = try await responses(lines, namesAreUTF8: namesAreUTF8)
        guard all.count == 1, let only = all.first else { throw TranscriptError.notOneResponse(all.count) }
        return only
    }

    static func untagged(_ lines: String..., namesAreUTF8: Bool = false) async throws -> IMAPUntaggedResponse {
        let all = try await responses(lines, namesAreUTF8: namesAreUTF8)
        guard all.count == 1, case .untagged(let data)? = all.first else { throw TranscriptError.notOneResponse(all.count) }
        return data
    }

    static func fetched(_ lines: String..., namesAreUTF8: Bool = false) async throws -> FetchedMessage {
        let all = try await responses(lines, namesAreUTF8: namesAreUTF8)
        guard all.count == 1, case .untagged(.fetch(let message))? = all.first else { throw TranscriptError.notOneResponse(all.count) }
        return message
    }

    enum TranscriptError: Error {
        case notOneResponse(Int)
        case scannerAndFramerDisagree(scanned: Int, framed: Int)
    }
}

/// Endpoints and clients for the scripted and the real servers.
enum IMAPTestEndpoints {
    static func scripted(_ server: ScriptedServer, commandTimeout: Duration = .seconds(5)) -> MailServerEndpoint {
        MailServerEndpoint(host: server.host, port: server.port, tls: .none,
                           connectTimeout: .seconds(5), commandTimeout: commandTimeout)
    }

    static func dovecot(_ server: IMAPTestServer, tls: TLSMode, trustingTestCA: Bool = true) -> MailServerEndpoint {
        MailServerEndpoint(host: server.host, port: tls == .implicit ? server.implicitTLSPort : server.starttlsPort, tls: tls,
                           trust: trustingTestCA ? .customCA(pem: server.caPEM) : .system,
                           connectTimeout: .seconds(10), commandTimeout: .seconds(30))
    }

    /// A logged-in client on the real Dovecot over implicit TLS.
    static func dovecotSession(_ server: IMAPTestServer) async throws -> IMAPClient {
        let client = IMAPClient(endpoint: dovecot(server, tls: .implicit))
        try await client.connect()
        try await client.login(username: server.username, password: server.password)
        return client
    }
}

/// Splits a client line into its tag and the rest, for scripted servers that must echo tags.
struct ClientLine {
    let tag: String
    let command: String

    init(_ line: String) {
        let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        tag = parts.first.map(String.init) ?? ""
        command = parts.count > 1 ? String(parts[1]) : ""
    }

    func hasPrefix(_ prefix: String) -> Bool {
        command.uppercased().hasPrefix(prefix.uppercased())
    }
}

enum IMAPWait {
    struct TimedOut: Error {}

    /// Polls `condition` every 20 ms; throws after `timeout` rather than spinning forever.
    static func until(timeout: Duration = .seconds(20), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TimedOut() }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// The idle handler's record of what it saw (it runs off the test's task).
final class IdleEventLog: Sendable {
    private let events = Mutex<[IMAPIdleEvent]>([])

    func append(_ event: IMAPIdleEvent) {
        events.withLock { $0.append(event) }
    }

    var all: [IMAPIdleEvent] { events.withLock { $0 } }
}
