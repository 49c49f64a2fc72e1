import Domain
import Hummingbird
import Logging
import Storage

/// Turns errors into pages in the visitor's language. Another tenant's id, a malformed id and a
/// missing row all read as the same 404, so nothing reveals what exists elsewhere.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let renderer: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as StorageError where error == .notFound || error == .platformScopeRefused || error == .readOnlyScope {
            return render(.notFound, request, context)
        } catch let error as any HTTPResponseError {
            if error.status == .notFound || error.status == .forbidden || error.status == .contentTooLarge
                || error.status == .badRequest || error.status == .methodNotAllowed {
                return render(error.status, request, context)
            }
            return try error.response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": .string(String(describing: error)), "path": .string(request.uri.path)])
            return render(.internalServerError, request, context)
        }
    }

    func render(_ status: HTTPResponse.Status, _ request: Request, _ context: Context) -> Response {
        let key: String = switch status {
        case .notFound, .methodNotAllowed: "error_not_found"
        case .forbidden: "error_forbidden"
        case .contentTooLarge: "error_too_large"
        case .badRequest: "error_bad_request"
        default: "error_server"
        }
        let content = ErrorView(status: Int(status.code), heading: renderer.text(key + "_title", context), message: renderer.text(key + "_message", context))
        let titleKey = key + "_title"
        return renderer.page("error", titleKey: titleKey, content: content, request: request, context: context, status: status == .methodNotAllowed ? .notFound : status)
    }
}

struct ErrorView {
    let status: Int
    let heading: String
    let message: String
}
