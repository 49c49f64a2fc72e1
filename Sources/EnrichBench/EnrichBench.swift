import CompanyData
import Domain
import Foundation
import Logging
import Observability
import ProviderFakes
import Storage
import Workers

/// `scripts/bench enrich`: 1,000 clients enriched by the real job runner (concurrency 10) against
/// the fake DaData server answering every call after 200 ms, on SQLite in a temporary directory.
/// The ideal is 1,000 × 0.2 s / 10 = 20 s (50 clients/s); the figure is ours against it. Then a
/// second tenant enriches the same 1,000 INNs, which must all come from the cross-tenant cache
/// with no provider call: their latency is the cache-hit figure (target < 5 ms).
/// `ENRICH_BENCH_CONCURRENCY` and `ENRICH_BENCH_LATENCY_MS` change the two settings, for finding
/// where the time goes (at 0 ms the figure is the database's own rate).
@main
struct EnrichBench {
    static let clientCount = 1_000
    static let concurrency = Int(ProcessInfo.processInfo.environment["ENRICH_BENCH_CONCURRENCY"] ?? "") ?? 10
    static let latency = Duration.milliseconds(Int(ProcessInfo.processInfo.environment["ENRICH_BENCH_LATENCY_MS"] ?? "") ?? 200)

    static func main() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        let logger = Logger(label: "enrich-bench")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let companies = (0..<clientCount).map(Self.company)
        let script = FakeCompanyDataScript(companies: companies)
        script.latency = latency
        let daData = try await FakeDaDataServer.start(script: script)
        let persistence = try await Persistence.open(.sqliteFile(path: directory.appendingPathComponent("bench.sqlite").path), logger: logger)
        do {
            try await persistence.migrate()
            try await run(persistence: persistence, daData: daData, companies: companies, logger: logger)
        } catch {
            await persistence.shutdown()
            await daData.stop()
            throw error
        }
        await persistence.shutdown()
        await daData.stop()
    }

    static func run(persistence: Persistence, daData: FakeDaDataServer, companies: [FakeCompany], logger: Logger) async throws {
        let users = UserRepository(persistence: persistence)
        let clients = ClientRepository(persistence: persistence)
        let pipeline = ProspectsPipeline(
            persistence: persistence, secretBox: SecretBox(keyring: try MasterKeyring(current: MasterKey.generate(id: "bench"))),
            auditSink: DiscardingAuditSink(),
            llmConfigurations: FixedLLMConfigurationSource([]),
            companyDataDefaults: CompanyDataPlatformDefaults(environment: [
                "SMARTYSALES_DADATA_API_KEY": daData.apiKey, "SMARTYSALES_DADATA_BASE_URL": daData.baseURL,
            ]),
            logger: logger)

        // Tenant A: 1,000 new clients, enriched by the job runner.
        let first = try await tenant(users, "a@bench.ru")
        let ids = try await clients.importRecords(companyID: first, companies.map { CompanyRecord(inn: $0.inn) }, origin: .search)
        let runner = JobRunner(
            queue: JobQueue(persistence: persistence), handlers: pipeline.handlers,
            configuration: .init(workerName: "bench", concurrency: concurrency, lease: 60, idlePoll: 0.05), logger: logger)
        let started = ContinuousClock.now
        try await pipeline.enqueueEnrichment(clientIDs: ids, companyID: first)
        let runnerTask = Task { try await runner.run() }
        var counts: [EnrichmentState: Int] = [:]
        while true {
            counts = try await clients.enrichmentCounts(companyID: first, ids: nil)
            if (counts[.pending] ?? 0) == 0 { break }
            guard ContinuousClock.now - started < .seconds(600) else { throw BenchFailure("enrichment did not finish in 10 minutes: \(counts)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        let elapsed = seconds(ContinuousClock.now - started)
        runnerTask.cancel()
        _ = try? await runnerTask.value
        let succeeded = counts[.succeeded] ?? 0
        guard succeeded == clientCount else { throw BenchFailure("only \(succeeded) of \(clientCount) enriched: \(counts)") }
        let providerCalls = daData.script.receivedRequests.count

        // Tenant B: the same INNs, each from the cache, one after another to time each one.
        let second = try await tenant(users, "b@bench.ru")
        let secondIDs = try await clients.importRecords(companyID: second, companies.map { CompanyRecord(inn: $0.inn) }, origin: .search)
        var latencies: [Double] = []
        for id in secondIDs {
            let start = ContinuousClock.now
            let report = try await pipeline.enrichment.enrich(clientID: id, companyID: second)
            latencies.append(seconds(ContinuousClock.now - start) * 1_000)
            guard report.fromCache, report.state == .succeeded else { throw BenchFailure("a second tenant's enrichment did not come from the cache") }
        }
        let extraCalls = daData.script.receivedRequests.count - providerCalls
        guard extraCalls == 0 else { throw BenchFailure("the cache-hit pass made \(extraCalls) provider calls") }
        latencies.sort()
        let p50 = latencies[latencies.count / 2], p99 = latencies[latencies.count * 99 / 100]

        let ideal = Double(clientCount) * 0.2 / Double(concurrency)
        let ours = Double(clientCount) / elapsed, idealRate = Double(clientCount) / ideal
        print("1,000 clients, fake DaData at 200 ms a call, job runner concurrency \(concurrency), SQLite")
        print(String(format: "  enrichment: %.1f s for %d clients (%d provider calls); ideal %.1f s; %.0f%% of ideal (target >= 80%%)",
                     elapsed, clientCount, providerCalls, ideal, ideal / elapsed * 100))
        print(String(format: "  cache hit (second tenant, no provider call): p50 %.2f ms, p99 %.2f ms (target < 5 ms)", p50, p99))
        print(String(format: "enrich: ours %.1f clients/s; ideal %.1f clients/s; ratio %.2f", ours, idealRate, ours / idealRate))
    }

    static func tenant(_ users: UserRepository, _ email: String) async throws -> UUID {
        let form = NewCompanyOwner(fullName: "Bench", email: EmailAddress(email)!, companyName: email, companyDescription: "", locale: .ru)
        let (company, _) = try await users.signUp(form, passwordHash: "not a real hash")
        return company.id
    }

    /// A company the fake knows: a valid INN and OGRN and a director, so enrichment succeeds.
    static func company(_ number: Int) -> FakeCompany {
        let inn = RussianCompanyNumber.completing(String(format: "77%07d", number), as: .inn10)!.digits
        let ogrn = RussianCompanyNumber.completing(String(format: "11777%07d", number), as: .ogrn)!.digits
        return FakeCompany(
            inn: inn, ogrn: ogrn, registrationDate: "2017-03-15",
            fullName: "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \"БЕНЧ \(number)\"", shortName: "ООО \"БЕНЧ \(number)\"",
            mainActivity: FakeCompany.Activity("62.01", "Разработка компьютерного программного обеспечения"),
            regionCode: "77", regionName: "г Москва", city: "Москва", address: "115054, г Москва, ул Пятницкая, д \(number)",
            director: FakeCompany.Director(name: "Иванов Иван Иванович", position: "ГЕНЕРАЛЬНЫЙ ДИРЕКТОР"),
            phones: ["+7 495 123-\(String(format: "%02d-%02d", number / 100 % 100, number % 100))"])
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The product batches audit events off the request path (`BatchedAuditWriter`); the benchmark
/// drops them so it measures the enrichment path, not the audit log's disk.
struct DiscardingAuditSink: AuditSink {
    func record(_ event: AuditEvent) async {}
}
