import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// A minimal browser over the test client: keeps cookies, follows nothing automatically, and
/// finds the CSRF token in the last page it loaded, so tests drive the app the way a person does.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var lastBody = ""
    var acceptLanguage = "ru"

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    @discardableResult
    func get(_ path: String) async throws -> TestResponse {
        try await send(path, method: .get, body: nil, contentType: nil)
    }

    /// Posts a form with the CSRF token of the page last loaded (fetching `tokenFrom` first when given).
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], tokenFrom page: String? = nil, withToken: Bool = true) async throws -> TestResponse {
        if let page { try await get(page) }
        var fields = fields
        if withToken, let token = csrfToken() { fields.append(("csrf_token", token)) }
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(path, method: .post, body: body, contentType: "application/x-www-form-urlencoded")
    }

    func send(_ path: String, method: HTTPRequest.Method, body: String?, contentType: String?, extraHeaders: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extraHeaders
        if !cookies.isEmpty {
            headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        headers[.acceptLanguage] = acceptLanguage
        if let contentType { headers[.contentType] = contentType }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";").first ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard let name = parts.first.map(String.init) else { continue }
            let value = parts.count > 1 ? String(parts[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") {
                cookies[name] = nil
            } else {
                cookies[name] = value
            }
        }
        lastBody = String(buffer: response.body)
        return response
    }

    func csrfToken() -> String? {
        guard let range = lastBody.range(of: "name=\"csrf_token\" value=\"") else { return nil }
        let rest = lastBody[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var location: String? { headers[.location] }
}
