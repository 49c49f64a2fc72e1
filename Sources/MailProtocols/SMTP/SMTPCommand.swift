/// The command lines this client sends, CRLF included. Addresses are checked before they go
/// into a line, so no address can end a command early and smuggle in another one.
enum SMTPCommand {
    static func ehlo(_ clientName: String) -> [UInt8] { line("EHLO " + clientName) }
    static func helo(_ clientName: String) -> [UInt8] { line("HELO " + clientName) }
    static let startTLS = line("STARTTLS")
    static let reset = line("RSET")
    static let data = line("DATA")
    static let quit = line("QUIT")

    /// `MAIL FROM:<address>` with the parameters the server offered and the message needs.
    static func mailFrom(_ address: String, size: Int?, eightBit: Bool, smtpUTF8: Bool) -> [UInt8] {
        var text = "MAIL FROM:<\(address)>"
        if let size { text += " SIZE=\(size)" }
        if eightBit { text += " BODY=8BITMIME" }
        if smtpUTF8 { text += " SMTPUTF8" }
        return line(text)
    }

    static func recipient(_ address: String) -> [UInt8] { line("RCPT TO:<\(address)>") }

    static func line(_ text: String) -> [UInt8] { Array((text + "\r\n").utf8) }

    /// Fails for an address with a control character (CR and LF above all), an angle bracket,
    /// or nothing in it (only the sender may be empty: the null sender `<>`).
    static func checkAddress(_ address: String, mayBeEmpty: Bool = false) throws {
        guard mayBeEmpty || !address.isEmpty,
              address.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") })
        else { throw SMTPError.invalidAddress(address) }
    }

    static func isASCII(_ address: String) -> Bool {
        address.utf8.allSatisfy { $0 < 0x80 }
    }

    /// An EHLO argument the server will take: a domain-ish name; anything else becomes
    /// `localhost` rather than a broken command.
    static func clientName(_ requested: String) -> String {
        let allowed = !requested.isEmpty && requested.utf8.count <= 255 && requested.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
                || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") || $0 == UInt8(ascii: ":")
        }
        return allowed ? requested : "localhost"
    }
}
