import ArgumentParser
import Foundation
import Hummingbird
import Web

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the web application (and run background workers unless --no-workers).")

    @OptionGroup var storage: StorageOptions

    @OptionGroup var sync: SyncOptions

    @Option(help: "Address to listen on.")
    var hostname: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 8080

    @Flag(name: .customLong("no-workers"), help: "Serve HTTP only; run `smartysales worker` elsewhere.")
    var noWorkers = false

    @Option(help: "Background jobs run at once in this process.")
    var workerConcurrency: Int = 4

    @Option(help: "Seconds a job claimed in this process stays locked without renewal; after a kill its jobs run again after this (as `worker --lease-seconds`).")
    var jobLeaseSeconds: Double = 60

    @Option(help: "PEM certificate chain: serve HTTPS directly (with --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(help: "Comma-separated addresses of reverse proxies whose X-Forwarded-* headers are trusted.")
    var trustedProxies: String = ""

    @Option(help: "Largest accepted request body in bytes (larger gets 413).")
    var maxBodyBytes: Int = 1 << 20

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if !(jobLeaseSeconds >= 1) { throw ValidationError("--job-lease-seconds must be at least 1") }
    }

    func run() async throws {
        let logger = try storage.startLogging(label: "smartysales.serve")
        var configuration = AppConfiguration()
        configuration.hostname = hostname
        configuration.port = port
        configuration.dataDirectory = storage.dataDirectory
        configuration.logDirectory = storage.logDirectory
        configuration.databaseURL = storage.databaseURL
        configuration.runWorkers = !noWorkers
        configuration.workerConcurrency = workerConcurrency
        configuration.jobLeaseSeconds = jobLeaseSeconds
        configuration.syncIntervalSeconds = TimeInterval(sync.syncIntervalSeconds)
        configuration.connectorOptions = sync.connectorOptions
        configuration.tlsCertificatePath = tlsCert
        configuration.tlsKeyPath = tlsKey
        configuration.trustedProxies = Set(trustedProxies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        configuration.maxBodyBytes = maxBodyBytes
        let app = try await buildApplication(configuration, logger: logger)
        try await app.runService()
    }
}
