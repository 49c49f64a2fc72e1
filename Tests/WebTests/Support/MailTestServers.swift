import Foundation

// The real mail servers `scripts/test` starts (Dovecot for IMAP, aiosmtpd for SMTP; see
// Tests/MailProtocolsTests/Support/TestServers.swift for what they are). Without their
// SMARTYSALES_TEST_* variables a test FAILS: it never skips, so a run without the servers
// cannot look green.
enum MailTestServers {
    static let hint = "run the tests with scripts/test, which starts Dovecot and the SMTP server"

    struct Unavailable: Error, CustomStringConvertible, LocalizedError {
        let message: String
        var description: String { message }
        var errorDescription: String? { message }
    }

    struct IMAP: Sendable {
        let host: String
        let implicitTLSPort: Int
        let username: String
        let password: String
        /// The throwaway CA that signed both servers' certificates, PEM text.
        let caPEM: String
    }

    struct SMTP: Sendable {
        let host: String
        let implicitTLSPort: Int
        let username: String
        let password: String
    }

    static func imap() throws -> IMAP {
        IMAP(
            host: try variable("SMARTYSALES_TEST_IMAP_HOST"),
            implicitTLSPort: try port("SMARTYSALES_TEST_IMAPS_PORT"),
            username: try variable("SMARTYSALES_TEST_IMAP_USER"),
            password: try variable("SMARTYSALES_TEST_IMAP_PASSWORD"),
            caPEM: try contents(of: try variable("SMARTYSALES_TEST_CA_FILE"), named: "SMARTYSALES_TEST_CA_FILE"))
    }

    static func smtp() throws -> SMTP {
        SMTP(
            host: try variable("SMARTYSALES_TEST_SMTP_HOST"),
            implicitTLSPort: try port("SMARTYSALES_TEST_SMTPS_PORT"),
            username: try variable("SMARTYSALES_TEST_SMTP_USER"),
            password: try variable("SMARTYSALES_TEST_SMTP_PASSWORD"))
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

    private static func contents(of path: String, named name: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
            throw Unavailable(message: "\(name)=\(path) cannot be read: \(hint)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
