import Foundation

// The real servers the MailProtocols tests talk to: a throwaway Dovecot (IMAP) and a throwaway
// aiosmtpd server (SMTP), started by `scripts/test` through `scripts/lib/mailservers.sh`, which
// exports where they listen in SMARTYSALES_TEST_* variables. Without them a test FAILS (the
// accessors throw): it never skips, so a run without the servers cannot look green.
//
// What the servers are (see scripts/lib/mailservers.sh and scripts/lib/smtp_server.py):
//
// - Dovecot 2.3 on `host` (127.0.0.2 on Linux — Dovecot would treat a connection from its own
//   address as secure and allow LOGIN without TLS; from 127.0.0.1 to 127.0.0.2 it does not).
//   `starttlsPort`: LOGINDISABLED and no AUTH= until STARTTLS; `implicitTLSPort`: TLS from the
//   first byte. AUTH=PLAIN, AUTH=LOGIN, SASL-IR, LITERAL+, ENABLE, CONDSTORE, QRESYNC, ESEARCH,
//   SPECIAL-USE, UIDPLUS, MOVE, IDLE, ID, NAMESPACE… (no UTF8=ACCEPT: that is Dovecot 2.4).
//   Mailboxes INBOX, Drafts, Sent, Trash, Junk, Archive (with their SPECIAL-USE flags),
//   separator "/". One user for every test.
// - aiosmtpd on `host` 127.0.0.1. `starttlsPort`: STARTTLS required before anything else, then
//   AUTH PLAIN/LOGIN required before MAIL (like 587); `implicitTLSPort`: TLS from the first
//   byte, AUTH required (like 465); `plainPort`: no TLS, no AUTH (a local relay). All advertise
//   SIZE 35882577, 8BITMIME, SMTPUTF8, PIPELINING; none advertises ENHANCEDSTATUSCODES or
//   CHUNKING. A recipient whose local part starts with `reject` gets `550 5.1.1`, one starting
//   with `tempfail` gets `450 4.2.1`; all others are accepted.
// - The certificates of both are signed by a throwaway CA (`caPEM`, `caFile`): trust only it.
//   The server certificate names IP 127.0.0.1, IP 127.0.0.2 and DNS localhost.
//
// TESTS RUN IN PARALLEL against the same servers, so keep them from seeing each other's data:
// - SMTP: send every message to a recipient no other test uses (`SMTPTestServer.uniqueRecipient`)
//   and read back with `delivered(to:)`, never `deliveredMessages()` + count; do not call
//   `clearDelivered()` (it empties the spool under every other test) — `clearDelivered(to:)`
//   removes only yours. A message is in the spool before the server answers 250 to the end of
//   DATA, so once the client has its 250 there is nothing to wait for.
// - IMAP: every test works in a mailbox of its own (`IMAPTestServer.uniqueMailboxName`), created
//   and deleted by the test; leave INBOX and the special-use mailboxes alone, or only read them.
//   Dovecot allows 200 connections at once for the user.

enum TestServers {
    static let hint = "run the tests with scripts/test, which starts Dovecot and the SMTP server"

    struct Unavailable: Error, CustomStringConvertible, LocalizedError {
        let message: String
        var description: String { message }
        var errorDescription: String? { message }
    }

    static func imap() throws -> IMAPTestServer {
        let caFile = try variable("SMARTYSALES_TEST_CA_FILE")
        return IMAPTestServer(
            host: try variable("SMARTYSALES_TEST_IMAP_HOST"),
            starttlsPort: try port("SMARTYSALES_TEST_IMAP_PORT"),
            implicitTLSPort: try port("SMARTYSALES_TEST_IMAPS_PORT"),
            username: try variable("SMARTYSALES_TEST_IMAP_USER"),
            password: try variable("SMARTYSALES_TEST_IMAP_PASSWORD"),
            caFile: caFile,
            caPEM: try contents(of: caFile, named: "SMARTYSALES_TEST_CA_FILE")
        )
    }

    static func smtp() throws -> SMTPTestServer {
        let caFile = try variable("SMARTYSALES_TEST_CA_FILE")
        let spool = try variable("SMARTYSALES_TEST_SMTP_SPOOL")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: spool, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Unavailable(message: "SMARTYSALES_TEST_SMTP_SPOOL=\(spool) is not a directory: \(hint)")
        }
        return SMTPTestServer(
            host: try variable("SMARTYSALES_TEST_SMTP_HOST"),
            starttlsPort: try port("SMARTYSALES_TEST_SMTP_PORT"),
            implicitTLSPort: try port("SMARTYSALES_TEST_SMTPS_PORT"),
            plainPort: try port("SMARTYSALES_TEST_SMTP_RELAY_PORT"),
            username: try variable("SMARTYSALES_TEST_SMTP_USER"),
            password: try variable("SMARTYSALES_TEST_SMTP_PASSWORD"),
            caFile: caFile,
            caPEM: try contents(of: caFile, named: "SMARTYSALES_TEST_CA_FILE"),
            spool: URL(fileURLWithPath: spool, isDirectory: true)
        )
    }

    private static func variable(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw Unavailable(message: "\(name) is not set: \(hint)")
        }
        return value
    }

    private static func port(_ name: String) throws -> Int {
        let value = try variable(name)
        guard let port = Int(value), (1...65535).contains(port) else {
            throw Unavailable(message: "\(name)=\(value) is not a port number: \(hint)")
        }
        return port
    }

    private static func contents(of path: String, named name: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
            throw Unavailable(message: "\(name)=\(path) cannot be read: \(hint)")
        }
        return Array(data)
    }
}

struct IMAPTestServer: Sendable {
    let host: String
    /// Plain connection; STARTTLS is offered and LOGIN/AUTHENTICATE are refused before it.
    let starttlsPort: Int
    /// TLS from the first byte.
    let implicitTLSPort: Int
    let username: String
    let password: String
    /// Path of the CA certificate (PEM) that signed the server's certificate.
    let caFile: String
    /// The same CA certificate, PEM bytes: the only root a test client should trust.
    let caPEM: [UInt8]

    /// A mailbox name no other test uses, e.g. `Test-3F2A…`; pass `label` to make logs readable.
    /// ASCII only: tests of non-ASCII names should build their own (modified UTF-7 on the wire).
    static func uniqueMailboxName(_ label: String = "Test") -> String {
        "\(label)-\(UUID().uuidString)"
    }
}

/// The envelope of one message the SMTP server accepted (the `.json` beside its `.eml`).
struct DeliveredEnvelope: Decodable, Sendable, Equatable {
    /// Arrival order, from 1, over the whole run.
    let sequence: Int
    /// Which listener took it: "starttls", "smtps" or "relay".
    let listener: String
    /// Whether the session was encrypted (STARTTLS done, or implicit TLS).
    let tls: Bool
    /// The user name the session authenticated as; nil on the relay.
    let authLogin: String?
    /// The EHLO/HELO argument.
    let helo: String?
    /// MAIL FROM address without angle brackets ("" for the null sender).
    let mailFrom: String
    /// Accepted RCPT TO addresses, in order (rejected ones are not here).
    let rcptTos: [String]
    /// MAIL FROM parameters as sent, e.g. ["SIZE=4096", "BODY=8BITMIME", "SMTPUTF8"].
    let mailOptions: [String]
    /// RCPT TO parameters of all accepted recipients, in order.
    let rcptOptions: [String]
    /// Byte count of the message.
    let size: Int
    /// When it arrived (ISO 8601, UTC).
    let receivedAt: String

    enum CodingKeys: String, CodingKey {
        case sequence, listener, tls, helo, size
        case authLogin = "auth_login"
        case mailFrom = "mail_from"
        case rcptTos = "rcpt_tos"
        case mailOptions = "mail_options"
        case rcptOptions = "rcpt_options"
        case receivedAt = "received_at"
    }

    func isAddressed(to recipient: String) -> Bool {
        let wanted = recipient.lowercased()
        return rcptTos.contains { $0.lowercased() == wanted }
    }
}

struct SMTPTestServer: Sendable {
    /// One message as the server received it: `bytes` are exactly the DATA content after
    /// dot-unstuffing — every line with its CRLF, including the CRLF before the final dot.
    typealias Delivered = (envelope: DeliveredEnvelope, bytes: [UInt8])

    let host: String
    /// Submission: STARTTLS required first, then AUTH PLAIN/LOGIN required before MAIL.
    let starttlsPort: Int
    /// TLS from the first byte; AUTH PLAIN/LOGIN required before MAIL.
    let implicitTLSPort: Int
    /// No TLS, no AUTH.
    let plainPort: Int
    let username: String
    let password: String
    /// Path of the CA certificate (PEM) that signed the server's certificate.
    let caFile: String
    /// The same CA certificate, PEM bytes: the only root a test client should trust.
    let caPEM: [UInt8]
    /// Where the server stores what it accepts: `NNNNNNNNN.eml` + `NNNNNNNNN.json`.
    let spool: URL

    /// A recipient address no other test uses; pass `label` to make the spool readable.
    /// (Do not start the label with "reject" or "tempfail" unless you want that reply.)
    static func uniqueRecipient(_ label: String = "test") -> String {
        "\(label)-\(UUID().uuidString.lowercased())@smartysales.test"
    }

    /// Everything received in this run (by every test), in arrival order.
    func deliveredMessages() throws -> [Delivered] {
        let names = try FileManager.default.contentsOfDirectory(atPath: spool.path)
        let decoder = JSONDecoder()
        var messages: [Delivered] = []
        for name in names where name.hasSuffix(".json") {
            let base = String(name.dropLast(".json".count))
            // The .eml is complete before its .json appears. A file that vanished since the
            // listing was removed by clearDelivered: skip it.
            guard let json = FileManager.default.contents(atPath: spool.appendingPathComponent(name).path),
                  let eml = FileManager.default.contents(atPath: spool.appendingPathComponent(base + ".eml").path)
            else { continue }
            let envelope = try decoder.decode(DeliveredEnvelope.self, from: json)
            messages.append((envelope: envelope, bytes: Array(eml)))
        }
        return messages.sorted { $0.envelope.sequence < $1.envelope.sequence }
    }

    /// What was received for `recipient` (compared case-insensitively), in arrival order:
    /// with a unique recipient per test, exactly that test's messages.
    func delivered(to recipient: String) throws -> [Delivered] {
        try deliveredMessages().filter { $0.envelope.isAddressed(to: recipient) }
    }

    /// Empties the spool — under every test running in parallel too; prefer
    /// `clearDelivered(to:)`.
    func clearDelivered() throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: spool.path)
        where name.hasSuffix(".json") || name.hasSuffix(".eml") {
            try? FileManager.default.removeItem(at: spool.appendingPathComponent(name))
        }
    }

    /// Removes the messages addressed to `recipient` (and to it among others) from the spool.
    func clearDelivered(to recipient: String) throws {
        for message in try delivered(to: recipient) {
            let base = String(format: "%09d", message.envelope.sequence)
            try? FileManager.default.removeItem(at: spool.appendingPathComponent(base + ".json"))
            try? FileManager.default.removeItem(at: spool.appendingPathComponent(base + ".eml"))
        }
    }
}
