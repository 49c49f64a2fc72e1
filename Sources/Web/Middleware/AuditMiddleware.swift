import Domain
import Foundation
import Hummingbird
import Observability

/// One audit event per HTTP request: user, tenant, method, path, status, duration, and the
/// query and form parameters with every secret masked. Health probes, metrics scrapes, the
/// live-progress polling of the inbox, client and discovery-run pages (a request every few
/// seconds from every open page) and the OKVED picker's suggestions (one per pause in typing)
/// are left out: they are machines polling, not actions.
///
/// The platform scope reads this trail, so a form field holding tenant-private text (a client
/// note) is recorded as its length only: the note's own repository refuses the platform, and
/// the trail must not be the way round that refusal.
struct AuditMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let unaudited: Set<String> = [
        "/healthz", "/readyz", "/metrics", "/inbox/progress", "/clients/enrichment-progress.json", "/okved/search.json",
    ]
    /// Form fields whose text is the tenant's alone.
    static let privateFields: Set<String> = [ClientNotesController.bodyField]

    let sink: any AuditSink

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !Self.isUnaudited(request.uri.path) else { return try await next(request, context) }
        var context = context
        let trail = RequestTrail()
        context.trail = trail
        let started = ContinuousClock.now
        let status: Int
        do {
            let response = try await next(request, context)
            status = Int(response.status.code)
            await write(request, context, trail, status: status, started: started)
            return response
        } catch {
            status = Int((error as? any HTTPResponseError)?.status.code ?? 500)
            await write(request, context, trail, status: status, started: started)
            throw error
        }
    }

    /// The paths above, and each discovery run's progress (`/prospects/runs/{id}/progress.json`).
    static func isUnaudited(_ path: String) -> Bool {
        unaudited.contains(path) || (path.hasPrefix("/prospects/runs/") && path.hasSuffix("/progress.json"))
    }

    private func write(_ request: Request, _ context: Context, _ trail: RequestTrail, status: Int, started: ContinuousClock.Instant) async {
        let identity = trail.signedIn ?? context.visitor.identity
        var details: [String: String] = [:]
        if let query = request.uri.query, !query.isEmpty {
            details["query"] = SecretMasker.maskFormEncoded(query)
        }
        for (key, value) in trail.form {
            details["form." + key] = Self.privateFields.contains(key)
                ? "[\(value.count) characters]"
                : SecretMasker.maskValue(forKey: key, value: String(value.prefix(500)))
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        await sink.record(AuditEvent(
            time: Date(), kind: "http.request", companyID: identity?.user.companyID, userID: identity?.user.id,
            actor: identity?.user.email.value, method: request.method.rawValue, path: request.uri.path, status: status,
            durationMs: (milliseconds * 100).rounded() / 100, ip: context.visitor.clientIP, details: details))
    }
}
