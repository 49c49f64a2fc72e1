import Foundation

// The real Dovecot and aiosmtpd that `scripts/test` starts (scripts/lib/mailservers.sh) and
// announces in SMARTYSALES_TEST_* variables; the same servers the MailProtocols tests use (see
// Tests/MailProtocolsTests/Support/TestServers.swift for what they offer). Without the variables
// a test FAILS naming the missing one: it never skips, so a run without the servers cannot look
// green. Tests run in parallel against one Dovecot user: every test works in a folder of its own
// (`uniqueFolder`), created and deleted by the test.
enum MailTestServers {
    static let hint = "run the tests with scripts/test, which starts Dovecot and the SMTP server"

    struct Unavailable: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    struct IMAP: Sendable {
        let host: String
        let implicitTLSPort: Int
        let username: String
        let password: String
        /// The throwaway CA that signed the servers' certificates, PEM.
        let caPEM: String
    }

    struct SMTPRelay: Sendable {
        let host: String
        /// No TLS, no AUTH.
        let plainPort: Int
    }

    static func imap() throws -> IMAP {
        let caFile = try variable("SMARTYSALES_TEST_CA_FILE")
        guard let data = FileManager.default.contents(atPath: caFile), !data.isEmpty else {
            throw Unavailable(message: "SMARTYSALES_TEST_CA_FILE=\(caFile) cannot be read: \(hint)")
        }
        return IMAP(
            host: try variable("SMARTYSALES_TEST_IMAP_HOST"),
            implicitTLSPort: try port("SMARTYSALES_TEST_IMAPS_PORT"),
            username: try variable("SMARTYSALES_TEST_IMAP_USER"),
            password: try variable("SMARTYSALES_TEST_IMAP_PASSWORD"),
            caPEM: String(decoding: data, as: UTF8.self))
    }

    static func smtpRelay() throws -> SMTPRelay {
        SMTPRelay(host: try variable("SMARTYSALES_TEST_SMTP_HOST"), plainPort: try port("SMARTYSALES_TEST_SMTP_RELAY_PORT"))
    }

    /// A folder name no other test uses; ASCII, so it travels as it is.
    static func uniqueFolder(_ label: String) -> String {
        "\(label)-\(UUID().uuidString)"
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
}
