/// What a server announced in its EHLO reply (RFC 5321 §4.1.1.1). After STARTTLS the list is
/// read again: the one before TLS may have been altered on the way (RFC 3207 §4.2).
public struct SMTPCapabilities: Sendable, Equatable {
    /// RFC 2920: commands may be sent in batches.
    public var pipelining = false
    /// RFC 1870: MAIL FROM takes `SIZE=`.
    public var supportsSize = false
    /// The largest message the server takes; nil when it named no limit (or `SIZE 0`).
    public var sizeLimit: Int?
    /// RFC 6152: 8-bit message bodies are allowed with `BODY=8BITMIME`.
    public var eightBitMIME = false
    /// RFC 6531: non-ASCII addresses are allowed with `SMTPUTF8`.
    public var smtpUTF8 = false
    /// RFC 2034: replies carry enhanced status codes.
    public var enhancedStatusCodes = false
    /// RFC 3207.
    public var startTLS = false
    /// RFC 3030 BDAT; announced only, this client sends DATA.
    public var chunking = false
    /// SASL mechanisms from `AUTH` (and the old `AUTH=` form), upper-cased, in the server's order.
    public var authMechanisms: [String] = []

    /// Nothing announced: a HELO-only server, or no connection yet.
    public static let empty = SMTPCapabilities()

    public init() {}

    /// Reads an EHLO reply: the first line greets, each later one names an extension.
    public init(ehloReply: SMTPReply) {
        for line in ehloReply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.uppercased() }
            guard let keyword = words.first else { continue }
            let parameters = Array(words.dropFirst())
            switch keyword {
            case "PIPELINING": pipelining = true
            case "SIZE":
                supportsSize = true
                if let limit = parameters.first.flatMap({ Int($0) }), limit > 0 { sizeLimit = limit }
            case "8BITMIME": eightBitMIME = true
            case "SMTPUTF8": smtpUTF8 = true
            case "ENHANCEDSTATUSCODES": enhancedStatusCodes = true
            case "STARTTLS": startTLS = true
            case "CHUNKING": chunking = true
            case "AUTH": addAuthMechanisms(parameters)
            default:
                // Old servers (and Outlook clients' habits) announce `AUTH=LOGIN PLAIN`.
                if keyword.hasPrefix("AUTH=") {
                    addAuthMechanisms([String(keyword.dropFirst("AUTH=".count))] + parameters)
                }
            }
        }
    }

    private mutating func addAuthMechanisms(_ mechanisms: [String]) {
        for mechanism in mechanisms where !mechanism.isEmpty && !authMechanisms.contains(mechanism) {
            authMechanisms.append(mechanism)
        }
    }
}
