import CoreMetrics
import Foundation
import Hummingbird
import Metrics
import Prometheus
import Storage

/// Probes for load balancers and orchestrators, and metrics for Prometheus.
struct OperationsController {
    let services: WebServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/healthz", use: alive)
        router.get("/readyz", use: ready)
        router.get("/metrics", use: metrics)
    }

    /// The process answers: nothing else is checked, so a slow database never gets it restarted.
    @Sendable func alive(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
    }

    /// Ready to serve: the database answers.
    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        do {
            try await services.persistence.ping()
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
        } catch {
            return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "database unavailable\n")))
        }
    }

    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        // Queue depth is read at scrape time: it is a property of the shared database, not of
        // whichever process happens to be scraped.
        let counts = try await services.jobs.counts(nil)
        for (status, count) in counts {
            Gauge(label: "smartysales_jobs", dimensions: [("status", status.rawValue)]).record(count)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: MetricsBootstrap.registry.emitToBuffer())))
    }
}

/// swift-metrics allows one backend per process; every application built in this process
/// (tests build many) shares this registry.
public enum MetricsBootstrap {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
