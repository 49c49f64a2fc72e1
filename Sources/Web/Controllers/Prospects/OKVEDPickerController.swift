import CompanyData
import Domain
import Foundation
import Hummingbird

/// The OKVED picker's suggestions: `GET /okved/search.json?q=62.0` or `?q=разработка программ`
/// answers `[{"code", "name", "hasChildren"}]` from the bundled OKVED2 table
/// (`OKVEDTree.search`: digits are a code prefix, words begin words of the name). Reference data
/// only, the same for every tenant, so any signed-in user may ask; `app.js` turns the answer
/// into the list under the codes field.
struct OKVEDPickerController {
    let services: WebServices

    /// Suggestions per answer: a list longer than this is not read, the query is refined.
    static let limit = 20
    /// Longer queries are cut: no code or name needs more.
    static let maximumQueryLength = 100

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/okved/search.json", use: search)
    }

    struct Suggestion: Encodable {
        let code: String
        let name: String
        /// Picking it with "include subtree" takes its children too.
        let hasChildren: Bool
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.identity()
        // Read like a form body, so a `+` typed by a person (or a form) is a space.
        let query = String(FormData(urlEncoded: request.uri.query ?? "")["q"].prefix(Self.maximumQueryLength))
        let suggestions = services.okved.search(query, limit: Self.limit).map { entry in
            Suggestion(code: entry.code, name: entry.name, hasChildren: !services.okved.children(of: entry.code).isEmpty)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let body = String(decoding: try encoder.encode(suggestions), as: UTF8.self)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "private, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
