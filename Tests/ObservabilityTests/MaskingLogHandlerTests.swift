import Logging
import Synchronization
import Testing
@testable import Observability

@Suite struct MaskingLogHandlerTests {
    /// Keeps what reaches it, as the stderr stream would print it.
    struct CapturingHandler: LogHandler {
        let sink: Sink
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            merged.merge(metadataProvider?.get() ?? [:]) { _, new in new }
            merged.merge(event.metadata ?? [:]) { _, new in new }
            var kept = event
            kept.metadata = merged
            sink.events.withLock { $0.append(kept) }
        }
    }

    final class Sink: Sendable {
        let events = Mutex<[LogEvent]>([])
    }

    /// What SQLKit and PostgresNIO log for every statement at trace level: the SQL (useful)
    /// and the bound values (a sealed password, a CA certificate, a tenant's message).
    @Test func traceOfAQueryKeepsTheSQLAndWithholdsTheValues() throws {
        let sink = Sink()
        var logger = Logger(label: "db") { _ in MaskingLogHandler(wrapping: CapturingHandler(sink: sink)) }
        logger.logLevel = .trace
        logger[metadataKey: "api_key"] = "k-on-the-logger"
        logger.trace("Executing query", metadata: [
            "sql": "UPDATE mailboxes SET sealed_credentials = ?1 WHERE id = ?2",
            "binds": .array(["sealed-bytes-1", "9f1c"]),
            "psql_binds": .array(["sealed-bytes-2"]),
            "psql_message": "DataRow(sealed-bytes-3)",
        ])
        logger.debug("reset link /reset?token=abc987")

        let events = sink.events.withLock { $0 }
        #expect(events.count == 2)
        let query = try #require(events.first)
        #expect(query.message.description == "Executing query")
        #expect(query.metadata?["sql"] == .string("UPDATE mailboxes SET sealed_credentials = ?1 WHERE id = ?2"))
        #expect(query.metadata?["binds"] == .string(SecretMasker.mask))
        #expect(query.metadata?["psql_binds"] == .string(SecretMasker.mask))
        #expect(query.metadata?["psql_message"] == .string(SecretMasker.mask))
        #expect(query.metadata?["api_key"] == .string(SecretMasker.mask), "the logger's own metadata is masked too")
        #expect(events.last?.message.description == "reset link /reset?token=***")
        let printed = events.map { "\($0.message) \($0.metadata ?? [:])" }.joined()
        for secret in ["sealed-bytes", "k-on-the-logger", "abc987"] {
            #expect(!printed.contains(secret), "\(secret) was let through")
        }
    }

    @Test func levelAndMetadataAreTheWrappedHandlers() {
        let sink = Sink()
        var handler = MaskingLogHandler(wrapping: CapturingHandler(sink: sink))
        handler.logLevel = .warning
        handler[metadataKey: "request"] = "r-1"
        #expect(handler.wrapped.logLevel == .warning)
        #expect(handler.wrapped[metadataKey: "request"] == .string("r-1"))
    }
}
