import Foundation

/// The I/O-free half of POX Autodiscover (the `autodiscover.xml` protocol Outlook uses): where
/// to ask, what to send, and what the answer means. The HTTP side POSTs `requestBody` to each
/// `candidates` URL in turn, follows redirects only where `allowsRedirect` says so (at most ten,
/// as Microsoft advises), and lets the user type the EWS URL when every candidate fails.
public enum EWSAutodiscover {
    public struct Candidate: Sendable, Equatable {
        public enum Method: Sendable, Equatable {
            /// POST `requestBody` (with credentials): the answer is settings or a redirect.
            case post
            /// Unauthenticated GET over plain HTTP whose only useful answer is a 302 to an HTTPS
            /// Autodiscover URL, which is then POSTed to. Never send credentials here.
            case redirectProbe
        }

        public let url: URL
        public let method: Method
    }

    public enum Outcome: Sendable, Equatable {
        /// The EWS endpoints to try, the external one first: SmartySales usually runs outside
        /// the customer's network. HTTPS only, since the credentials travel with every call.
        case settings(ewsURLs: [URL])
        /// Ask again for this address (Action redirectAddr).
        case redirectAddress(String)
        /// Ask again at this HTTPS URL (Action redirectUrl).
        case redirectURL(URL)
        /// The server's own error, e.g. 500 "The email address can't be found", or a redirect
        /// refused because it would leave HTTPS.
        case error(code: String, message: String)
    }

    static let requestNamespace = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
    static let responseSchema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"

    /// https://<domain>/autodiscover/autodiscover.xml, then https://autodiscover.<domain>/…,
    /// then the redirect probe on http://autodiscover.<domain>/…. Empty when the address has no
    /// usable domain (an internationalised domain must be given in its xn-- form).
    public static func candidates(for emailAddress: String) -> [Candidate] {
        guard let domain = emailDomain(of: emailAddress) else { return [] }
        let path = "/autodiscover/autodiscover.xml"
        let entries: [(String, Candidate.Method)] = [
            ("https://" + domain + path, .post),
            ("https://autodiscover." + domain + path, .post),
            ("http://autodiscover." + domain + path, .redirectProbe),
        ]
        return entries.compactMap { text, method in URL(string: text).map { Candidate(url: $0, method: method) } }
    }

    public static func requestBody(for emailAddress: String) -> [UInt8] {
        var writer = EWSXMLWriter()
        writer.element("Autodiscover", ["xmlns": requestNamespace]) { root in
            root.element("Request") { request in
                request.element("EMailAddress", emailAddress)
                request.element("AcceptableResponseSchema", responseSchema)
            }
        }
        return Array((#"<?xml version="1.0" encoding="utf-8"?>"# + "\n" + writer.text).utf8)
    }

    /// A redirect (from the probe, or an HTTP 302 during a POST) may only lead to HTTPS.
    public static func allowsRedirect(to url: URL) -> Bool {
        isHTTPS(url)
    }

    static func isHTTPS(_ url: URL) -> Bool {
        url.scheme?.lowercased() == "https" && !(url.host ?? "").isEmpty
    }

    /// - Throws: `EWSError.notSOAP` for an HTML page or other non-XML, `EWSError.malformedResponse`
    ///   for XML that is not an Autodiscover answer.
    public static func outcome(body: [UInt8], contentType: String?) throws -> Outcome {
        if let contentType, !EWSSOAPResponse.isXMLContentType(contentType) {
            throw EWSError.notSOAP("Content-Type \(contentType); body begins: \(EWSSOAPResponse.bodyPrefix(body))")
        }
        switch EWSXMLProlog.firstMarkup(body) {
        case .root(let name) where name.lowercased() == "html", .doctype(let name) where name.lowercased() == "html":
            throw EWSError.notSOAP("HTML page; body begins: \(EWSSOAPResponse.bodyPrefix(body))")
        default:
            break
        }
        let root: EWSXMLElement
        do {
            root = try EWSXMLDocument.parse(body)
        } catch {
            throw EWSError.malformedResponse("Autodiscover reply is not well-formed XML: \(error)")
        }
        guard root.name == "Autodiscover", let response = root.child("Response") else {
            throw EWSError.malformedResponse("expected an Autodiscover Response, found <\(root.name)>")
        }
        if let error = response.child("Error") {
            return .error(code: error.trimmedText(of: "ErrorCode") ?? "", message: error.trimmedText(of: "Message") ?? "")
        }
        guard let account = response.child("Account") else {
            throw EWSError.malformedResponse("Autodiscover Response without Account or Error")
        }
        switch account.trimmedText(of: "Action")?.lowercased() ?? "settings" {
        case "redirectaddr":
            guard let address = account.trimmedText(of: "RedirectAddr"), emailDomain(of: address) != nil else {
                throw EWSError.malformedResponse("redirectAddr without a usable address")
            }
            return .redirectAddress(address)
        case "redirecturl":
            guard let text = account.trimmedText(of: "RedirectUrl"), let url = URL(string: text) else {
                throw EWSError.malformedResponse("redirectUrl without a URL")
            }
            guard allowsRedirect(to: url) else {
                return .error(code: "InsecureRedirect", message: "refused to follow a redirect to \(text)")
            }
            return .redirectURL(url)
        default:
            return .settings(ewsURLs: ewsURLs(in: account))
        }
    }

    /// EwsUrl and ExternalEwsUrl of the EXPR (external) protocol first, then of EXCH
    /// (internal), duplicates and non-HTTPS URLs left out.
    static func ewsURLs(in account: EWSXMLElement) -> [URL] {
        let protocols = account.children(named: "Protocol")
        func protocolType(_ element: EWSXMLElement) -> String {
            (element.trimmedText(of: "Type") ?? element.attributes["Type"] ?? "").uppercased()
        }
        var urls: [URL] = []
        for wanted in ["EXPR", "EXCH"] {
            for element in protocols where protocolType(element) == wanted {
                for name in ["ExternalEwsUrl", "EwsUrl"] {
                    guard let text = element.trimmedText(of: name), let url = URL(string: text), isHTTPS(url), !urls.contains(url) else { continue }
                    urls.append(url)
                }
            }
        }
        return urls
    }

    /// The lower-cased domain after the last "@", when it is a plausible ASCII host name.
    static func emailDomain(of emailAddress: String) -> String? {
        guard let at = emailAddress.lastIndex(of: "@") else { return nil }
        let domain = emailAddress[emailAddress.index(after: at)...].trimmingCharacters(in: .whitespaces).lowercased()
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let isHostName = !domain.isEmpty && domain.utf8.count <= 253 && labels.count >= 2 && labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        }
        return isHostName ? domain : nil
    }
}
