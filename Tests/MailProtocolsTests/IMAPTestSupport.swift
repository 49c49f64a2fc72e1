import Foundation
import Synchronization
@testable import MailProtocols

/// A transcript of server bytes fed to the real framer and parser, the way the network
/// would: line by line, literals by count. Running out of bytes is a closed connection.
actor TranscriptBytes: IMAPByteSource {
    private let bytes: [UInt8]
    private var position = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var isExhausted: Bool { position >= bytes.count }

    func readLine() throws -> [UInt8] {
        var index = position
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "\r"), bytes[index + 1] == UInt8(ascii: "\n") {
                let line = Array(bytes[position..<index])
                position = index + 2
                return line
            }
            index += 1
        }
        position = bytes.count
        throw MailTransportError.closedByServer
    }

    func readBytes(_ count: Int) throws -> [UInt8] {
        guard position + count <= bytes.count else {
            position = bytes.count
            throw MailTransportError.closedByServer
        }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }
}

enum IMAPTranscript {
    /// Every response in `lines` (joined with CRLF, a final CRLF added).
    static func responses(_ lines: [String], namesAreUTF8: Bool = false) async throws -> [IMAPResponse] {
        let source = TranscriptBytes(lines.joined(separator: "\r\n") + "\r\n")
        var responses: [IMAPResponse] = []
        while !(await source.isExhausted) {
            let raw = try await IMAPResponseFramer.readResponse(from: source)
            responses.append(try IMAPResponseParser.parse(raw, options: .init(namesAreUTF8: namesAreUTF8)))
        }
        return responses
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
