import Crypto
import Foundation
import Hummingbird
import NIOCore

/// Serves `Resources/Public` under `/public/` from memory, ahead of sessions and the audit
/// trail: the files are a few kilobytes, fixed at build time, and fetched with every page.
/// (Hummingbird's FileMiddleware only answers after the whole chain has returned a 404.)
struct StaticFilesMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    struct File: Sendable {
        let body: ByteBuffer
        let contentType: String
        let etag: String
    }

    static let prefix = "/public/"
    let files: [String: File]

    init(directory: URL) {
        var files: [String: File] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where !name.hasPrefix(".") {
            guard let data = try? Data(contentsOf: directory.appendingPathComponent(name)) else { continue }
            let type = switch (name as NSString).pathExtension {
            case "css": "text/css; charset=utf-8"
            case "js": "text/javascript; charset=utf-8"
            case "svg": "image/svg+xml"
            case "png": "image/png"
            case "ico": "image/x-icon"
            default: "application/octet-stream"
            }
            // A content hash, stable across restarts and servers (Swift's hashValue is seeded per process).
            let etag = "\"" + SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined() + "\""
            files[name] = File(body: ByteBuffer(bytes: data), contentType: type, etag: etag)
        }
        self.files = files
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix(Self.prefix), request.method == .get || request.method == .head else {
            return try await next(request, context)
        }
        guard let file = files[String(request.uri.path.dropFirst(Self.prefix.count))] else {
            return Response(status: .notFound)
        }
        if request.headers[.ifNoneMatch] == file.etag {
            return Response(status: .notModified, headers: [.eTag: file.etag])
        }
        return Response(
            status: .ok,
            headers: [.contentType: file.contentType, .eTag: file.etag, .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: request.method == .head ? ByteBuffer() : file.body))
    }
}
